from odoo import fields, models
from odoo.tools import SQL


class MaintenanceSlaPause(models.Model):
    """A period during which a ticket's SLA clocks stop: a pause stage (e.g. waiting for
    the customer) or a closed stage (the resolution clock resumes on re-opening)."""

    _name = "maintenance.sla.pause"
    _description = "SLA Clock Stop"
    _order = "ticket_id, date_start"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    kind = fields.Selection(
        [("pause", "Pause stage"), ("closed", "Closed")], required=True, default="pause"
    )
    stage_id = fields.Many2one("helpdesk.ticket.stage")
    date_start = fields.Datetime(string="Start", required=True)
    date_end = fields.Datetime(string="End")

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "A clock stop cannot end before it starts.",
        ),
    ]

    def init(self):
        # At most one running stop per ticket.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS maintenance_sla_pause_running_uniq "
                "ON maintenance_sla_pause (ticket_id) WHERE date_end IS NULL"
            )
        )
