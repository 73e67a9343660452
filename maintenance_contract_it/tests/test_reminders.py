from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CONTRACT_LOGGER, LifecycleCommon


@tagged("post_install", "-at_install")
class TestReminders(LifecycleCommon):
    def _run_reminders(self):
        self.env["maintenance.contract"]._cron_send_reminders()

    def _activities(self, contract, kind):
        activity_type = self.env.ref(f"maintenance_contract_it.mail_activity_type_{kind}")
        return contract.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def test_default_settings(self):
        self.assertEqual(self.company.maintenance_notice_reminder_days, 60)
        self.assertEqual(self.company.maintenance_end_reminder_days, 15)
        self.assertEqual(self.company.maintenance_revision_reminder_days, 30)

    def test_settings_write_on_company(self):
        settings = self.env["res.config.settings"].create(
            {
                "maintenance_notice_reminder_days": 90,
                "maintenance_end_reminder_days": 20,
                "maintenance_auto_send_renewal_notice": True,
                "maintenance_auto_send_termination_ack": True,
            }
        )
        settings.execute()
        self.assertEqual(self.company.maintenance_notice_reminder_days, 90)
        self.assertEqual(self.company.maintenance_end_reminder_days, 20)
        self.assertTrue(self.company.maintenance_auto_send_renewal_notice)
        self.assertTrue(self.company.maintenance_auto_send_termination_ack)

    def test_notice_deadline_reminder_once(self):
        contract = self._create_active_contract()  # notice deadline 30 Sep 2026
        with freeze_time("2026-07-31"):
            self._run_reminders()
        self.assertFalse(self._activities(contract, "notice_deadline"))
        with freeze_time("2026-08-01"):
            self._run_reminders()
            self._run_reminders()
        activity = self._activities(contract, "notice_deadline")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 9, 30))
        self.assertEqual(activity.user_id, self.manager)
        self.assertFalse(self._activities(contract, "contract_end"))
        self.assertFalse(self._activities(contract, "renewal"))
        # done: the next runs do not bring it back
        activity.action_feedback("Customer keeps the contract")
        with freeze_time("2026-08-02"):
            self._run_reminders()
        self.assertFalse(self._activities(contract, "notice_deadline"))

    def test_reminder_in_the_language_of_its_user(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.manager.lang = "fr_FR"
        contract = self._create_active_contract()
        with freeze_time("2026-08-01"):
            self.env["maintenance.contract"].with_context(lang="en_US")._cron_send_reminders()
        activity = self._activities(contract, "notice_deadline")
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(
            activity.summary,
            "Date limite de préavis\u00a0: à défaut de résiliation, le contrat sera reconduit "
            f"tacitement le {(contract.date_end + timedelta(days=1)).strftime('%d/%m/%Y')}.",
        )

    def test_reminder_delay_from_settings(self):
        self.company.maintenance_notice_reminder_days = 10
        contract = self._create_active_contract()
        with freeze_time("2026-09-19"):
            self._run_reminders()
        self.assertFalse(self._activities(contract, "notice_deadline"))
        with freeze_time("2026-09-20"):
            self._run_reminders()
        self.assertEqual(len(self._activities(contract, "notice_deadline")), 1)

    def test_no_reminder_after_the_date(self):
        contract = self._create_active_contract()
        with freeze_time("2026-10-01"):
            self._run_reminders()
        self.assertFalse(self._activities(contract, "notice_deadline"))

    def test_express_renewal_and_end_reminders(self):
        contract = self._create_active_contract(tacit_renewal=False)
        with freeze_time("2026-11-01"):
            self._run_reminders()
            self._run_reminders()
        renewal = self._activities(contract, "renewal")
        self.assertEqual(len(renewal), 1)
        self.assertEqual(renewal.date_deadline, date(2026, 12, 31))
        self.assertFalse(self._activities(contract, "notice_deadline"))
        self.assertFalse(self._activities(contract, "contract_end"))
        with freeze_time("2026-12-16"):
            self._run_reminders()
            self._run_reminders()
        self.assertEqual(len(self._activities(contract, "renewal")), 1)
        end = self._activities(contract, "contract_end")
        self.assertEqual(len(end), 1)
        self.assertEqual(end.date_deadline, date(2026, 12, 31))

    def test_end_reminder_after_notice(self):
        contract = self._create_active_contract()
        with freeze_time("2026-08-01"):
            self._run_reminders()
        self.assertTrue(self._activities(contract, "notice_deadline"))
        with freeze_time("2026-09-15"):
            self.env["maintenance.contract.notice.wizard"].with_user(self.manager).create(
                {"contract_id": contract.id}
            ).action_confirm()
        # notice given: no more deadline to watch
        self.assertFalse(self._activities(contract, "notice_deadline"))
        with freeze_time("2026-12-16"):
            self._run_reminders()
            self._run_reminders()
        end = self._activities(contract, "contract_end")
        self.assertEqual(len(end), 1)
        self.assertEqual(end.date_deadline, date(2026, 12, 31))
        self.assertFalse(self._activities(contract, "notice_deadline"))

    def test_open_reminder_moved_to_next_term(self):
        contract = self._create_active_contract(
            date_start="2026-01-01", initial_term=1, renewal_term=1, notice_period=5,
            notice_period_unit="day",
        )  # fmt: skip
        with freeze_time("2026-01-10"):
            self._run_reminders()
        activity = self._activities(contract, "notice_deadline")
        self.assertEqual(activity.date_deadline, date(2026, 1, 26))
        with freeze_time("2026-02-01"):
            self._run_term_job()
            self._run_reminders()
        activity = self._activities(contract, "notice_deadline")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 2, 23))

    def test_one_bad_contract_does_not_block_reminders(self):
        bad = self._create_active_contract()
        good = self._create_active_contract()
        contract_class = type(self.env["maintenance.contract"])
        original = contract_class._send_reminders

        def send(contract, today):
            if contract == bad:
                raise ValueError("broken contract")
            return original(contract, today)

        with (
            freeze_time("2026-08-01"),
            patch.object(contract_class, "_send_reminders", send),
            self.assertLogs(CONTRACT_LOGGER, "ERROR"),
        ):
            self._run_reminders()
        self.assertTrue(self._activities(good, "notice_deadline"))
        self.assertFalse(self._activities(bad, "notice_deadline"))
