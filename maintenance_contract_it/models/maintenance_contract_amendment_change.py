from odoo import fields, models


class MaintenanceContractAmendmentChange(models.Model):
    """One value of a contract changed by an amendment, before and after."""

    _name = "maintenance.contract.amendment.change"
    _description = "Contract Amendment Change"
    _order = "amendment_id, sequence, id"

    amendment_id = fields.Many2one(
        "maintenance.contract.amendment", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(related="amendment_id.contract_id", store=True)
    company_id = fields.Many2one(related="amendment_id.company_id", store=True)
    sequence = fields.Integer()
    field_description = fields.Char(string="Changed", required=True)
    old_value = fields.Char(string="Before")
    new_value = fields.Char(string="After")
