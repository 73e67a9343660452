from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestInterventionTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        contact = cls.env["res.partner"].create({"name": "Tour Contact", "parent_id": customer.id})
        server = cls.env["maintenance.contract.equipment"].create(
            {"name": "Tour server", "partner_id": customer.id}
        )
        policy = cls.env["maintenance.sla.policy"].create(
            {"name": "Tour policy", "calendar_id": cls.env.company.resource_calendar_id.id}
        )
        contract = cls.env["maintenance.contract"].create(
            {
                "partner_id": customer.id,
                "include_curative": True,
                "equipment_ids": [Command.set(server.ids)],
                "zero_fee_reason": "Tour",
                "sla_policy_id": policy.id,
            }
        )
        contract.action_activate()
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {"name": "Tour ticket", "description": "<p>Down</p>", "partner_id": contact.id}
        )
        now = fields.Datetime.now().replace(microsecond=0)
        cls.env["maintenance.intervention"].create(
            {
                "ticket_id": cls.ticket.id,
                "summary": "Tour visit",
                "user_ids": [Command.set(cls.env.ref("base.user_admin").ids)],
                "scheduled_start": now,
                "scheduled_end": now + timedelta(hours=1),
                "actual_start": now,
                "actual_end": now + timedelta(hours=1),
            }
        )

    def test_intervention_tour(self):
        self.start_tour(
            f"/odoo/helpdesk.ticket/{self.ticket.id}",
            "maintenance_intervention_tour",
            login="admin",
        )
        interventions = self.ticket.intervention_ids
        self.assertEqual(len(interventions), 2)
        self.assertEqual(set(interventions.mapped("state")), {"planned", "done"})
