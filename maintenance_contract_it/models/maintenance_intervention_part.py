from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The costs are for the contract managers only.
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"


class MaintenanceInterventionPart(models.Model):
    """A part or some material used during an intervention."""

    _name = "maintenance.intervention.part"
    _description = "Part Used in an Intervention"
    _inherit = ["maintenance.invoiced.mixin"]
    _invoice_line_link_field = "maintenance_intervention_part_id"
    _order = "intervention_id, sequence, id"
    _check_company_auto = True

    intervention_id = fields.Many2one(
        "maintenance.intervention", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="intervention_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", check_company=True)
    name = fields.Char(
        string="Description",
        required=True,
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    currency_id = fields.Many2one(related="intervention_id.currency_id")
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        help="Price of the part when its intervention is billable.",
    )
    cost_unit = fields.Float(
        string="Unit Cost",
        digits="Product Price",
        compute="_compute_cost_unit",
        store=True,
        readonly=False,
        precompute=True,
        groups=MANAGER_GROUP,
        help="Cost of one unit in the currency of the company, for the profitability of the "
        "contract: the product's cost when the part is entered; a later change of the "
        "product's cost does not change it.",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for part in self:
            if part.product_id:
                part.name = part.product_id.display_name

    @api.depends("product_id")
    def _compute_price_unit(self):
        for part in self:
            if part.product_id:
                part.price_unit = part.product_id.lst_price

    @api.depends("product_id")
    def _compute_cost_unit(self):
        for part in self:
            if part.product_id:
                company = part.intervention_id.company_id or self.env.company
                part.cost_unit = part.product_id.with_company(company).standard_price

    @api.constrains("quantity")
    def _check_quantity(self):
        if any(part.quantity <= 0 for part in self):
            raise ValidationError(self.env._("The quantity of a part must be positive."))

    @api.model_create_multi
    def create(self, vals_list):
        parts = super().create(vals_list)
        parts.intervention_id._check_parts_editable()
        return parts

    def write(self, vals):
        if set(vals) - {"invoice_line_id"}:  # billing a part does not change the report
            self.intervention_id._check_parts_editable()
        res = super().write(vals)
        if "intervention_id" in vals:
            self.intervention_id._check_parts_editable()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        self.intervention_id._check_parts_editable()

    def _prepare_invoice_line_values(self):
        self.ensure_one()
        values = {
            "name": f"{self.intervention_id.name} – {self.name}",
            "quantity": self.quantity,
            "price_unit": self.price_unit,
            **self._get_invoice_line_link(),
        }
        if self.product_id:
            values["product_id"] = self.product_id.id
            values["product_uom_id"] = self.product_id.uom_id.id
        return values
