from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import create_support_calendar


@tagged("post_install", "-at_install")
class TestSlaTour(HttpCase):
    def test_ticket_sla_tour(self):
        # The tour reads English labels: the test database's administrator works in French.
        self.env["res.lang"]._activate_lang("en_US")
        self.env.ref("base.user_admin").lang = "en_US"
        calendar = create_support_calendar(
            self.env, "24x7 (tour)", "UTC", range(7), [("morning", 0, 12), ("afternoon", 12, 24)]
        )
        policy = self.env["maintenance.sla.policy"].create(
            {
                "name": "Tour policy",
                "calendar_id": calendar.id,
                "line_ids": [
                    Command.create({"priority": "1", "response_hours": 8, "resolution_hours": 24})
                ],
            }
        )
        customer = self.env["res.partner"].create(
            {"name": "SLA Tour Customer", "is_company": True, "email": "tour@customer.example"}
        )
        contract = self.env["maintenance.contract"].create(
            {
                "partner_id": customer.id,
                "sla_policy_id": policy.id,
                "date_start": "2026-01-01",
                "zero_fee_reason": "Tour",
            }
        )
        contract.action_activate()
        self.env["helpdesk.ticket.stage"].create(
            {"name": "Solved (tour)", "closed": True, "fold": False, "sequence": 4}
        )
        self.start_tour("/odoo/helpdesk-tickets/new", "maintenance_ticket_sla", login="admin")
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Printer on fire")])
        self.assertEqual(ticket.contract_id, contract)
        self.assertEqual(ticket.sla_response_status, "met")
        self.assertEqual(ticket.sla_resolution_status, "met")
