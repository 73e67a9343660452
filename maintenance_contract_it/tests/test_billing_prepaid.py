from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import InterventionCommon
from .test_billing_extras import BillingExtrasMixin


@tagged("post_install", "-at_install")
class TestBillingPrepaidHours(BillingExtrasMixin, InterventionCommon):
    """Contract from the test template: monthly from 1 January 2026, invoiced in advance,
    hourly rate 80.00, curative work covered; 10 prepaid hours per period, counted by started
    quarter hours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.write(
            {
                "prepaid_hours_mode": "period",
                "prepaid_hours_per_period": 10.0,
                "extra_rounding_minutes": 15,
                "user_id": cls.manager.id,
            }
        )

    def _work(self, day, minutes, kind="curative"):
        """Done work of ``minutes`` minutes on ``day`` (2026-MM-DD), from 06:00 UTC."""
        hours, rest = divmod(minutes, 60)
        intervention = self._create_intervention(
            kind=kind,
            actual_start=f"{day} 06:00:00",
            actual_end=f"{day} {6 + hours:02d}:{rest:02d}:00",
        )
        intervention.with_user(self.technician).action_done()
        return intervention

    def _balance(self, day):
        with freeze_time(day):
            self.contract.invalidate_recordset()
            return (
                self.contract.prepaid_hours_total,
                self.contract.prepaid_hours_used,
                self.contract.prepaid_hours_left,
                self.contract.prepaid_hours_overage,
            )

    def test_draw_down(self):
        first = self._work("2026-03-10", 180)
        second = self._work("2026-03-12", 50)  # counted 1 h
        self._work("2026-03-12", 60, kind="preventive")  # preventive: not drawn
        self.assertEqual(self._balance("2026-03-20"), (10.0, 4.0, 6.0, 0.0))
        self.assertEqual(first.prepaid_hours, 3.0)
        self.assertEqual(second.prepaid_hours, 1.0)
        self.assertEqual(second.invoice_status, "none")
        # the previous period had nothing done, the next one starts afresh
        self.assertEqual(self._balance("2026-02-10"), (10.0, 0.0, 10.0, 0.0))
        self.assertEqual(self._balance("2026-04-10"), (10.0, 0.0, 10.0, 0.0))

    def test_overage_billed_once(self):
        self._work("2026-03-10", 480)
        last = self._work("2026-03-12", 240)  # 12 h in March: 2 h beyond the balance
        self.assertEqual(last.prepaid_hours, 2.0)
        self.assertEqual(self._balance("2026-03-20"), (10.0, 10.0, 0.0, 2.0))
        march = self._create_period(self.contract, "2026-03-01", "2026-03-31")
        april = self._create_period(self.contract, "2026-04-01", "2026-04-30")
        may = self._create_period(self.contract, "2026-05-01", "2026-05-31")
        # invoiced in advance: March's own invoice comes first, April's carries the overage
        self._invoice(march)
        self.assertEqual(march.amount_overage, 0.0)
        move = self._invoice(april)
        self.assertEqual(april.amount_overage, 160.0)  # 2 h × 80.00
        line = self._extra_lines(move)
        start, end = "03/01/2026", "03/31/2026"
        self.assertEqual(line.name, f"Hours beyond the prepaid balance – period {start} – {end}")
        self.assertEqual((line.quantity, line.price_unit, line.price_subtotal), (2.0, 80.0, 160.0))
        self._invoice(may)
        self.assertEqual(may.amount_overage, 0.0)

    def _end_contract(self, day):
        self.contract._write_step({"date_end": day, "state": "expired"})

    def test_overage_of_the_last_period_on_a_final_invoice(self):
        """Invoiced in advance, the last period's invoice comes on its first day: the hours
        beyond its balance go on a final invoice once the contract ended, once."""
        march = self._create_period(self.contract, "2026-03-01", "2026-03-31")
        self._invoice(march)
        self.assertEqual(march.amount_overage, 0.0)
        self._work("2026-03-10", 480)
        self._work("2026-03-12", 240)  # 12 h in March: 2 h beyond the balance
        self._end_contract(date(2026, 3, 31))
        self._run_extras_job("2026-03-31")  # the last day is not over
        self.assertEqual(self._contract_invoices(), march.move_id)
        self._run_extras_job("2026-04-01")
        self._run_extras_job("2026-04-02")
        final = self._contract_invoices() - march.move_id
        self.assertEqual(len(final), 1)
        self.assertEqual(self.contract.final_move_id, final)
        line = final.invoice_line_ids
        start, end = "03/01/2026", "03/31/2026"
        self.assertEqual(line.name, f"Hours beyond the prepaid balance – period {start} – {end}")
        self.assertEqual((line.quantity, line.price_unit, line.price_subtotal), (2.0, 80.0, 160.0))
        self.assertEqual(final.amount_untaxed, 160.0)
        # a cancelled final invoice is made again, once
        final.button_cancel()
        self._run_extras_job("2026-04-03")
        self._run_extras_job("2026-04-04")
        again = self._contract_invoices() - march.move_id
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again, final)
        self.assertEqual(self.contract.final_move_id, again)
        self.assertEqual(again.amount_untaxed, 160.0)

    def test_overage_of_the_last_period_in_arrears_billed_once(self):
        """Invoiced in arrears, the last period's invoice carries its hours beyond the
        balance: no final invoice bills them again."""
        self.contract.billing_in_advance = False
        self._work("2026-03-10", 720)  # 2 h beyond the balance
        march = self._create_period(self.contract, "2026-03-01", "2026-03-31", "2026-04-01")
        self._end_contract(date(2026, 3, 31))
        self._run_extras_job("2026-04-01")  # March is still to invoice: its invoice first
        self.assertFalse(self._contract_invoices())
        self._invoice(march)
        self.assertEqual(march.amount_overage, 160.0)
        self._run_extras_job("2026-04-02")
        self.assertFalse(self.contract.final_move_id)
        self.assertEqual(self._contract_invoices(), march.move_id)

    def test_unused_hours_expire(self):
        self._work("2026-03-10", 420)
        self.assertEqual(self._balance("2026-03-20"), (10.0, 7.0, 3.0, 0.0))
        self.assertEqual(self._balance("2026-04-20"), (10.0, 0.0, 10.0, 0.0))

    def test_rollover_with_cap(self):
        self.contract.write({"prepaid_rollover": True, "prepaid_rollover_cap": 2.0})
        self._work("2026-03-10", 420)  # 3 h unused, 2 carried over
        self.assertEqual(self._balance("2026-04-20"), (12.0, 0.0, 12.0, 0.0))
        self._work("2026-04-10", 660)  # 11 h: the 2 carried first, then 9 of April's own
        self.assertEqual(self._balance("2026-04-20"), (12.0, 11.0, 1.0, 0.0))
        self.assertEqual(self._balance("2026-05-20"), (11.0, 0.0, 11.0, 0.0))

    def test_rollover_not_carried_twice(self):
        self.contract.write({"prepaid_rollover": True, "prepaid_rollover_cap": 0.0})
        # nothing done in January and February: 10 h carried into February, 10 into March
        self.assertEqual(self._balance("2026-02-20"), (20.0, 0.0, 20.0, 0.0))
        self.assertEqual(self._balance("2026-03-20"), (20.0, 0.0, 20.0, 0.0))
        self._work("2026-03-10", 300)  # 5 h, drawn from the 10 h carried over
        self.assertEqual(self._balance("2026-03-20"), (20.0, 5.0, 15.0, 0.0))
        # April: March's own 10 h, not the 5 h left of those carried from February
        self.assertEqual(self._balance("2026-04-20"), (20.0, 0.0, 20.0, 0.0))

    def test_activities_at_80_and_100_percent_once(self):
        Activity = self.env["mail.activity"]
        type_80 = self.env.ref("maintenance_contract_it.mail_activity_type_prepaid_hours_80")
        type_100 = self.env.ref("maintenance_contract_it.mail_activity_type_prepaid_hours_100")
        domain = [
            ("res_model", "=", "maintenance.contract"),
            ("res_id", "=", self.contract.id),
            ("activity_type_id", "in", (type_80 | type_100).ids),
        ]
        with freeze_time("2026-03-20"):
            self._work("2026-03-10", 420)  # 70 %
            self.assertFalse(Activity.search(domain))
            self._work("2026-03-11", 60)  # 80 %
            activities = Activity.search(domain)
            self.assertEqual(activities.activity_type_id, type_80)
            self.assertEqual(activities.user_id, self.manager)
            activities.action_done()  # done: it does not come back
            self._work("2026-03-12", 60)  # 90 %
            self.env["maintenance.contract"]._cron_invoice_billing_extras()
            self.assertFalse(Activity.search(domain))
            self._work("2026-03-13", 120)  # 110 %
            self.env["maintenance.contract"]._cron_invoice_billing_extras()
            self.assertEqual(Activity.search(domain).activity_type_id, type_100)
            self.assertEqual(len(Activity.search(domain)), 1)
        # a new period, new alerts
        with freeze_time("2026-04-20"):
            self._work("2026-04-10", 480)
            self.assertEqual(Activity.search(domain).activity_type_id, type_80 | type_100)
        self.assertEqual(
            self.env["maintenance.contract.reminder"].search_count(
                [("contract_id", "=", self.contract.id)]
            ),
            3,
        )


@tagged("post_install", "-at_install")
class TestBillingPrepaidBlock(BillingExtrasMixin, InterventionCommon):
    """A block of 10 hours sold 700.00 without taxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.block_product = cls.env["product.product"].create(
            {"name": "10 hours of support (test)", "type": "service", "taxes_id": False}
        )
        cls.contract.write(
            {
                "prepaid_hours_mode": "block",
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.block_product.id,
                            "name": "10 hours of support",
                            "quantity": 1,
                            "price_unit": 700.0,
                            "is_prepaid_hours": True,
                            "prepaid_hours_quantity": 10,
                        }
                    )
                ],
            }
        )

    def _work(self, day, hours):
        intervention = self._create_intervention(
            kind="curative",
            actual_start=f"{day} 06:00:00",
            actual_end=f"{day} {6 + hours:02d}:00:00",
        )
        intervention.action_done()
        return intervention

    def test_buy_block_and_draw_down(self):
        with freeze_time("2026-03-05"):
            action = self.contract.with_user(self.manager).action_buy_prepaid_block()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.contract_id, self.contract)
        self.assertEqual(invoice.amount_untaxed, 700.0)
        self.assertEqual(self.contract.prepaid_block_ids.hours, 10.0)
        self._work("2026-03-10", 4)
        with freeze_time("2026-03-20"):
            self.contract.invalidate_recordset()
            self.assertEqual(self.contract.prepaid_hours_left, 6.0)
        # the balance stays from one period to the next, until used
        self._work("2026-04-10", 8)
        with freeze_time("2026-04-20"):
            self.contract.invalidate_recordset()
            self.assertEqual(self.contract.prepaid_hours_total, 6.0)
            self.assertEqual(self.contract.prepaid_hours_overage, 2.0)
        may = self._create_period(self.contract, "2026-05-01", "2026-05-31")
        self._invoice(may)
        self.assertEqual(may.amount_overage, 160.0)
        # a cancelled block invoice gives its hours back
        invoice.button_cancel()
        with freeze_time("2026-03-20"):
            self.contract.invalidate_recordset()
            self.assertEqual(self.contract.prepaid_hours_left, 0.0)
            self.assertEqual(self.contract.prepaid_hours_overage, 4.0)

    def test_block_line_not_invoiced_every_period(self):
        """The line selling blocks is invoiced when a block is bought, never as a fee of the
        period; the other fee lines are."""
        fees = self.contract.line_ids.filtered(lambda line: not line.is_prepaid_hours)
        expected = sum(fees.mapped("price_subtotal"))
        self.assertEqual(self.contract.amount_period, expected)
        period = self._create_period(self.contract, "2026-05-01", "2026-05-31")
        lines = period._prepare_fee_line_values()
        self.assertEqual(len(lines), len(fees))
        self.assertNotIn(self.block_product.id, [values["product_id"] for values in lines])
        self.contract.prepaid_hours_mode = "period"
        self.assertEqual(self.contract.amount_period, expected + 700.0)

    def test_buy_block_rights_and_checks(self):
        with self.assertRaises(AccessError):
            self.contract.with_user(self.user).action_buy_prepaid_block()
        self.contract.line_ids.filtered("is_prepaid_hours").prepaid_hours_quantity = 0
        with self.assertRaisesRegex(UserError, "flagged as prepaid hours"):
            self.contract.with_user(self.manager).action_buy_prepaid_block()
        self.contract.prepaid_hours_mode = "period"
        with self.assertRaisesRegex(UserError, "selling blocks"):
            self.contract.with_user(self.manager).action_buy_prepaid_block()

    def test_balance_visible_to_contract_users(self):
        """Contract users without invoicing rights see the balance, not the invoices."""
        with freeze_time("2026-03-05"):
            self.contract.with_user(self.manager).action_buy_prepaid_block()
        intervention = self._work("2026-03-10", 4)
        with freeze_time("2026-03-20"):
            contract = self.contract.with_user(self.user)
            contract.invalidate_recordset()
            self.assertEqual(contract.prepaid_hours_left, 6.0)
            as_user = intervention.with_user(self.user)
            self.assertEqual(as_user.prepaid_hours, 4.0)
            self.assertEqual(as_user.read(["invoice_status"])[0]["invoice_status"], "none")
            with self.assertRaises(AccessError):
                contract.prepaid_block_ids.read(["move_id"])
            with self.assertRaises(AccessError):
                as_user.read(["invoice_id"])
