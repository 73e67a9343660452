from odoo import api, fields, models
from odoo.exceptions import ValidationError

QUANTITY_MODES = [
    ("fixed", "Fixed quantity"),
    ("equipment", "Per covered equipment"),
    ("usage", "Per usage count"),
]


class MaintenanceContractFeeMixin(models.AbstractModel):
    """How a fee line counts its quantity, shared by the template's fee lines and the
    contract's (copied from the first to the second): a fixed quantity, the covered
    equipment of some categories (per unit, prorated by the days each one is covered), or a
    usage count entered for each billing period. The quantity of a period is computed by
    :meth:`maintenance.contract.billing.mixin._get_fee_quantity`."""

    _name = "maintenance.contract.fee.mixin"
    _description = "Maintenance Contract Fee Quantity"

    quantity_mode = fields.Selection(
        QUANTITY_MODES,
        string="Billed Quantity",
        default="fixed",
        required=True,
        help="Fixed quantity: the line's quantity every period. Per covered equipment: the "
        "contract's covered equipment of the categories below, each prorated by the days it "
        "was covered in the period. Per usage count: the count entered for each period "
        "before it is invoiced.",
    )
    # the relation table is set by each model (a name from both tables is too long)
    equipment_category_ids = fields.Many2many(
        "maintenance.contract.equipment.category",
        relation="maintenance_contract_fee_mixin_category_rel",
        string="Equipment Categories",
        help="Covered equipment counted by a line billed per covered equipment: all of it "
        "when empty.",
    )
    min_quantity = fields.Float(
        string="Minimum Quantity",
        digits="Product Unit of Measure",
        help="A line billed per unit invoices at least this quantity (0: no minimum).",
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit of Measure",
        help="Unit of the invoice line (the product's when empty), also in its Factur-X.",
    )
    unit_label = fields.Char(
        string="Unit Name",
        help="What a unit is called in the label of the invoice line, in the customer's "
        'language ("14 workstations").',
    )

    @api.constrains("min_quantity")
    def _check_min_quantity(self):
        for line in self:
            if line.min_quantity < 0:
                raise ValidationError(
                    self.env._("The minimum quantity of a fee line cannot be negative.")
                )

    def _get_quantity_mode_values(self):
        """The fields of this mixin as values for another fee line (template → contract)."""
        self.ensure_one()
        return {
            "quantity_mode": self.quantity_mode,
            "equipment_category_ids": [fields.Command.set(self.equipment_category_ids.ids)],
            "min_quantity": self.min_quantity,
            "uom_id": self.uom_id.id,
            "unit_label": self.unit_label,
        }
