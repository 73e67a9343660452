from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.maintenance_sla_policy import HELPDESK_PRIORITIES


class MaintenanceSlaReport(models.Model):
    """SLA compliance of the tickets under contract. A target whose deadline has passed
    without being reached counts as breached right away, like the ticket's status."""

    _name = "maintenance.sla.report"
    _description = "SLA Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    contract_id = fields.Many2one("maintenance.contract", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    sla_policy_id = fields.Many2one("maintenance.sla.policy", string="SLA Policy", readonly=True)
    priority = fields.Selection(HELPDESK_PRIORITIES, readonly=True)
    date = fields.Datetime(string="Created on", readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True)
    response_met = fields.Integer(string="Responses Met", readonly=True)
    response_breached = fields.Integer(string="Responses Breached", readonly=True)
    resolution_met = fields.Integer(string="Resolutions Met", readonly=True)
    resolution_breached = fields.Integer(string="Resolutions Breached", readonly=True)
    response_compliance = fields.Float(
        string="Response Compliance (%)", aggregator="avg", readonly=True
    )
    resolution_compliance = fields.Float(
        string="Resolution Compliance (%)", aggregator="avg", readonly=True
    )
    response_hours = fields.Float(
        string="Average Response (working h)", aggregator="avg", readonly=True
    )
    resolution_hours = fields.Float(
        string="Average Resolution (working h)", aggregator="avg", readonly=True
    )

    def _target_sql(self, target):
        """SQL of 'met' and 'breached' of ``target``, the same rules as the ticket status."""
        result = SQL.identifier("t", f"sla_{target}_result")
        deadline = SQL.identifier("t", f"sla_{target}_deadline")
        breached = SQL(
            "(%s = 'breached' OR (%s IS NULL AND %s <= (now() AT TIME ZONE 'UTC')))",
            result,
            result,
            deadline,
        )
        met = SQL("(%s = 'met')", result)
        return met, breached

    def _query(self):
        response_met, response_breached = self._target_sql("response")
        resolution_met, resolution_breached = self._target_sql("resolution")
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.contract_id,
                   t.commercial_partner_id AS partner_id,
                   t.company_id,
                   t.team_id,
                   t.user_id,
                   t.sla_policy_id,
                   t.priority,
                   t.sla_start_date AS date,
                   1 AS ticket_count,
                   CASE WHEN %(response_met)s THEN 1 ELSE 0 END AS response_met,
                   CASE WHEN %(response_breached)s THEN 1 ELSE 0 END AS response_breached,
                   CASE WHEN %(resolution_met)s THEN 1 ELSE 0 END AS resolution_met,
                   CASE WHEN %(resolution_breached)s THEN 1 ELSE 0 END AS resolution_breached,
                   CASE WHEN %(response_met)s THEN 100.0
                        WHEN %(response_breached)s THEN 0.0 END AS response_compliance,
                   CASE WHEN %(resolution_met)s THEN 100.0
                        WHEN %(resolution_breached)s THEN 0.0 END AS resolution_compliance,
                   t.sla_response_work_hours AS response_hours,
                   t.sla_resolution_work_hours AS resolution_hours
              FROM helpdesk_ticket t
             WHERE t.sla_policy_id IS NOT NULL
            """,
            response_met=response_met,
            response_breached=response_breached,
            resolution_met=resolution_met,
            resolution_breached=resolution_breached,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
