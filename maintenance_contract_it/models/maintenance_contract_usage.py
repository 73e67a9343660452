from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

INVOICE_GROUP = "account.group_account_invoice"


class MaintenanceContractUsage(models.Model):
    """The usage count of a fee line billed per usage count for one billing period (pages
    printed, backups, tickets...), entered by an invoicing user before the period is
    invoiced, imported (any day of the period is its period), or given by the contract's
    :meth:`maintenance.contract.billing.mixin._get_usage_quantity`. Frozen once the period is
    invoiced."""

    _name = "maintenance.contract.usage"
    _description = "Maintenance Contract Usage Count"
    _order = "date desc, contract_id, id"
    _check_company_auto = True

    line_id = fields.Many2one(
        "maintenance.contract.line",
        string="Fee Line",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("quantity_mode", "=", "usage")],
    )
    contract_id = fields.Many2one(
        related="line_id.contract_id", store=True, index=True, string="Contract"
    )
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    date = fields.Date(
        string="Period",
        required=True,
        help="First day of the billing period counted (any day of the period may be given: "
        "it is replaced by its first day).",
    )
    date_end = fields.Date(string="Period End", compute="_compute_date_end", store=True)
    count = fields.Float(digits="Product Unit of Measure", required=True)
    period_id = fields.Many2one(
        "maintenance.contract.period",
        string="Billing Period",
        compute="_compute_period_id",
        store=True,
        index="btree_not_null",
        help="The billing period of the contract the count is of (found by its dates, "
        "empty before the period is made): where it is entered on the period's form.",
    )

    _sql_constraints = [
        (
            "line_date_unique",
            "UNIQUE(line_id, date)",
            "A fee line has one usage count per billing period.",
        ),
    ]

    @api.depends("date", "line_id")
    def _compute_date_end(self):
        for usage in self:
            contract = usage.line_id.contract_id
            if usage.date and contract.date_start:
                usage.date_end = contract._get_period_bounds(usage.date)[1]
            else:
                usage.date_end = usage.date

    @api.depends("date", "date_end", "line_id")
    def _compute_period_id(self):
        for usage in self:
            usage.period_id = usage._get_period() if usage.date else False

    @api.constrains("count")
    def _check_count(self):
        for usage in self:
            if usage.count < 0:
                raise ValidationError(self.env._("A usage count cannot be negative."))

    @api.constrains("line_id")
    def _check_line(self):
        for usage in self:
            if usage.line_id.quantity_mode != "usage":
                raise ValidationError(
                    self.env._(
                        "The fee line %(line)s is not billed per usage count.",
                        line=usage.line_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        Period = self.env["maintenance.contract.period"]
        for vals in vals_list:
            if vals.get("period_id") and not vals.get("date"):
                # entered on the period's form: the period's first day
                vals["date"] = Period.browse(vals["period_id"]).sudo().date_start
            self._normalize_date(vals)
        usages = super().create(vals_list)
        usages._check_not_invoiced()
        return usages

    def write(self, vals):
        self._check_not_invoiced()
        if "date" in vals or "line_id" in vals:
            for usage in self:
                values = dict(vals)
                values.setdefault("line_id", usage.line_id.id)
                self._normalize_date(values)
                super(MaintenanceContractUsage, usage).write(values)
            self._check_not_invoiced()
            return True
        return super().write(vals)

    def unlink(self):
        self._check_not_invoiced()
        return super().unlink()

    @api.model
    def _normalize_date(self, vals):
        """Any day of a period stands for the period: its first day is kept."""
        if not vals.get("date") or not vals.get("line_id"):
            return
        contract = self.env["maintenance.contract.line"].browse(vals["line_id"]).contract_id
        if contract.date_start:
            day = fields.Date.to_date(vals["date"])
            vals["date"] = max(contract._get_period_bounds(day)[0], contract.date_start)

    def _get_period(self):
        """The billing period of the contract the count is of (none before it exists)."""
        self.ensure_one()
        return (
            self.env["maintenance.contract.period"]
            .sudo()
            .search(
                [
                    ("contract_id", "=", self.contract_id.id),
                    ("date_start", "<=", self.date_end or self.date),
                    ("date_end", ">=", self.date),
                ],
                limit=1,
            )
        )

    def _check_not_invoiced(self):
        """A count of a period invoiced is frozen: its invoice billed it."""
        for usage in self:
            period = usage._get_period()
            if period.state == "invoiced" or period.unit_snapshot:
                raise UserError(
                    self.env._(
                        "The usage of %(line)s for the period starting on %(date)s was "
                        "invoiced: it cannot be changed.",
                        line=usage.line_id.name,
                        date=format_date(self.env, usage.date),
                    )
                )
