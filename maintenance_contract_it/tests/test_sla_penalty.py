from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import MaintenanceSlaCommon


@tagged("post_install", "-at_install")
class TestSlaPenalty(MaintenanceSlaCommon):
    """Priority "3": response 1 h, resolution 4 h; 50 per hour late, capped at 10 % of the
    monthly fee of 250."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-02 09:00:00"):  # Monday 10:00 Paris
            cls.ticket = cls._create_ticket(priority="3")
        with freeze_time("2026-03-02 10:30:00"):  # response due 10:00 UTC: 0.5 h late
            cls.ticket.with_user(cls.agent).message_post(
                body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with freeze_time("2026-03-02 15:00:00"):  # resolution due 14:00 UTC: 1 h late
            cls.ticket.stage_id = cls.stage_done

    def test_penalty_capped(self):
        self.assertEqual(self.contract.amount_period, 250.0)
        penalties = self.contract._get_sla_penalties(date(2026, 3, 1), date(2026, 3, 31))
        self.assertEqual(penalties["amount_uncapped"], 75.0)
        self.assertEqual(penalties["cap"], 25.0)
        self.assertEqual(penalties["amount"], 25.0)
        breaches = {b["target"]: b for b in penalties["breaches"]}
        self.assertAlmostEqual(breaches["response"]["delay_hours"], 0.5)
        self.assertEqual(breaches["response"]["amount"], 25.0)
        self.assertAlmostEqual(breaches["resolution"]["delay_hours"], 1.0)
        self.assertEqual(breaches["resolution"]["ticket"], self.ticket)

    def test_penalty_under_the_cap_or_without_cap(self):
        self.sla_policy.penalty_cap_percent = 50
        penalties = self.contract._get_sla_penalties(date(2026, 3, 1), date(2026, 3, 31))
        self.assertEqual(penalties["amount"], 75.0)
        self.sla_policy.penalty_cap_percent = 0
        penalties = self.contract._get_sla_penalties(date(2026, 3, 1), date(2026, 3, 31))
        self.assertFalse(penalties["cap"])
        self.assertEqual(penalties["amount"], 75.0)

    def test_other_period_owes_nothing(self):
        penalties = self.contract._get_sla_penalties(date(2026, 2, 1), date(2026, 2, 28))
        self.assertEqual(penalties["amount"], 0.0)
        self.assertFalse(penalties["breaches"])

    def test_open_breach_counts_until_now(self):
        with freeze_time("2026-03-03 09:00:00"):
            ticket = self._create_ticket(priority="3")
        with freeze_time("2026-03-03 12:00:00"):  # 13:00 Paris: response 2 h late
            penalties = self.contract._get_sla_penalties(date(2026, 3, 1), date(2026, 3, 31))
            delays = {
                b["target"]: b["delay_hours"]
                for b in penalties["breaches"]
                if b["ticket"] == ticket
            }
            self.assertAlmostEqual(delays["response"], 2.0)
            self.assertNotIn("resolution", delays)

    def test_current_period_on_the_contract(self):
        with freeze_time("2026-03-20 12:00:00"):
            self.contract.invalidate_recordset()
            self.assertEqual(self.contract.period_start, date(2026, 3, 1))
            self.assertEqual(self.contract.period_end, date(2026, 3, 31))
            self.assertEqual(self.contract.sla_penalty_current, 25.0)

    def test_analysis_report(self):
        # the report compares with the database clock: use real dates
        now = fields.Datetime.now()
        late = self._create_ticket(priority="3")
        late.write({"sla_start_date": now - timedelta(days=10)})
        late._sla_recompute()
        answered = self._create_ticket(priority="3")
        answered.with_user(self.agent).message_post(
            body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.env.flush_all()
        Report = self.env["maintenance.sla.report"]
        lines = Report.search([("ticket_id", "in", (late | answered).ids)])
        self.assertEqual(sum(lines.mapped("response_breached")), 1)
        self.assertEqual(sum(lines.mapped("response_met")), 1)
        groups = Report._read_group(
            [("ticket_id", "in", (late | answered | self.ticket).ids)],
            ["contract_id"],
            ["ticket_count:sum", "response_compliance:avg", "resolution_breached:sum"],
        )
        self.assertEqual(groups[0][1:], (3, 100 / 3, 2))
        self.assertEqual(late.sla_response_status, "breached")
