from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MaintenanceContractCommon

MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


@tagged("post_install", "-at_install")
class TestSecurity(MaintenanceContractCommon):
    """Access of internal users, managers, another company's users and portal customers,
    checked with real users on real records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.equipment = cls.env["maintenance.contract.equipment"].create(
            {"name": "File server", "partner_id": cls.customer.id, "category": "server"}
        )
        cls.contract_active = cls._create_active_contract(
            equipment_ids=[Command.set(cls.equipment.ids)]
        )
        cls.contract_draft = cls._create_contract()
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Customer B (test)", "is_company": True}
        )
        cls.sla_policy_b = cls.sla_policy.copy({"name": "Negotiated for B (test)"})
        cls.contract_b = cls._create_active_contract(
            partner_id=cls.customer_b.id, sla_policy_id=cls.sla_policy_b.id
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="mcit_portal_a",
            groups="base.group_portal",
            name=cls.customer_contact.name,
            email=cls.customer_contact.email,
            partner_id=cls.customer_contact.id,
        )
        cls.company_2 = cls.env["res.company"].create({"name": "Other provider (test)"})
        cls.user_company_2 = new_test_user(
            cls.env,
            login="mcit_manager_c2",
            groups=MANAGER_GROUP,
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )

    # Internal users

    def test_groups(self):
        manager_group = self.env.ref(MANAGER_GROUP)
        self.assertIn(self.env.ref(USER_GROUP), manager_group.implied_ids)
        self.assertTrue(self.env.ref("base.user_admin").has_group(MANAGER_GROUP))
        self.assertTrue(self.manager.has_group(USER_GROUP))
        self.assertFalse(self.user.has_group(MANAGER_GROUP))

    def test_user_creates_and_edits_contracts(self):
        env = self.env(user=self.user)
        vals = self.template.with_env(env)._prepare_contract_values(self.customer.with_env(env))
        contract = env["maintenance.contract"].create(vals)
        contract.write(
            {
                "title": "Edited by a user",
                "line_ids": [
                    Command.create({"name": "Extra fee", "quantity": 1, "price_unit": 10.0})
                ],
                "equipment_ids": [Command.link(self.equipment.id)],
            }
        )
        self.assertEqual(contract.amount_period, 260.0)
        equipment = env["maintenance.contract.equipment"].create(
            {"name": "Printer", "partner_id": self.customer.id, "category": "printer"}
        )
        equipment.location = "Reception"
        optional = contract.clause_ids.filtered(lambda c: not c.mandatory)
        self.assertTrue(optional)
        optional.body = "<p>Visits are planned one week ahead.</p>"
        optional.unlink()
        env["maintenance.contract.clause"].create(
            {"contract_id": contract.id, "name": "Parking", "body": "<p>Free parking.</p>"}
        )
        with self.assertRaises(AccessError):
            contract.unlink()
        with self.assertRaises(AccessError):
            equipment.unlink()

    def test_user_cannot_edit_configuration(self):
        env = self.env(user=self.user)
        clause = self.clause_optional.with_env(env)
        policy = self.sla_policy.with_env(env)
        template = self.template.with_env(env)
        for record in (clause, policy, policy.line_ids[:1], template, template.line_ids[:1]):
            record.check_access("read")
            with self.assertRaises(AccessError, msg=record._name):
                record.check_access("write")
        with self.assertRaises(AccessError):
            env["maintenance.clause"].create({"name": "Mine", "category": "specific"})
        with self.assertRaises(AccessError):
            policy.penalty_per_hour = 0.0
        with self.assertRaises(AccessError):
            template.name = "Renamed"

    def test_manager_configures_everything(self):
        env = self.env(user=self.manager)
        clause = env["maintenance.clause"].create({"name": "Audit", "category": "security"})
        calendar = env["resource.calendar"].create(
            {"name": "Support 5x10 (test)", "tz": "Europe/Paris"}
        )
        calendar.attendance_ids[:1].hour_to = 11.0
        policy = env["maintenance.sla.policy"].create(
            {
                "name": "Gold (test)",
                "calendar_id": calendar.id,
                "line_ids": [
                    Command.create({"priority": "3", "response_hours": 1, "resolution_hours": 2})
                ],
            }
        )
        template = env["maintenance.contract.template"].create(
            {
                "name": "Gold template (test)",
                "sla_policy_id": policy.id,
                "clause_ids": [Command.set(clause.ids)],
            }
        )
        template.unlink()
        policy.unlink()
        clause.unlink()
        self.contract_draft.with_env(env).unlink()
        self.assertFalse(self.contract_draft.exists())

    # Multi-company

    def test_other_company_user_sees_nothing_of_company_1(self):
        env = self.env(
            user=self.user_company_2, context={"allowed_company_ids": self.company_2.ids}
        )
        records = [
            self.contract_active,
            self.contract_active.line_ids[:1],
            self.contract_active.clause_ids[:1],
            self.equipment,
            self.sla_policy,
            self.sla_policy.line_ids[:1],
            self.template,
            self.template.line_ids[:1],
        ]
        for record in records:
            self.assertTrue(record, record._name)
            with self.assertRaises(AccessError, msg=record._name):
                record.with_env(env).check_access("read")
            self.assertFalse(env[record._name].search([("id", "=", record.id)]), record._name)
        self.assertFalse(env["maintenance.contract"].search([]))
        # what the other company creates is its own
        calendar = env["resource.calendar"].create({"name": "Company 2 hours"})
        policy = env["maintenance.sla.policy"].create(
            {"name": "Company 2 policy", "calendar_id": calendar.id}
        )
        self.assertEqual(policy.company_id, self.company_2)
        self.assertEqual(env["maintenance.sla.policy"].search([]), policy)

    # Portal

    def test_portal_reads_own_active_contract(self):
        contract = self.contract_active.with_user(self.portal_user)
        contract.check_access("read")
        self.assertEqual(contract.name, self.contract_active.name)
        for related in (
            contract.line_ids,
            contract.clause_ids,
            contract.equipment_ids,
            contract.sla_policy_id,
            contract.sla_policy_id.line_ids,
        ):
            self.assertTrue(related, related._name)
            related.check_access("read")
            related.read(["display_name"])
        self.assertEqual(
            self.env["maintenance.contract"].with_user(self.portal_user).search([]),
            self.contract_active,
        )

    def test_portal_cannot_read_other_customer_or_draft(self):
        Contract = self.env["maintenance.contract"].with_user(self.portal_user)
        for contract in (self.contract_b, self.contract_draft):
            with self.assertRaises(AccessError):
                contract.with_user(self.portal_user).check_access("read")
            with self.assertRaises(AccessError):
                contract.line_ids[:1].with_user(self.portal_user).check_access("read")
            with self.assertRaises(AccessError):
                contract.clause_ids[:1].with_user(self.portal_user).check_access("read")
        self.assertNotIn(self.contract_b, Contract.search([]))
        self.assertNotIn(self.contract_draft, Contract.search([]))
        with self.assertRaises(AccessError):
            self.sla_policy_b.with_user(self.portal_user).check_access("read")
        with self.assertRaises(AccessError):
            self.sla_policy_b.line_ids[:1].with_user(self.portal_user).check_access("read")
        other_equipment = self.env["maintenance.contract.equipment"].create(
            {"name": "B's server", "partner_id": self.customer_b.id}
        )
        with self.assertRaises(AccessError):
            other_equipment.with_user(self.portal_user).check_access("read")

    def test_portal_cannot_write(self):
        contract = self.contract_active.with_user(self.portal_user)
        with self.assertRaises(AccessError):
            contract.write({"title": "Hacked"})
        with self.assertRaises(AccessError):
            contract.line_ids[:1].write({"price_unit": 0.0})
        with self.assertRaises(AccessError):
            contract.clause_ids[:1].unlink()
        with self.assertRaises(AccessError):
            contract.equipment_ids.write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            self.env["maintenance.contract"].with_user(self.portal_user).create(
                {"partner_id": self.customer.id}
            )
