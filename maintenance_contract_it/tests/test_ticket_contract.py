from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import MaintenanceSlaCommon


@tagged("post_install", "-at_install")
class TestTicketContract(MaintenanceSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Martin SARL (test)", "is_company": True}
        )
        cls.other_contract = cls._activate(
            cls.env["maintenance.contract"].create(
                dict(
                    cls.template._prepare_contract_values(cls.other_customer),
                    date_start="2026-01-01",
                )
            )
        )

    def test_single_active_contract_assigned(self):
        ticket = self._create_ticket()
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertFalse(ticket.not_covered)
        self.assertEqual(ticket.sla_policy_id, self.sla_policy)

    def test_contract_of_the_equipment(self):
        laptop = self.env["maintenance.contract.equipment"].create(
            {"name": "Laptop (test)", "partner_id": self.customer.id, "category": "laptop"}
        )
        second = self._activate(self._create_contract(equipment_ids=[Command.set(laptop.ids)]))
        # two active contracts: without equipment no guess
        self.assertFalse(self._create_ticket().contract_id)
        self.assertEqual(self._create_ticket(equipment_id=laptop.id).contract_id, second)
        self.assertEqual(
            self._create_ticket(equipment_id=self.equipment.id).contract_id, self.contract
        )

    def test_no_active_contract_is_billable(self):
        self.contract._write_step({"state": "draft"})
        ticket = self._create_ticket()
        self.assertFalse(ticket.contract_id)
        self.assertTrue(ticket.not_covered)
        self.assertFalse(ticket.sla_response_deadline)
        self.assertFalse(ticket.sla_response_status)

    def test_refuse_contract_of_another_customer_or_inactive(self):
        ticket = self._create_ticket()
        with self.assertRaises(ValidationError):
            ticket.contract_id = self.other_contract
        draft = self._create_contract()
        with self.assertRaises(ValidationError):
            ticket.contract_id = draft
        with self.assertRaises(ValidationError):
            self._create_ticket(contract_id=draft.id)

    def test_exclusion_makes_it_billable(self):
        ticket = self._create_ticket()
        with self.assertRaises(ValidationError):
            ticket.excluded = True
        ticket.write({"excluded": True, "exclusion_reason": "New software install"})
        self.assertTrue(ticket.not_covered)
        self.assertEqual(ticket.extra_hourly_rate, 80.0)
        self.assertFalse(ticket.sla_policy_id)
        self.assertFalse(ticket.sla_resolution_deadline)
        ticket.excluded = False
        self.assertEqual(ticket.sla_policy_id, self.sla_policy)

    @freeze_time("2026-03-02 09:00:00")
    def test_contract_change_recomputes_and_tells(self):
        policy_24x7 = self.sla_policy.copy(
            {"name": "24x7 (test)", "calendar_id": self.calendar_24x7.id}
        )
        laptop = self.env["maintenance.contract.equipment"].create(
            {"name": "Laptop (test)", "partner_id": self.customer.id, "category": "laptop"}
        )
        second = self._activate(
            self._create_contract(
                sla_policy_id=policy_24x7.id, equipment_ids=[Command.set(laptop.ids)]
            )
        )
        ticket = self._create_ticket(equipment_id=self.equipment.id)
        # 8x5: 4 working hours from Monday 10:00 Paris = 15:00 Paris
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-02 14:00:00")
        ticket.contract_id = second
        self.assertEqual(ticket.sla_policy_id, policy_24x7)
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-02 13:00:00")
        self.assertIn("SLA deadlines were recomputed", ticket.message_ids[0].body)

    @freeze_time("2026-03-02 09:00:00")
    def test_policy_change_on_contract_recomputes(self):
        ticket = self._create_ticket()
        policy_24x7 = self.sla_policy.copy(
            {"name": "24x7 (test)", "calendar_id": self.calendar_24x7.id}
        )
        self.contract.sla_policy_id = policy_24x7
        self.assertEqual(ticket.sla_policy_id, policy_24x7)
        self.assertEqual(str(ticket.sla_response_deadline), "2026-03-02 13:00:00")
        self.assertIn("SLA policy of the contract changed", ticket.message_ids[0].body)

    def test_contract_ticket_counts(self):
        with freeze_time("2026-03-02 09:00:00"):
            late = self._create_ticket()
            self._create_ticket()
            done = self._create_ticket()
            done.stage_id = self.stage_done
        with freeze_time("2026-03-02 15:00:00"):
            # response deadlines (15:00 Paris) passed; the closed one was closed in time
            self.contract.invalidate_recordset()
            self.assertEqual(self.contract.ticket_open_count, 2)
            self.assertEqual(self.contract.ticket_breached_count, 2)
            action = self.contract.action_view_breached_tickets()
            self.assertIn(late, self.env["helpdesk.ticket"].search(action["domain"]))
            self.assertNotIn(done, self.env["helpdesk.ticket"].search(action["domain"]))

    def test_helpdesk_only_agent(self):
        """An agent without access to contracts gets them assigned and pauses the clock."""
        helpdesk_agent = new_test_user(
            self.env, login="mcit_helpdesk_only", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        self.team.user_ids = [Command.link(helpdesk_agent.id)]
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(helpdesk_agent)
            .create(
                {
                    "name": "Screen broken",
                    "description": "<p>Broken</p>",
                    "partner_id": self.customer_contact.id,
                    "team_id": self.team.id,
                }
            )
        )
        self.assertEqual(ticket.sudo().contract_id, self.contract)
        ticket.stage_id = self.stage_awaiting
        self.assertEqual(ticket.sla_resolution_status, "paused")
        self.assertEqual(ticket.sudo().sla_pause_ids.kind, "pause")
