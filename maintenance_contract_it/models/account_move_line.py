from odoo import fields, models

# Internal fields, that customers (portal users) must not read.
EMPLOYEE_GROUP = "base.group_user"


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    maintenance_period_id = fields.Many2one(
        "maintenance.contract.period",
        string="Billing Period",
        index="btree_not_null",
        copy=False,
        ondelete="restrict",
        groups=EMPLOYEE_GROUP,
    )
