from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalTours(HttpCase):
    """The customer's journeys on the portal, in a browser, as a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls.env["res.partner"].create(
            {"name": "Portal Tour Customer", "is_company": True, "lang": "en_US"}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Claire Tour",
                "parent_id": customer.id,
                "email": "claire@tour.example",
                "tz": "Europe/Paris",
                "lang": "en_US",
            }
        )
        new_test_user(
            cls.env, login="mcit_portal_tour", groups="base.group_portal", partner_id=cls.contact.id
        )
        calendar = cls.env["resource.calendar"].create(
            {
                "name": "Portal tour 24x7",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 0, "hour_to": 24}
                    )
                    for day in range(7)
                ],
            }
        )
        policy = cls.env["maintenance.sla.policy"].create(
            {
                "name": "Portal tour SLA",
                "calendar_id": calendar.id,
                "line_ids": [
                    Command.create({"priority": p, "response_hours": 4, "resolution_hours": 24})
                    for p in ("0", "1", "2", "3")
                ],
            }
        )
        cls.server = cls.env["maintenance.contract.equipment"].create(
            {"name": "Portal tour server", "partner_id": customer.id}
        )
        cls.contract = cls.env["maintenance.contract"].create(
            {
                "partner_id": customer.id,
                "include_curative": True,
                "sla_policy_id": policy.id,
                "equipment_ids": [Command.set(cls.server.ids)],
                "zero_fee_reason": "Tour",
            }
        )
        cls.contract.action_activate()
        now = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=2)
        cls.intervention = cls.env["maintenance.intervention"].create(
            {
                "contract_id": cls.contract.id,
                "summary": "Portal tour visit",
                "user_ids": [Command.set(cls.env.ref("base.user_admin").ids)],
                "actual_start": now,
                "actual_end": now + timedelta(hours=1),
            }
        )
        cls.intervention.action_done()

    def test_open_ticket_from_contract_page(self):
        self.start_tour(
            self.contract.access_url, "maintenance_portal_ticket_tour", login="mcit_portal_tour"
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "The portal tour server is down")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.equipment_id, self.server)
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertTrue(ticket.sla_response_deadline)

    def test_sign_intervention(self):
        self.start_tour(
            self.intervention.access_url,
            "maintenance_portal_intervention_sign_tour",
            login="mcit_portal_tour",
        )
        self.assertEqual(self.intervention.state, "signed")
        self.assertEqual(self.intervention.signed_by, "Claire Tour")
        self.assertTrue(self.intervention.signature)
