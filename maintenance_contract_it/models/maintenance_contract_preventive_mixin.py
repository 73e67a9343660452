from odoo import fields, models

from ..tools.jobs import lock_for_user

# Fields that customers (portal users) must not read are restricted to this group.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceContractPreventiveMixin(models.AbstractModel):
    _name = "maintenance.contract.preventive.mixin"
    _description = "Contract Preventive Plans"

    preventive_plan_ids = fields.One2many(
        "maintenance.preventive.plan",
        "contract_id",
        context={"active_test": False},
        groups=USER_GROUP,
    )

    def action_generate_preventive_interventions(self):
        """Plan now the preventive visits the scheduled job would plan."""
        plans = lock_for_user(self.preventive_plan_ids.filtered("active"))
        for plan in plans:
            plan._generate_interventions()
        return self.action_view_interventions()
