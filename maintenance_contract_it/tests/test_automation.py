import base64

from freezegun import freeze_time

from odoo.tests import tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestAutomation(LifecycleCommon):
    def _signed_copy_todos(self, contract):
        return contract.activity_ids.filtered(
            lambda a: a.summary == "Attach the signed copy of the contract"
        )

    def test_rules_are_editable_records(self):
        for xmlid in ("automation_contract_terminated", "automation_contract_activated_unsigned"):
            rule = self.env.ref(f"maintenance_contract_it.{xmlid}")
            self.assertEqual(rule._name, "base.automation")
            self.assertTrue(rule.active)
            self.assertEqual(rule.model_id.model, "maintenance.contract")
            self.assertEqual(rule.trigger, "on_state_set")
            self.assertEqual(len(rule.action_server_ids), 1)

    def test_activated_without_signed_copy(self):
        contract = self._create_active_contract()
        todo = self._signed_copy_todos(contract)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.manager)

    def test_activated_with_signed_copy(self):
        contract = self._create_contract(
            user_id=self.manager.id, signed_copy=base64.b64encode(b"%PDF-1.4 signed")
        )
        self.assertTrue(contract.has_signed_copy)
        contract.action_activate()
        self.assertFalse(self._signed_copy_todos(contract))

    def test_rule_disabled_by_user(self):
        self.env.ref(
            "maintenance_contract_it.automation_contract_activated_unsigned"
        ).active = False
        contract = self._create_active_contract()
        self.assertFalse(self._signed_copy_todos(contract))

    def test_terminated_notifies_account_team(self):
        other_manager = self.env["res.users"].create(
            {
                "name": "Second Manager",
                "login": "mcit_manager_2",
                "email": "manager2@example.com",
                "group_ids" if "group_ids" in self.env["res.users"] else "groups_id": [
                    (
                        4,
                        self.env.ref(
                            "maintenance_contract_it.group_maintenance_contract_manager"
                        ).id,
                    )
                ],
            }
        )
        contract = self._create_active_contract(user_id=self.user.id)
        with freeze_time("2026-09-15"):
            self.env["maintenance.contract.notice.wizard"].with_user(self.manager).create(
                {"contract_id": contract.id}
            ).action_confirm()
        self.assertFalse(self._messages(contract, "is terminated"))
        with freeze_time("2027-01-01"):
            self._run_term_job()
        self.assertEqual(contract.state, "terminated")
        note = self._messages(contract, "is terminated")
        self.assertEqual(len(note), 1)
        self.assertIn(self.user.partner_id, note.partner_ids)
        self.assertIn(self.manager.partner_id, note.partner_ids)
        self.assertIn(other_manager.partner_id, note.partner_ids)
