from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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

    @api.depends("quantity_mode", "equipment_category_ids", "contract_id.equipment_ids")
    def _compute_covered_units(self):
        today = fields.Date.context_today(self)
        Period = self.env["maintenance.contract.period"]
        for line in self:
            contract = line.contract_id
            if line.quantity_mode != "equipment" or not contract or not line.id:
                line.covered_unit_count = 0.0
                line.covered_unit_list = False
                continue
            day = max(today, contract.date_start) if contract.date_start else today
            units = contract._get_covered_unit_days(
                Period._get_fee_snapshot(line), day, day, "first_day"
            )
            line.covered_unit_count = len(units)
            line.covered_unit_list = contract._get_units_list_text(
                {"units": [list(unit) for unit in units], "days": 1}
            )

    @api.depends("quantity", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.quantity * line.price_unit

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
