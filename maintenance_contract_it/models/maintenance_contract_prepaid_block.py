from odoo import fields, models


class MaintenanceContractPrepaidBlock(models.Model):
    """A block of prepaid hours bought for a contract: its hours count in the balance while
    its invoice is not cancelled."""

    _name = "maintenance.contract.prepaid.block"
    _description = "Block of Prepaid Hours"
    _order = "contract_id, date, id"

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    hours = fields.Float(required=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        ondelete="set null",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    invoice_state = fields.Selection(
        related="move_id.state",
        string="Invoice Status",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
