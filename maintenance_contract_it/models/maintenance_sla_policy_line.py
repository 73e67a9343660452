from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .maintenance_sla_policy import HELPDESK_PRIORITIES


class MaintenanceSlaPolicyLine(models.Model):
    _name = "maintenance.sla.policy.line"
    _description = "SLA Target"
    _order = "policy_id, priority desc"

    policy_id = fields.Many2one(
        "maintenance.sla.policy", required=True, ondelete="cascade", index=True
    )
    priority = fields.Selection(HELPDESK_PRIORITIES, required=True, default="1")
    response_hours = fields.Float(
        string="Response Time (h)",
        help="Working hours allowed before the first answer to the customer (GTI).",
    )
    resolution_hours = fields.Float(
        string="Resolution Time (h)",
        help="Working hours allowed to restore the service (GTR).",
    )

    _sql_constraints = [
        (
            "priority_unique",
            "UNIQUE(policy_id, priority)",
            "An SLA policy has one target per priority.",
        ),
    ]

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for line in self:
            if line.response_hours <= 0 or line.resolution_hours <= 0:
                raise ValidationError(self.env._("Response and resolution times must be positive."))
            if line.resolution_hours < line.response_hours:
                raise ValidationError(
                    self.env._("The resolution time cannot be shorter than the response time.")
                )
