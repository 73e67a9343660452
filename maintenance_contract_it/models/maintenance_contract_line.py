from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.jobs import run_batched
from .maintenance_step_mixin import is_step

# What a fee line invoices: on a contract in force, changed by an amendment or an index
# revision only (the description and the order of the lines stay editable)
PRICED_FIELDS = (
    "contract_id",
    "product_id",
    "quantity",
    "price_unit",
    "tax_ids",
    "is_prepaid_hours",
    "prepaid_hours_quantity",
    "quantity_mode",
    "equipment_category_ids",
    "min_quantity",
)

# What the units a line billed per covered equipment counts today depend on
UNIT_DEPENDENCIES = (
    "quantity_mode",
    "equipment_category_ids",
    "min_quantity",
    "contract_id.date_start",
    "contract_id.equipment_ids.category",
    "contract_id.equipment_coverage_ids.date_from",
    "contract_id.equipment_coverage_ids.date_to",
    "contract_id.equipment_coverage_ids.equipment_id",
)


class MaintenanceContractLine(models.Model):
    """A recurring fee of a contract, invoiced every billing period."""

    _name = "maintenance.contract.line"
    _description = "Maintenance Contract Fee Line"
    _inherit = ["maintenance.contract.fee.mixin"]
    _order = "contract_id, sequence, id"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", check_company=True, domain=[("sale_ok", "=", True)]
    )
    name = fields.Text(
        string="Description", required=True, compute="_compute_name", store=True, readonly=False
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        compute="_compute_tax_ids",
        store=True,
        readonly=False,
        check_company=True,
        domain=[("type_tax_use", "=", "sale")],
        # customers read the taxes on the printed contract and their invoices
        groups="base.group_user",
    )
    billed_quantity = fields.Float(
        string="Quantity Today",
        compute="_compute_price_subtotal",
        store=True,
        digits="Product Unit of Measure",
        help="The quantity a period would bill today: the line's quantity, or for a line "
        "billed per unit the equipment of its categories covered today, or its latest usage "
        "count, at least its minimum quantity. The recurring amount of the contract counts "
        "it; each billing period counts its own units.",
    )
    price_subtotal = fields.Monetary(
        string="Subtotal", compute="_compute_price_subtotal", store=True
    )
    is_prepaid_hours = fields.Boolean(
        string="Prepaid Hours",
        help="This line sells a block of prepaid hours: buying a block from the contract "
        "invoices it and adds its hours to the balance.",
    )
    prepaid_hours_quantity = fields.Float(
        string="Hours per Block", help="Hours one unit of this line adds to the balance."
    )
    equipment_category_ids = fields.Many2many(relation="maintenance_contract_line_category_rel")
    covered_unit_count = fields.Float(
        string="Covered Units",
        compute="_compute_covered_units",
        digits="Product Unit of Measure",
        help="Equipment of the line's categories the contract covers today.",
    )
    covered_unit_list = fields.Text(string="Covered Units List", compute="_compute_covered_units")
    usage_ids = fields.One2many(
        "maintenance.contract.usage",
        "line_id",
        string="Usage Counts",
        # those who read the counts (customers see the line's quantity, not the counts)
        groups="maintenance_contract_it.group_maintenance_contract_user,"
        "account.group_account_invoice",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                line.name = line.product_id.get_product_multiline_description_sale()
            elif not line.name:
                line.name = False

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            if line.product_id:
                line.price_unit = line.product_id.lst_price

    @api.depends("product_id", "contract_id.company_id")
    def _compute_tax_ids(self):
        for line in self:
            line.tax_ids = line._get_default_taxes()

    def _get_default_taxes(self):
        """Taxes a fee line gets by default: its product's, else the company's default
        sales tax, both in the contract's company (nothing is invoiced without VAT by
        accident)."""
        self.ensure_one()
        company = self.contract_id.company_id or self.company_id or self.env.company
        return self.env["account.tax"]._get_maintenance_fee_taxes(self.product_id, company)

    @api.depends(*UNIT_DEPENDENCIES)
    def _compute_covered_units(self):
        for line in self:
            if line.quantity_mode != "equipment" or not line.contract_id or not line.id:
                line.covered_unit_count = 0.0
                line.covered_unit_list = False
                continue
            units = line._get_billed_units()
            line.covered_unit_count = len(units["units"])
            line.covered_unit_list = line.contract_id._get_units_list_text(units)

    @api.depends(
        "quantity",
        "price_unit",
        "currency_id",
        *UNIT_DEPENDENCIES,
        "usage_ids.count",
        "usage_ids.date",
    )
    def _compute_price_subtotal(self):
        """Stored (the contract's recurring amount, the MRR report and the list totals read
        it in SQL): kept right by its dependencies when the coverage, the equipment, the
        usage counts or the line change, and by :meth:`_cron_refresh_billed_quantity` when
        a coverage starts or ends on a day that comes (today moves)."""
        for line in self:
            quantity = line._get_billed_units()["quantity"]
            line.billed_quantity = quantity
            subtotal = quantity * line.price_unit
            # rounded per line (never the unit price before the quantity)
            line.price_subtotal = line.currency_id.round(subtotal) if line.currency_id else subtotal

    @api.constrains("quantity", "price_unit")
    def _check_amounts(self):
        for line in self:
            if line.quantity < 0:
                raise ValidationError(self.env._("The quantity of a fee line cannot be negative."))
            if line.price_unit < 0:
                raise ValidationError(
                    self.env._("The unit price of a fee line cannot be negative.")
                )

    # Prices of a contract in force

    def _check_fee_change_allowed(self, contracts, operation):
        """The fees of a contract that is no longer a draft change only through an amendment
        or an index revision (their steps, or the superuser in the jobs): a user's direct
        change, whatever their rights, would reprice periods not invoiced yet."""
        if self.env.su or is_step(self.env):
            return
        in_force = contracts.filtered(lambda c: c.state != "draft")
        if not in_force:
            return
        self.check_access(operation)
        raise UserError(
            self.env._(
                "The fees of %(contracts)s, which is no longer a draft, change only through an "
                "amendment or a price revision.",
                contracts=", ".join(in_force.mapped("display_name")),
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        contracts = self.env["maintenance.contract"].browse(
            {vals["contract_id"] for vals in vals_list if vals.get("contract_id")}
        )
        # what the customer signed is frozen (see maintenance.signed.document.mixin)
        contracts._check_signed_content_editable()
        self._check_fee_change_allowed(contracts, "create")
        return super().create(vals_list)

    def write(self, vals):
        self.contract_id._check_signed_content_editable()
        if any(fname in vals for fname in PRICED_FIELDS):
            self._check_fee_change_allowed(self.contract_id, "write")
            if vals.get("contract_id"):
                self._check_fee_change_allowed(
                    self.contract_id.browse(vals["contract_id"]), "write"
                )
        res = super().write(vals)
        if "contract_id" in vals:
            self.contract_id._check_signed_content_editable()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        self.contract_id._check_signed_content_editable()
        self._check_fee_change_allowed(self.contract_id, "unlink")

    # Quantity billed today

    def _get_billed_units(self, date_from=None, date_to=None):
        """The units the line bills, as a dict of
        :meth:`maintenance.contract.billing.mixin._get_fee_units` (``quantity``: what is
        billed, ``count``, ``units``...): THE quantity of the line, read by its subtotal
        (and so the contract's recurring amount, its portal page, the SLA penalty cap and
        the recurring revenue of the months without a billing period), its *Covered Units*
        and the forecast of the next invoice. Override point.

        - fixed quantity: the line's quantity;
        - per covered equipment: the equipment of the line's categories covered on
          ``date_from`` (default today, or the contract's start when it has not started),
          each in full; with ``date_from`` and ``date_to`` (a period to come), as the
          period would count them (prorated or on its first day);
        - per usage count: the count entered for the days given; without days, the latest
          count entered, else the minimum quantity, else the line's quantity (no count yet:
          the amount the contract was signed for);

        at least the minimum quantity for a line billed per unit."""
        self.ensure_one()
        contract = self.contract_id
        if self.quantity_mode == "fixed" or not contract:
            return {"mode": "fixed", "quantity": self.quantity, "count": self.quantity}
        fee = self.env["maintenance.contract.period"]._get_fee_snapshot(self)
        if date_from and date_to:
            return contract._get_fee_units(fee, date_from, date_to)
        today = fields.Date.context_today(self)
        day = max(today, contract.date_start) if contract.date_start else today
        if self.quantity_mode == "usage":
            return self._get_usage_units_today(day)
        return contract._get_fee_units(fee, day, day, method="first_day")

    def _get_usage_units_today(self, day):
        """Units of a line billed per usage count, counted on ``day`` (see
        :meth:`_get_billed_units`): the latest count entered on or before that day (else
        the latest entered), at least the minimum quantity; without any count, the minimum
        quantity, else the line's quantity."""
        self.ensure_one()
        usages = self.sudo().usage_ids.sorted(lambda usage: (usage.date, usage.id))
        latest = usages.filtered(lambda usage: usage.date <= day)[-1:] or usages[-1:]
        minimum = self.min_quantity
        if not latest:
            quantity = minimum or self.quantity
            return {"mode": "usage", "quantity": quantity, "count": quantity, "missing": True}
        if latest.count < minimum:
            return {
                "mode": "usage",
                "quantity": minimum,
                "count": minimum,
                "covered": latest.count,
                "minimum": True,
            }
        return {"mode": "usage", "quantity": latest.count, "count": latest.count}

    def _refresh_billed_quantity(self):
        """Recompute the billed quantity and the subtotal of the lines (and the recurring
        amounts of their contracts), for a change their dependencies do not see: the day."""
        if not self:
            return
        self.env.add_to_compute(self._fields["billed_quantity"], self)
        self.env.add_to_compute(self._fields["price_subtotal"], self)
        contracts = self.contract_id
        self.env.add_to_compute(contracts._fields["amount_period"], contracts)
        self.env.add_to_compute(contracts._fields["amount_yearly"], contracts)
        self.env.flush_all()

    @api.model
    def _cron_refresh_billed_quantity(self):
        """Daily job: the lines billed per unit of the contracts in force or in draft get
        their billed quantity and subtotal recomputed, for what changed with the day alone
        (a coverage starting or ending on a day that came, a usage count dated in the
        future): a day missed is caught up by the next run; a failing line is logged and
        skipped."""
        lines = self.sudo().search(
            [
                ("quantity_mode", "!=", "fixed"),
                ("contract_id.state", "in", ("draft", "active")),
            ]
        )
        run_batched(lines, "_refresh_billed_quantity")
