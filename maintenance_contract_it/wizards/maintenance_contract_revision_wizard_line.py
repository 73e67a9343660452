from odoo import fields, models


class MaintenanceContractRevisionWizardLine(models.TransientModel):
    _name = "maintenance.contract.revision.wizard.line"
    _description = "Revise Contract Prices: Line Preview"

    wizard_id = fields.Many2one(
        "maintenance.contract.revision.wizard", required=True, ondelete="cascade"
    )
    name = fields.Text(string="Description")
    quantity = fields.Float(digits="Product Unit of Measure")
    price_before = fields.Float(string="Unit Price Before", digits="Product Price")
    price_after = fields.Float(string="Unit Price After", digits="Product Price")
