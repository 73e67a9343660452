from odoo import Command, fields, models


class MaintenanceContractTemplateLine(models.Model):
    _name = "maintenance.contract.template.line"
    _description = "Maintenance Contract Template Fee Line"
    _order = "template_id, sequence, id"
    _inherit = ["maintenance.contract.fee.mixin"]

    template_id = fields.Many2one(
        "maintenance.contract.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", domain=[("sale_ok", "=", True)])
    name = fields.Text(string="Description", required=True)
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    equipment_category_ids = fields.Many2many(
        relation="maintenance_contract_template_line_category_rel"
    )

    def _prepare_contract_line_command(self):
        self.ensure_one()
        return Command.create(
            {
                "sequence": self.sequence,
                "product_id": self.product_id.id,
                "name": self.name,
                "quantity": self.quantity,
                "price_unit": self.price_unit,
                **self._get_quantity_mode_values(),
                # taxes: the contract line's own, of the product in the contract's company
            }
        )
