from dateutil.relativedelta import relativedelta

from odoo import fields, models


class MaintenancePriceIndex(models.Model):
    """A monthly index series used to revise contract prices (e.g. Syntec)."""

    _name = "maintenance.price.index"
    _description = "Price Index"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the index between companies."
    )
    value_ids = fields.One2many("maintenance.price.index.value", "index_id", string="Values")
    last_value_id = fields.Many2one(
        "maintenance.price.index.value", compute="_compute_last_value_id"
    )

    _sql_constraints = [
        ("code_company_unique", "UNIQUE(code, company_id)", "An index with this code exists."),
    ]

    def _compute_last_value_id(self):
        for index in self:
            index.last_value_id = index.value_ids.sorted("month", reverse=True)[:1]

    def _get_published_value(self, date):
        """Latest value published on ``date`` (see ``_is_published``)."""
        self.ensure_one()
        Value = self.env["maintenance.price.index.value"]
        return Value.search(
            [
                ("index_id", "=", self.id),
                "|",
                ("publication_date", "<=", date),
                "&",
                ("publication_date", "=", False),
                ("month", "<=", Value._last_month_published_by_default(date)),
            ],
            order="month desc",
            limit=1,
        )

    def _get_value_of_month(self, month):
        self.ensure_one()
        return self.env["maintenance.price.index.value"].search(
            [("index_id", "=", self.id), ("month", "=", month.replace(day=1))], limit=1
        )

    def _get_revision_value(self, revision_date, reference_month, today):
        """Index value S1 of a revision on ``revision_date`` whose reference month is
        ``reference_month``: the latest value published on the revision date, provided it is
        at least one year newer than the reference; otherwise, when it is published late,
        the value of the reference month one year later. Empty when not published yet."""
        self.ensure_one()
        needed_month = reference_month.replace(day=1) + relativedelta(years=1)
        value = self._get_published_value(revision_date)
        if value and value.month >= needed_month:
            return value
        late = self._get_value_of_month(needed_month)
        if late and late._is_published(today):
            return late
        return self.env["maintenance.price.index.value"]
