from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CONTRACT_LOGGER, LifecycleCommon


@tagged("post_install", "-at_install")
class TestLifecycle(LifecycleCommon):
    def test_activate(self):
        contract = self._create_contract()
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.term_ids.mapped("sequence"), [0])
        self.assertEqual(contract.term_ids.date_end, date(2026, 12, 31))
        self.assertTrue(self._messages(contract, "Contract activated"))

    def test_activate_lists_what_is_missing(self):
        contract = self._create_contract(sla_policy_id=False, line_ids=[])
        clause = self.env["maintenance.clause"].create(
            {"name": "Personal data (test)", "category": "personal_data", "mandatory": True}
        )
        self.template.clause_ids |= clause
        with self.assertRaises(UserError) as error:
            contract.action_activate()
        message = str(error.exception)
        self.assertIn("an SLA policy", message)
        self.assertIn("at least one fee line", message)
        self.assertIn("Personal data (test)", message)
        self.assertNotIn("Confidentiality (test)", message)
        self.assertEqual(contract.state, "draft")

    def test_activate_without_fee_needs_a_reason(self):
        contract = self._create_contract(line_ids=[])
        with self.assertRaisesRegex(UserError, "at least one fee line"):
            contract.action_activate()
        contract.zero_fee_reason = "Included in the server purchase"
        contract.action_activate()
        self.assertEqual(contract.state, "active")

    def test_refused_transitions(self):
        contract = self._create_active_contract()
        with self.assertRaisesRegex(UserError, "Only a draft contract can be activated"):
            contract.action_activate()
        with self.assertRaisesRegex(UserError, "Only a draft contract can be cancelled"):
            contract.action_cancel()
        with self.assertRaisesRegex(UserError, "Only a cancelled contract can be reset"):
            contract.with_user(self.manager).action_reset_to_draft()

    def test_cancel_and_reset_by_manager_only(self):
        contract = self._create_contract()
        contract.with_user(self.user).action_cancel()
        self.assertEqual(contract.state, "cancelled")
        with self.assertRaisesRegex(AccessError, "Only a contract manager"):
            contract.with_user(self.user).action_reset_to_draft()
        contract.with_user(self.manager).action_reset_to_draft()
        self.assertEqual(contract.state, "draft")

    def test_expires_without_tacit_renewal(self):
        contract = self._create_active_contract(tacit_renewal=False)
        with freeze_time("2026-12-31"):
            self._run_term_job()
        self.assertEqual(contract.state, "active")
        with freeze_time("2027-01-01"):
            self._run_term_job()
        self.assertEqual(contract.state, "expired")
        self.assertTrue(self._messages(contract, "expired"))

    def test_tacit_renewal_month_end(self):
        contract = self._create_active_contract(
            date_start="2026-01-31", initial_term=1, renewal_term=1, notice_period=5,
            notice_period_unit="day",
        )  # fmt: skip
        self.assertEqual(contract.date_end, date(2026, 2, 27))
        expected = {
            "2026-02-28": date(2026, 3, 30),
            "2026-03-31": date(2026, 4, 29),
            "2026-04-30": date(2026, 5, 30),
            "2026-05-31": date(2026, 6, 29),
        }
        for count, (today, end) in enumerate(expected.items(), start=1):
            with freeze_time(today):
                self._run_term_job()
                self._run_term_job()  # twice: renews once
            self.assertEqual(contract.date_end, end, today)
            self.assertEqual(contract.renewal_count, count)
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.term_ids.mapped("sequence"), [0, 1, 2, 3, 4])
        self.assertEqual(set(contract.term_ids[1:].mapped("renewal_type")), {"tacit"})
        self.assertEqual(len(self._messages(contract, "tacit renewal")), 4)
        self.assertEqual(contract.notice_deadline, date(2026, 6, 24))

    def test_tacit_renewal_leap_year_catch_up(self):
        contract = self._create_active_contract(date_start="2024-02-29")
        self.assertEqual(contract.date_end, date(2025, 2, 27))
        with freeze_time("2027-03-01"):
            self._run_term_job()
        # three terms caught up at once, each counted from 29 Feb 2024
        self.assertEqual(contract.renewal_count, 3)
        self.assertEqual(
            contract.term_ids.mapped("date_end"),
            [date(2025, 2, 27), date(2026, 2, 27), date(2027, 2, 27), date(2028, 2, 28)],
        )
        self.assertEqual(contract.term_ids[-1].date_start, date(2027, 2, 28))
        with freeze_time("2028-02-29"):
            self._run_term_job()
        self.assertEqual(contract.date_end, date(2029, 2, 27))

    def test_renewal_keeps_years_with_yearly_terms(self):
        contract = self._create_active_contract(renewal_term=2, renewal_term_unit="year")
        with freeze_time("2027-01-01"):
            self._run_term_job()
        self.assertEqual(contract.date_end, date(2028, 12, 31))

    def test_renewal_never_twice_for_one_term(self):
        """The unique term sequence refuses a second extension of the same term, as when
        another job renewed it concurrently."""
        contract = self._create_active_contract()
        self.env["maintenance.contract.term"].create(
            dict(contract._prepare_next_term_values(), renewal_type="tacit")
        )
        with freeze_time("2027-01-01"), mute_logger(CONTRACT_LOGGER, "odoo.sql_db"):
            self._run_term_job()
        self.assertEqual(contract.date_end, date(2026, 12, 31))
        self.assertEqual(contract.renewal_count, 0)

    def test_renewal_after_end_date_changed(self):
        contract = self._create_contract()
        contract.date_end = "2026-06-30"
        contract.action_activate()
        with freeze_time("2026-07-01"):
            self._run_term_job()
        self.assertEqual(contract.date_end, date(2027, 6, 30))

    def test_renewal_notice_email(self):
        self.company.maintenance_auto_send_renewal_notice = True
        contract = self._create_active_contract()
        with freeze_time("2027-01-01"):
            self._run_term_job()
        mail = contract.message_ids.filtered(lambda m: "is renewed" in (m.subject or ""))
        self.assertEqual(len(mail), 1)
        self.assertIn(self.customer, mail.partner_ids)

    def test_no_renewal_notice_email_by_default(self):
        contract = self._create_active_contract()
        with freeze_time("2027-01-01"):
            self._run_term_job()
        self.assertFalse(contract.message_ids.filtered(lambda m: "is renewed" in (m.subject or "")))

    def test_express_renewal_same_terms(self):
        contract = self._create_active_contract(tacit_renewal=False)
        action = contract.with_user(self.manager).action_open_renew_wizard()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"])
        )
        self.assertEqual(wizard.date_end, date(2027, 12, 31))
        wizard.save().action_renew()
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        self.assertEqual(contract.term_ids[-1].renewal_type, "express")
        self.assertEqual(contract.renewal_count, 1)

    def test_express_renewal_changed_terms(self):
        contract = self._create_active_contract(tacit_renewal=False)
        wizard = Form(
            self.env["maintenance.contract.renew.wizard"]
            .with_user(self.manager)
            .with_context(default_contract_id=contract.id)
        )
        wizard.renewal_term = 6
        self.assertEqual(wizard.date_end, date(2027, 6, 30))
        wizard.update_renewal_term = True
        wizard.save().action_renew()
        self.assertEqual(contract.date_end, date(2027, 6, 30))
        self.assertEqual(contract.renewal_term, 6)
        # then a chosen end date
        wizard = Form(
            self.env["maintenance.contract.renew.wizard"]
            .with_user(self.manager)
            .with_context(default_contract_id=contract.id)
        )
        wizard.date_end = date(2027, 9, 15)
        wizard.save().action_renew()
        self.assertEqual(contract.date_end, date(2027, 9, 15))
        # the next term counts from the day after the chosen end
        self.assertEqual(contract._get_next_term_end(), date(2028, 3, 15))

    def test_express_renewal_of_expired_contract(self):
        contract = self._create_active_contract(tacit_renewal=False)
        with freeze_time("2027-01-05"):
            self._run_term_job()
        self.assertEqual(contract.state, "expired")
        wizard = (
            self.env["maintenance.contract.renew.wizard"]
            .with_user(self.manager)
            .create({"contract_id": contract.id})
        )
        wizard.action_renew()
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.date_end, date(2027, 12, 31))

    def test_renew_refused(self):
        contract = self._create_active_contract(tacit_renewal=False)
        with self.assertRaisesRegex(AccessError, "Only a contract manager"):
            contract.with_user(self.user).action_open_renew_wizard()
        wizard = (
            self.env["maintenance.contract.renew.wizard"]
            .with_user(self.manager)
            .create({"contract_id": contract.id, "date_end": "2026-11-30"})
        )
        with self.assertRaisesRegex(UserError, "must be after the end of the current term"):
            wizard.action_renew()
        draft = self._create_contract()
        with self.assertRaisesRegex(UserError, "Only an active or expired contract"):
            draft.with_user(self.manager).action_open_renew_wizard()

    def test_cron_one_bad_contract_does_not_block(self):
        bad = self._create_active_contract()
        good = self._create_active_contract()
        contract_class = type(self.env["maintenance.contract"])
        original = contract_class._process_term_end

        def process(contract, today):
            if contract == bad:
                raise ValueError("broken contract")
            return original(contract, today)

        with (
            freeze_time("2027-01-01"),
            patch.object(contract_class, "_process_term_end", process),
            self.assertLogs(CONTRACT_LOGGER, "ERROR") as logs,
        ):
            self._run_term_job()
        self.assertIn(f"id {bad.id}", logs.output[0])
        self.assertEqual(good.date_end, date(2027, 12, 31))
        self.assertEqual(bad.date_end, date(2026, 12, 31))
