from odoo import fields, models

SLA_TARGETS = [("response", "Response"), ("resolution", "Resolution")]
SLA_WARNING_LEVELS = [("at_risk", "At risk"), ("breached", "Breached")]


class MaintenanceSlaNotification(models.Model):
    """Marker of a warning already sent for a ticket's target: the unique index makes the
    warning job idempotent, even when two runs overlap."""

    _name = "maintenance.sla.notification"
    _description = "SLA Warning Sent"
    _order = "create_date desc, id desc"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    target = fields.Selection(SLA_TARGETS, required=True)
    level = fields.Selection(SLA_WARNING_LEVELS, required=True)

    _sql_constraints = [
        (
            "ticket_target_level_unique",
            "UNIQUE(ticket_id, target, level)",
            "This SLA warning was already sent for this ticket.",
        ),
    ]
