from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MaintenancePriceIndexValue(models.Model):
    """The value of an index for one month."""

    _name = "maintenance.price.index.value"
    _description = "Price Index Value"
    _order = "index_id, month desc"
    _rec_name = "month"

    index_id = fields.Many2one(
        "maintenance.price.index", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="index_id.company_id", store=True)
    month = fields.Date(required=True, help="The first day of the month the value is for.")
    value = fields.Float(required=True, digits=(12, 4))
    publication_date = fields.Date(
        default=fields.Date.context_today,
        help="Date the value was published. Revisions only use values published on their "
        "revision date.",
    )

    _sql_constraints = [
        (
            "index_month_unique",
            "UNIQUE(index_id, month)",
            "An index has one value per month.",
        ),
        ("value_positive", "CHECK(value > 0)", "An index value must be positive."),
    ]

    @api.depends("index_id", "month", "value")
    def _compute_display_name(self):
        for record in self:
            month = record.month.strftime("%m/%Y") if record.month else ""
            record.display_name = f"{record.index_id.code or ''} {month}: {record.value:g}"

    @api.constrains("month", "publication_date")
    def _check_publication_date(self):
        for record in self:
            if record.publication_date and record.publication_date < record.month:
                raise ValidationError(
                    self.env._(
                        "The value of %(month)s cannot be published before that month.",
                        month=record.month.strftime("%m/%Y"),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_month(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_month(vals)
        return super().write(vals)

    @api.model
    def _normalize_month(self, vals):
        """Store the month as its first day, whatever day was entered; refuse a value that is
        not positive with a readable message (the SQL constraint only guards the table)."""
        if vals.get("month"):
            vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        if "value" in vals and not (vals["value"] or 0) > 0:
            raise ValidationError(
                self.env._(
                    "An index value must be positive (%(value)s was entered).",
                    value=vals["value"],
                )
            )

    def _is_published(self, date):
        """Whether this value is known on ``date``: published on or before it; a value
        without a publication date (e.g. history loaded from a source that does not give it)
        counts as published at the end of the following month, as indexes such as Syntec
        are."""
        self.ensure_one()
        if self.publication_date:
            return self.publication_date <= date
        return self.month <= self._last_month_published_by_default(date)

    @api.model
    def _last_month_published_by_default(self, date):
        """Latest month whose value counts as published on ``date`` when it has no
        publication date: two months before (the value of November on 1 January)."""
        return date.replace(day=1) - relativedelta(months=2)
