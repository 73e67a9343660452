"""When a contract is invoiced: the one period of a date, the day a contract taken over from
another tool was billed until, and the stored next invoice date the invoicing job selects
the contracts due by."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import MaintenanceSlaCommon
from .test_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestOnePeriodOfADate(MaintenanceSlaCommon):
    """Calendar-aligned monthly contract started on 10 March 2026, in advance, fee 250.00,
    penalty 50.00 per hour late, no cap. A priority "3" ticket (response 1 h, resolution 4 h)
    opened on Thursday 2 April 2026 at 11:00 Paris, answered at 12:30 (0.5 h late) and
    solved at 17:00 (1 h late): 1.5 h x 50.00 = 75.00 of penalty in April."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sla_policy.penalty_cap_percent = 0
        cls.aligned = cls._create_active_contract(
            date_start="2026-03-10", billing_alignment="calendar"
        )
        with freeze_time("2026-04-02 09:00:00"):
            cls.ticket = cls._create_ticket(priority="3", contract_id=cls.aligned.id)
        with freeze_time("2026-04-02 10:30:00"):
            cls.ticket.with_user(cls.agent).message_post(
                body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with freeze_time("2026-04-02 15:00:00"):
            cls.ticket.stage_id = cls.stage_done

    def test_sla_credit_on_the_invoice_is_the_penalty_on_the_form(self):
        self.assertEqual(self.ticket.contract_id, self.aligned)
        with freeze_time("2026-04-20 12:00:00"):
            self.aligned.invalidate_recordset()
            # the form's current period is the calendar month, as invoiced
            self.assertEqual(self.aligned.period_start, date(2026, 4, 1))
            self.assertEqual(self.aligned.period_end, date(2026, 4, 30))
            penalty_on_form = self.aligned.sla_penalty_current
            self.assertEqual(penalty_on_form, 75.0)
        # May's invoice (in advance) carries April's service credit
        self.aligned._billing_run(date(2026, 5, 1))
        periods = self.aligned.period_ids.sorted("date_start")
        self.assertEqual(
            [(p.date_start, p.date_end) for p in periods],
            [
                (date(2026, 3, 10), date(2026, 3, 31)),
                (date(2026, 4, 1), date(2026, 4, 30)),
                (date(2026, 5, 1), date(2026, 5, 31)),
            ],
        )
        may = periods[-1]
        self.assertEqual(may.amount_sla_credit, penalty_on_form)
        credit = may.move_id.invoice_line_ids.filtered(
            lambda line: line.maintenance_line_kind == "sla_credit"
        )
        self.assertEqual(credit.price_subtotal, -75.0)
        self.assertEqual(periods[:2].mapped("amount_sla_credit"), [0.0, 0.0])

    def test_first_invoice_carries_no_earlier_service_period(self):
        # invoiced in advance on 10 March, the first invoice has no period over before it
        # (9 March is in no period, though in the calendar month of the start)
        self.aligned._generate_periods(date(2026, 3, 10))
        first = self.aligned.period_ids
        self.assertEqual((first.date_start, first.date_end), (date(2026, 3, 10), date(2026, 3, 31)))
        self.assertFalse(self.aligned._get_billed_service_period(first))

    def test_same_period_for_prepaid_hours_and_consumption(self):
        day = date(2026, 4, 20)
        self.assertEqual(
            self.aligned._get_period_bounds(day), (date(2026, 4, 1), date(2026, 4, 30))
        )
        self.assertEqual(
            self.aligned._get_period_bounds(date(2026, 3, 12)),
            (date(2026, 3, 10), date(2026, 3, 31)),
        )
        with freeze_time("2026-04-20 12:00:00"):
            work = self.env["maintenance.intervention"].create(
                {
                    "contract_id": self.aligned.id,
                    "kind": "curative",
                    "summary": "Printer",
                    "scheduled_start": "2026-04-02 08:00:00",
                    "scheduled_end": "2026-04-02 10:00:00",
                    "actual_start": "2026-04-02 08:00:00",
                    "actual_end": "2026-04-02 10:00:00",
                }
            )
            work.action_done()
            self.aligned.invalidate_recordset()
            # 2 April is in the current calendar month (not in 10 April - 9 May)
            self.assertEqual(self.aligned.consumption_hours, 2.0)


@tagged("post_install", "-at_install")
class TestBilledUntil(BillingCommon):
    """Monthly contracts of 300.00 started on 1 January 2027, in advance."""

    def test_no_period_before_billed_until(self):
        contract = self._billing_contract("2027-01-01")
        self.assertEqual(contract.next_invoice_date, date(2027, 1, 1))
        contract.with_user(self.manager).billed_until = date(2027, 3, 15)
        self.assertEqual(contract.next_invoice_date, date(2027, 3, 16))
        self.assertEqual(contract.next_invoice_amount, 154.84)
        moves = self._invoice(contract, date(2027, 4, 1))
        periods = contract.period_ids.sorted("date_start")
        self.assertEqual(
            [(p.date_start, p.date_end) for p in periods],
            [(date(2027, 3, 16), date(2027, 3, 31)), (date(2027, 4, 1), date(2027, 4, 30))],
        )
        # 300.00 x 16/31 = 154.84, then April in full
        self.assertEqual(periods.mapped("amount_fee"), [154.84, 300.0])
        self.assertEqual(sorted(moves.mapped("amount_untaxed")), [154.84, 300.0])
        self.assertEqual(contract.next_invoice_date, date(2027, 5, 1))

    def test_invoice_now_and_to_invoice_list_start_after_it(self):
        contract = self._billing_contract("2026-01-01")
        contract.billed_until = date(2026, 12, 31)
        # the list "To invoice" makes the periods due today: none before 2027
        with freeze_time("2026-12-06"):
            self.env["maintenance.contract.period"]._action_to_invoice()
            self.assertFalse(contract.period_ids)
            # "Invoice now" invoices the next period: January 2027
            contract.action_invoice_now()
        self.assertEqual(contract.period_ids.date_start, date(2027, 1, 1))
        self.assertEqual(contract.period_ids.state, "invoiced")

    def test_periods_made_before_are_dropped(self):
        contract = self._billing_contract("2027-01-01")
        contract._generate_periods(date(2027, 3, 1))
        self.assertEqual(len(contract.period_ids), 3)
        contract.period_ids.filtered(lambda p: p.date_start.month == 1)._on_invoice_created(
            self.env["account.move"].create({"move_type": "out_invoice"})
        )
        contract.billed_until = date(2027, 2, 28)
        # January was invoiced here: kept; February (billed elsewhere) is gone; March stays
        self.assertEqual(
            contract.period_ids.sorted("date_start").mapped("date_start"),
            [date(2027, 1, 1), date(2027, 3, 1)],
        )

    def test_only_managers_set_it_and_it_is_logged(self):
        contract = self._billing_contract("2027-01-01", activate=False)
        with self.assertRaises(AccessError):
            contract.with_user(self.user).billed_until = date(2027, 3, 31)
        values = self.template._prepare_contract_values(self.customer)
        with self.assertRaises(AccessError):
            self.env["maintenance.contract"].with_user(self.user).create(
                {**values, "date_start": "2027-01-01", "billed_until": "2027-03-31"}
            )
        # a manager sets it on many contracts at once (list multi-edit, import)
        other = self._billing_contract("2027-01-01", activate=False)
        (contract | other).with_user(self.manager).with_context(tracking_disable=False).write(
            {"billed_until": "2027-03-31"}
        )
        (contract | other).action_activate()
        self.assertEqual((contract | other).mapped("next_invoice_date"), [date(2027, 4, 1)] * 2)
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = contract.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "billed_until"
        )
        self.assertEqual(tracked.new_value_datetime.date(), date(2027, 3, 31))
        created = (
            self.env["maintenance.contract"]
            .with_user(self.manager)
            .create({**values, "date_start": "2027-01-01", "billed_until": "2027-06-30"})
        )
        self.assertIn("Billed until", created.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestInvoicingJobAtAnySize(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the contracts of the database (demo) are not due either
        contracts = cls.env["maintenance.contract"].search(
            [("state", "in", ("active", "expired", "terminated"))]
        )
        contracts.billed_until = fields.Date.today() + timedelta(days=400)

    def _contracts(self, count):
        """``count`` active monthly contracts started a year ago, billed by another tool up
        to next month: nothing is due today."""
        today = fields.Date.today()
        values = self.template._prepare_contract_values(self.customer)
        values.update(
            date_start=today - timedelta(days=365),
            billed_until=today + timedelta(days=40),
        )
        contracts = self.env["maintenance.contract"].create([dict(values) for __ in range(count)])
        contracts.action_activate()
        self.env.flush_all()
        self.env.invalidate_all()
        return contracts

    def _empty_run_queries(self):
        start = self.cr.sql_log_count
        moves = self.env["maintenance.contract"]._cron_invoice()
        self.env.flush_all()
        self.assertFalse(moves)
        return self.cr.sql_log_count - start

    def test_empty_run_query_count_does_not_grow(self):
        self._contracts(100)
        small = self._empty_run_queries()
        self._contracts(900)
        large = self._empty_run_queries()
        self.assertEqual(small, large, f"{small} queries at 100 contracts, {large} at 1,000")

    def test_job_selects_only_contracts_due(self):
        contracts = self._contracts(3)
        due = self._billing_contract(fields.Date.today())
        moves = self.env["maintenance.contract"]._cron_invoice()
        self.assertEqual(moves.contract_id, due)
        self.assertFalse(contracts.period_ids)
        self.assertEqual(due.next_invoice_date, fields.Date.today() + relativedelta(months=1))
