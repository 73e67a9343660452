from odoo import fields, models


class MaintenanceSlaPolicy(models.Model):
    _inherit = "maintenance.sla.policy"

    contract_ids = fields.One2many(
        "maintenance.contract",
        "sla_policy_id",
        string="Contracts",
        help="Contracts under this policy; their customers may read it on the portal.",
    )
