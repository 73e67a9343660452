from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.helpdesk_ticket import HelpdeskTicket
from .common import MaintenanceSlaCommon

# Ticket of priority "2" created on Monday 2 March 2026 09:00 UTC (10:00 Paris) under the 8x5
# policy: response at risk at 13:12 UTC, due at 14:00 UTC.


@tagged("post_install", "-at_install")
class TestSlaWarnings(MaintenanceSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sla_policy.notify_customer_on_breach = True
        with freeze_time("2026-03-02 09:00:00"):
            cls.ticket = cls._create_ticket()

    def _run_job(self, moment):
        with freeze_time(moment):
            self.env.invalidate_all()
            return self.env["helpdesk.ticket"]._cron_sla_warnings()

    def _activities(self, user):
        return self.ticket.activity_ids.filtered(
            lambda a: a.user_id == user
            and a.activity_type_id
            == self.env.ref("maintenance_contract_it.mail_activity_type_sla_warning")
        )

    def test_nothing_to_say_while_running(self):
        self.assertEqual(self._run_job("2026-03-02 10:00:00"), 0)
        self.assertFalse(self.ticket.sla_notification_ids)

    def test_at_risk_then_breached_once_each(self):
        self._run_job("2026-03-02 13:30:00")
        self._run_job("2026-03-02 13:35:00")
        self.assertEqual(self.ticket.sla_response_notified, "at_risk")
        self.assertEqual(len(self._activities(self.agent)), 1)
        self.assertFalse(self._activities(self.leader))
        self.assertEqual(len(self.ticket.sla_notification_ids), 1)
        notes = self.ticket.message_ids.filtered(lambda m: "SLA at risk" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        # shipped automation rule: the ticket is flagged as blocked
        self.assertEqual(self.ticket.kanban_state, "blocked")

        # between the runs the ticket is already seen as breached
        with freeze_time("2026-03-02 14:30:00"):
            self.env.invalidate_all()
            self.assertEqual(self.ticket.sla_response_status, "breached")
            self.assertIn(
                self.ticket,
                self.env["helpdesk.ticket"].search(
                    ["|", ("sla_response_status", "=", "breached"), ("id", "=", 0)]
                ),
            )
        self._run_job("2026-03-02 14:30:00")
        self._run_job("2026-03-02 14:35:00")
        self.assertEqual(self.ticket.sla_response_notified, "breached")
        self.assertEqual(len(self._activities(self.leader)), 1)
        self.assertEqual(len(self._activities(self.agent)), 1)
        self.assertEqual(
            sorted(self.ticket.sla_notification_ids.mapped("level")), ["at_risk", "breached"]
        )
        notes = self.ticket.message_ids.filtered(lambda m: "SLA breached" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        # the customer was emailed once, which does not count as a reply
        emails = self.ticket.message_ids.filtered(lambda m: "we are late" in (m.subject or ""))
        self.assertEqual(len(emails), 1)
        self.assertIn(self.customer_contact, emails.partner_ids)
        self.assertFalse(self.ticket.sla_response_reached)
        # shipped automation rule: the team leader follows the ticket
        self.assertIn(self.leader.partner_id, self.ticket.message_partner_ids)

    def test_breach_without_risk_warning(self):
        self.sla_policy.notify_customer_on_breach = False
        self._run_job("2026-03-03 09:00:00")
        self.assertEqual(self.ticket.sla_response_notified, "breached")
        self.assertFalse(self.ticket.sla_resolution_notified)  # 8 h used out of 16
        self.assertEqual(len(self._activities(self.leader)), 1)
        self.assertFalse(
            self.ticket.message_ids.filtered(lambda m: "we are late" in (m.subject or ""))
        )

    def test_marker_taken_by_another_run(self):
        self.env["maintenance.sla.notification"].create(
            {"ticket_id": self.ticket.id, "target": "response", "level": "at_risk"}
        )
        self._run_job("2026-03-02 13:30:00")
        self.assertFalse(self._activities(self.agent))

    def test_one_failure_does_not_block_the_others(self):
        with freeze_time("2026-03-02 09:00:00"):
            other = self._create_ticket(name="Other")
        original = HelpdeskTicket._sla_warn_at_risk

        def failing(ticket, target):
            if ticket == self.ticket:
                raise ValueError("boom")
            return original(ticket, target)

        with (
            patch.object(HelpdeskTicket, "_sla_warn_at_risk", failing),
            mute_logger("odoo.addons.maintenance_contract_it.tools.jobs"),
        ):
            self._run_job("2026-03-02 13:30:00")
        self.assertFalse(self.ticket.sla_response_notified)
        self.assertFalse(self.ticket.sla_notification_ids)
        self.assertEqual(other.sla_response_notified, "at_risk")
        # the next run retries the failed one
        self._run_job("2026-03-02 13:35:00")
        self.assertEqual(self.ticket.sla_response_notified, "at_risk")
