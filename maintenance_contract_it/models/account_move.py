from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    contract_id = fields.Many2one(
        "maintenance.contract",
        string="Maintenance Contract",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
