from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import MaintenanceContractCommon


@tagged("post_install", "-at_install")
class TestAmendment(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Equipment = cls.env["maintenance.contract.equipment"]
        cls.server = Equipment.create(
            {"name": "Server (test)", "partner_id": cls.customer.id, "category": "server"}
        )
        cls.printer = Equipment.create(
            {"name": "Printer (test)", "partner_id": cls.customer.id, "category": "printer"}
        )
        cls.sla_premium = cls.sla_policy.copy({"name": "Premium (test)"})
        cls.clause_extra = cls.env["maintenance.clause"].create(
            {"name": "Backups (test)", "category": "specific", "body": "<p>Daily backups.</p>"}
        )
        # the changes are written in the language of the account manager (English here)
        cls.manager.lang = "en_US"
        cls.contract = cls._create_active_contract(
            equipment_ids=[Command.set(cls.server.ids)], user_id=cls.manager.id
        )
        cls.fee_line = cls.contract.line_ids

    def _amendment(self, **values):
        vals = {
            "contract_id": self.contract.id,
            "date_effective": "2026-04-01",
            "reason": "More workstations",
        }
        vals.update(values)
        return self.env["maintenance.contract.amendment"].create(vals)

    def _changes(self, amendment):
        return [(c.field_description, c.old_value, c.new_value) for c in amendment.change_ids]

    def test_numbering_per_contract(self):
        first = self._amendment()
        second = self._amendment()
        other = self._amendment(contract_id=self._create_contract().id)
        self.assertEqual(first.name, f"{self.contract.name}/A01")
        self.assertEqual(second.name, f"{self.contract.name}/A02")
        self.assertEqual(other.number, 1)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            second.number = 1
            second.flush_recordset()

    def test_applied_on_effective_date_with_before_after(self):
        amendment = self._amendment(
            line_ids=[
                Command.create(
                    {
                        "operation": "update",
                        "contract_line_id": self.fee_line.id,
                        "quantity": 12,
                        "price_unit": 24.0,
                    }
                ),
                Command.create(
                    {"operation": "add", "name": "Server maintenance", "price_unit": 90.0}
                ),
            ],
            sla_policy_id=self.sla_premium.id,
            equipment_add_ids=[Command.set(self.printer.ids)],
            equipment_remove_ids=[Command.set(self.server.ids)],
            clause_add_ids=[Command.set(self.clause_extra.ids)],
            date_end_new="2027-06-30",
        )
        with freeze_time("2026-03-01"):
            amendment.action_confirm()
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
        self.assertEqual(amendment.state, "confirmed")
        self.assertEqual(self.fee_line.quantity, 10, "nothing changes before the effective date")
        with freeze_time("2026-04-01"):
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(str(amendment.date_applied), "2026-04-01")
        contract = self.contract
        self.assertEqual((self.fee_line.quantity, self.fee_line.price_unit), (12, 24.0))
        added = contract.line_ids - self.fee_line
        self.assertEqual(
            (added.name, added.quantity, added.price_unit), ("Server maintenance", 1, 90.0)
        )
        self.assertEqual(contract.amount_period, 12 * 24.0 + 90.0)
        self.assertEqual(contract.sla_policy_id, self.sla_premium)
        self.assertEqual(contract.equipment_ids, self.printer)
        self.assertIn(self.clause_extra, contract.clause_ids.clause_id)
        self.assertEqual(str(contract.date_end), "2027-06-30")
        self.assertEqual(
            self._changes(amendment),
            [
                ("Fee line Workstation maintenance", "10 × 25.00", "12 × 24.00"),
                ("Fee line Server maintenance", False, "1 × 90.00"),
                ("SLA policy", "Business hours (test)", "Premium (test)"),
                ("Covered equipment", False, "Printer (test)"),
                ("Covered equipment", "Server (test)", False),
                ("Clause", False, "Backups (test)"),
                ("End date", "2026-12-31", "2027-06-30"),
            ],
        )
        self.assertIn(
            "SLA policy: Business hours (test) → Premium (test)", amendment.change_summary
        )
        self.assertIn(amendment, contract.amendment_ids)
        self.assertEqual(contract.amendment_count, 1)

    def test_remove_fee_line(self):
        amendment = self._amendment(
            date_effective="2026-02-01",
            line_ids=[
                Command.create({"operation": "remove", "contract_line_id": self.fee_line.id})
            ],
        )
        with freeze_time("2026-03-01"):
            amendment.action_confirm()
        self.assertFalse(self.contract.line_ids)
        self.assertEqual(
            self._changes(amendment),
            [("Fee line Workstation maintenance", "10 × 25.00", False)],
        )

    def test_confirm_in_the_past_applies_immediately(self):
        amendment = self._amendment(date_effective="2026-02-01", sla_policy_id=self.sla_premium.id)
        with freeze_time("2026-03-01"):
            amendment.action_confirm()
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(self.contract.sla_policy_id, self.sla_premium)

    def test_cron_twice_applies_once(self):
        amendment = self._amendment(
            line_ids=[Command.create({"operation": "add", "name": "Extra", "price_unit": 10.0})]
        )
        with freeze_time("2026-03-01"):
            amendment.action_confirm()
        with freeze_time("2026-04-02"):
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
            amendment._apply()
        self.assertEqual(len(self.contract.line_ids), 2)
        self.assertEqual(len(amendment.change_ids), 1)

    def test_job_writes_the_change_in_the_account_managers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.manager.lang = "fr_FR"
        amendment = self._amendment(
            line_ids=[Command.create({"operation": "add", "name": "Extra", "price_unit": 10.0})]
        )
        with freeze_time("2026-03-01"):
            amendment.action_confirm()
        with freeze_time("2026-04-02"):
            self.env["maintenance.contract.amendment"].with_context(
                lang="en_US"
            )._cron_apply_amendments()
        self.assertEqual(amendment.state, "applied")
        bodies = self.contract.message_ids.mapped(lambda m: str(m.body))
        self.assertTrue(any(f"Avenant {amendment.name} appliqué" in body for body in bodies))

    def test_not_applied_to_inactive_contract(self):
        contract = self._create_contract()
        amendment = self._amendment(
            contract_id=contract.id, date_effective="2026-02-01", date_end_new="2027-01-31"
        )
        with freeze_time("2026-03-01"):
            amendment.action_confirm()
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
        self.assertEqual(amendment.state, "confirmed")
        self.assertEqual(str(contract.date_end), "2026-12-31")
        self._activate(contract)
        with freeze_time("2026-03-02"):
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(str(contract.date_end), "2027-01-31")

    def test_refusals(self):
        empty = self._amendment()
        with self.assertRaisesRegex(UserError, "changes nothing"):
            empty.action_confirm()
        amendment = self._amendment(date_effective="2026-02-01", date_end_new="2027-01-31")
        with freeze_time("2026-03-01"):
            amendment.action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            amendment.action_cancel()
        with self.assertRaisesRegex(UserError, "Cancel an amendment"):
            amendment.unlink()

    def test_mandatory_clause_removal_fails_alone(self):
        """A failing amendment is logged by the cron and does not block the others."""
        mandatory = self.contract.clause_ids.filtered("mandatory")
        failing = self._amendment(clause_remove_ids=[Command.set(mandatory.ids)])
        working = self._amendment(date_end_new="2027-01-31")
        with freeze_time("2026-03-01"):
            (failing | working).action_confirm()
        with (
            freeze_time("2026-04-01"),
            mute_logger("odoo.addons.maintenance_contract_it.tools.jobs"),
        ):
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
        self.assertEqual(failing.state, "confirmed")
        self.assertEqual(working.state, "applied")
        self.assertIn(mandatory, self.contract.clause_ids)

    def test_amendment_report(self):
        amendment = self._amendment(sla_policy_id=self.sla_premium.id)
        with freeze_time("2026-03-01"):
            amendment.action_confirm()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "maintenance_contract_it.report_maintenance_contract_amendment", amendment.ids
            )[0]
            .decode()
        )
        self.assertIn(amendment.name, html)
        self.assertIn("Premium (test)", html)
        self.assertIn("signature", html)
