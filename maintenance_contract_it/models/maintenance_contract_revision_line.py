from odoo import fields, models


class MaintenanceContractRevisionLine(models.Model):
    """The price of one fee line before and after a revision."""

    _name = "maintenance.contract.revision.line"
    _description = "Contract Price Revision Line"
    _order = "revision_id, id"

    revision_id = fields.Many2one(
        "maintenance.contract.revision", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="revision_id.company_id", store=True)
    currency_id = fields.Many2one(related="revision_id.currency_id")
    contract_line_id = fields.Many2one("maintenance.contract.line", ondelete="set null")
    name = fields.Text(string="Description")
    quantity = fields.Float(digits="Product Unit of Measure")
    price_before = fields.Float(string="Unit Price Before", digits="Product Price")
    price_after = fields.Float(string="Unit Price After", digits="Product Price")
    subtotal_before = fields.Monetary(currency_field="currency_id")
    subtotal_after = fields.Monetary(currency_field="currency_id")
