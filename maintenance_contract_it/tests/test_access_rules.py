"""Record rules and constraints that keep data where it belongs: the SLA analysis follows the
ticket rules, equipment and contracts are linked under the same rules from both sides, other
companies' records stay out of sight, and only the notice itself marks a revision notified."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import MaintenanceSlaCommon

USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"


@tagged("post_install", "-at_install")
class TestAccessRules(MaintenanceSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_team = cls.env["helpdesk.ticket.team"].create({"name": "Field service (test)"})
        cls.own_agent = new_test_user(
            cls.env,
            login="mcit_own_agent",
            groups=f"{USER_GROUP},helpdesk_mgmt.group_helpdesk_user_own",
            name="Agent of his own tickets",
        )
        cls.other_agent = new_test_user(
            cls.env,
            login="mcit_other_agent",
            groups=f"{USER_GROUP},helpdesk_mgmt.group_helpdesk_user",
            name="Field agent",
        )
        cls.other_team.user_ids = cls.other_agent
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Customer B (test)", "is_company": True}
        )
        cls.company_b = cls.env["res.company"].create({"name": "Provider B (test)"})

    # SLA analysis

    def test_sla_report_follows_ticket_rules(self):
        own_ticket = self._create_ticket(name="Mine", user_id=self.own_agent.id)
        other_ticket = self._create_ticket(
            name="Not mine", team_id=self.other_team.id, user_id=self.other_agent.id
        )
        self.env.flush_all()
        Report = self.env["maintenance.sla.report"]
        all_rows = Report.search([("contract_id", "=", self.contract.id)])
        self.assertEqual(all_rows.ticket_id, own_ticket | other_ticket)
        # the agent of his own tickets reads his ticket only, in the report as on the tickets
        agent_env = self.env(user=self.own_agent)
        self.assertEqual(
            agent_env["helpdesk.ticket"].search([("contract_id", "=", self.contract.id)]),
            own_ticket,
        )
        rows = agent_env["maintenance.sla.report"].search([("contract_id", "=", self.contract.id)])
        self.assertEqual(rows.ticket_id, own_ticket)
        groups = agent_env["maintenance.sla.report"].read_group(
            [("contract_id", "=", self.contract.id)], ["ticket_count:sum"], []
        )
        self.assertEqual(groups[0]["ticket_count"], 1)
        with self.assertRaises(AccessError):
            Report.with_user(self.own_agent).browse(other_ticket.id).read(["ticket_count"])
        # a helpdesk user of all tickets sees both
        rows = Report.with_user(self.other_agent).search([("contract_id", "=", self.contract.id)])
        self.assertEqual(rows.ticket_id, own_ticket | other_ticket)

    def test_sla_report_without_helpdesk_group(self):
        """A contract user who is no helpdesk agent reads, like on the tickets, only those of
        which he is the customer or a follower."""
        contract_user = new_test_user(self.env, login="mcit_contract_only", groups=USER_GROUP)
        ticket = self._create_ticket(name="Followed")
        self._create_ticket(name="Not followed")
        ticket.message_subscribe(contract_user.partner_id.ids)
        self.env.flush_all()
        rows = (
            self.env["maintenance.sla.report"]
            .with_user(contract_user)
            .search([("contract_id", "=", self.contract.id)])
        )
        self.assertEqual(rows.ticket_id, ticket)

    # Equipment and contracts, from both sides

    def test_equipment_side_checks_customer(self):
        foreign = self.env["maintenance.contract.equipment"].create(
            {"name": "Switch of B", "partner_id": self.customer_b.id, "category": "network"}
        )
        with self.assertRaisesRegex(ValidationError, "does not belong to the customer"):
            foreign.with_user(self.user).contract_ids = [Command.link(self.contract.id)]

    def test_equipment_partner_change_checked(self):
        """Covered equipment cannot move to another customer."""
        with self.assertRaisesRegex(ValidationError, "does not belong to the customer"):
            self.equipment.with_user(self.user).partner_id = self.customer_b

    def test_equipment_side_checks_coverage(self):
        second = self._create_active_contract()
        # a draft contract may list covered equipment, from either side
        draft = self._create_contract()
        self.equipment.with_user(self.user).contract_ids = [Command.link(draft.id)]
        self.assertEqual(self.equipment.contract_ids, self.contract | draft)
        spare = self.env["maintenance.contract.equipment"].create(
            {"name": "Spare laptop", "partner_id": self.customer.id, "category": "laptop"}
        )
        spare.with_user(self.user).contract_ids = [Command.link(second.id)]
        self.assertEqual(second.equipment_ids, spare)
        with self.assertRaisesRegex(ValidationError, "already covered by the active contract"):
            self.equipment.with_user(self.user).contract_ids = [Command.link(second.id)]

    def test_contract_side_checks_unchanged(self):
        foreign = self.env["maintenance.contract.equipment"].create(
            {"name": "Switch of B", "partner_id": self.customer_b.id, "category": "network"}
        )
        with self.assertRaisesRegex(ValidationError, "does not belong to the customer"):
            self.contract.with_user(self.user).equipment_ids = [Command.link(foreign.id)]
        second = self._create_active_contract()
        with self.assertRaisesRegex(ValidationError, "already covered by the active contract"):
            second.with_user(self.user).equipment_ids = [Command.link(self.equipment.id)]

    # Multi-company

    def test_other_company_users_see_nothing(self):
        ticket = self._create_ticket()
        intervention = self.env["maintenance.intervention"].create(
            {"contract_id": self.contract.id, "ticket_id": ticket.id}
        )
        user_b = new_test_user(
            self.env,
            login="mcit_manager_b",
            groups=f"{MANAGER_GROUP},helpdesk_mgmt.group_helpdesk_manager",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        contact = self.env["res.partner"].create(
            {"name": "Customer's contact in B", "parent_id": self.customer.id}
        )
        portal_b = new_test_user(
            self.env,
            login="mcit_portal_b",
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        self.env.flush_all()
        for user in (user_b, portal_b):
            env = self.env(user=user)
            for record in (self.contract, self.equipment, intervention):
                with self.subTest(user=user.login, model=record._name):
                    self.assertFalse(env[record._name].search([("id", "=", record.id)]))
                    with self.assertRaises(AccessError):
                        record.with_env(env).read(["name"])
        self.assertFalse(
            self.env["maintenance.sla.report"]
            .with_user(user_b)
            .search([("ticket_id", "=", ticket.id)])
        )

    def test_other_company_links_refused(self):
        equipment_b = self.env["maintenance.contract.equipment"].create(
            {"name": "NAS of B", "partner_id": self.customer.id, "company_id": self.company_b.id}
        )
        with self.assertRaises(UserError):
            equipment_b.contract_ids = [Command.link(self.contract.id)]
        ticket_b = self._create_ticket(team_id=False, user_id=False, company_id=self.company_b.id)
        self.assertFalse(ticket_b.contract_id)
        with self.assertRaisesRegex(ValidationError, "in its company"):
            ticket_b.contract_id = self.contract

    # Revision notice

    def test_revision_notice_marked_by_the_notice_only(self):
        revision = self.env["maintenance.contract.revision"].create(
            {
                "contract_id": self.contract.id,
                "revision_date": "2026-01-01",
                "index_id": self.env.ref("maintenance_contract_it.price_index_syntec").id,
            }
        )
        contract = self.contract.with_user(self.user)
        # any other message, even with the old context key, leaves the flag
        contract.with_context(mark_revision_notice_sent=revision.id).message_post(body="Hello")
        self.assertFalse(revision.notice_sent)
        action = revision.with_user(self.user).action_send_notice()
        composer = (
            self.env["mail.compose.message"].with_user(self.user).with_context(**action["context"])
        ).create({})
        self.assertEqual(composer.maintenance_revision_id, revision)
        composer.action_send_mail()
        self.assertTrue(revision.notice_sent)

    def test_revision_notice_of_another_contract_not_marked(self):
        other = self._create_active_contract()
        revision = self.env["maintenance.contract.revision"].create(
            {
                "contract_id": self.contract.id,
                "revision_date": "2026-01-01",
                "index_id": self.env.ref("maintenance_contract_it.price_index_syntec").id,
            }
        )
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user)
            .with_context(
                default_model="maintenance.contract",
                default_res_ids=other.ids,
                default_composition_mode="comment",
                default_maintenance_revision_id=revision.id,
            )
            .create({"body": "<p>Not the notice of this contract</p>"})
        )
        composer.action_send_mail()
        self.assertFalse(revision.notice_sent)
