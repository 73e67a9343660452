from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    maintenance_period_id = fields.Many2one(
        "maintenance.contract.period",
        string="Billing Period",
        index="btree_not_null",
        copy=False,
        ondelete="restrict",
    )
