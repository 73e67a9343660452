"""Fees billed per usage count: the count of each period entered or imported before the
period is invoiced, frozen afterwards; a period whose count is missing waits, its account
manager is asked once, and the invoicing job goes on with the other contracts."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestBillingUsage(BillingCommon):
    def _usage_contract(self, price=0.10, **line_values):
        contract = self._create_contract(
            date_start="2027-03-01",
            billing_alignment="calendar",
            billing_in_advance=False,
            user_id=self.manager.id,
            line_ids=[
                Command.create(
                    {
                        "product_id": self.fee_product.id,
                        "name": "Printed pages",
                        "quantity_mode": "usage",
                        "unit_label": "pages",
                        "price_unit": price,
                        **line_values,
                    }
                )
            ],
        )
        contract.action_activate()
        return contract

    def test_usage_imported_and_invoiced(self):
        contract = self._usage_contract()
        Usage = self.env["maintenance.contract.usage"].with_user(self.accountant)
        result = Usage.load(
            ["line_id/.id", "date", "count"],
            [[str(contract.line_ids.id), "2027-03-17", "1250"]],
        )
        self.assertFalse(result["messages"], result["messages"])
        usage = Usage.browse(result["ids"])
        # any day of the period stands for it
        self.assertEqual((usage.date, usage.date_end), (date(2027, 3, 1), date(2027, 3, 31)))
        move = self._invoice(contract, date(2027, 4, 1))
        # 1250 pages × 0.10 = 125.00
        self.assertEqual(move.amount_untaxed, 125.0)
        self.assertEqual(
            (move.invoice_line_ids.quantity, move.invoice_line_ids.price_unit), (1250.0, 0.1)
        )
        self.assertIn("1250 pages", move.invoice_line_ids.name)
        # frozen once invoiced
        with self.assertRaisesRegex(UserError, "was invoiced"):
            usage.count = 1300

    def test_negative_count_refused(self):
        contract = self._usage_contract()
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["maintenance.contract.usage"].create(
                {"line_id": contract.line_ids.id, "date": date(2027, 3, 1), "count": -1}
            )

    def test_minimum_usage(self):
        contract = self._usage_contract(price=0.10, min_quantity=1000.0)
        self.env["maintenance.contract.usage"].create(
            {"line_id": contract.line_ids.id, "date": date(2027, 3, 1), "count": 400}
        )
        move = self._invoice(contract, date(2027, 4, 1))
        # 400 pages, at least 1000: 1000 × 0.10 = 100.00
        self.assertEqual(move.amount_untaxed, 100.0)

    def test_missing_count_waits_and_the_job_goes_on(self):
        waiting = self._usage_contract()
        other = self._billing_contract("2027-03-01", billing_alignment="calendar")
        moves = (waiting | other)._billing_run(date(2027, 4, 1))
        self.assertEqual(moves.contract_id, other)
        march = waiting.period_ids
        self.assertEqual(march.state, "to_invoice")
        activity_type = self.env.ref("maintenance_contract_it.mail_activity_type_usage_missing")
        activities = waiting.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.manager)
        # the next run asks no second time
        (waiting | other)._billing_run(date(2027, 4, 2))
        activities = waiting.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activities), 1)
        # the count entered, the period is invoiced
        self.env["maintenance.contract.usage"].with_user(self.accountant).create(
            {"line_id": waiting.line_ids.id, "date": date(2027, 3, 1), "count": 300}
        )
        move = waiting._billing_run(date(2027, 4, 3))
        self.assertEqual(move.amount_untaxed, 30.0)
        self.assertEqual(march.state, "invoiced")

    def test_period_left_by_the_job_shows_its_forecast(self):
        # the job does not forecast the periods it invoices at once, only those it leaves
        waiting = self._usage_contract(price=0.10, min_quantity=1000.0)
        self.assertFalse(waiting._billing_run(date(2027, 4, 1)))
        march = waiting.period_ids
        self.assertEqual(march.state, "to_invoice")
        # no count yet: at least the minimum, 1000 × 0.10 = 100.00
        self.assertEqual((march.amount_fee, march.amount_fee_full), (100.0, 100.0))

    def test_invoice_now_says_the_count_is_missing(self):
        contract = self._usage_contract()
        contract._generate_periods(date(2027, 4, 1))
        with self.assertRaisesRegex(UserError, "usage count .* is missing"):
            contract._invoice_periods(contract.period_ids)

    def test_contract_user_cannot_enter_counts(self):
        contract = self._usage_contract()
        with self.assertRaises(AccessError):
            self.env["maintenance.contract.usage"].with_user(self.user).create(
                {"line_id": contract.line_ids.id, "date": date(2027, 3, 1), "count": 3}
            )

    def test_period_opens_its_usage_counts(self):
        contract = self._usage_contract()
        contract._generate_periods(date(2027, 4, 1))
        period = contract.period_ids
        self.assertTrue(period.has_usage_fee)
        action = period.with_user(self.accountant).action_view_usage()
        Usage = self.env["maintenance.contract.usage"].with_user(self.accountant)
        usage = Usage.with_context(**action["context"]).create({"count": 42})
        self.assertEqual((usage.line_id, usage.date), (contract.line_ids, date(2027, 3, 1)))
        self.assertEqual(Usage.search(action["domain"]), usage)
        period.invalidate_recordset(["unit_summary"])
        self.assertIn("42 pages", period.unit_summary)

    def test_contract_amount_follows_the_latest_count(self):
        contract = self._usage_contract(price=0.10, quantity=500.0, min_quantity=1000.0)
        line = contract.line_ids
        # no count yet: the minimum, 1000 × 0.10 = 100.00
        self.assertEqual((line.billed_quantity, contract.amount_period), (1000.0, 100.0))
        Usage = self.env["maintenance.contract.usage"]
        Usage.create({"line_id": line.id, "date": date(2027, 3, 1), "count": 1250})
        # the latest count: 1250 × 0.10 = 125.00
        self.assertEqual((line.billed_quantity, contract.amount_period), (1250.0, 125.0))
        Usage.search([("line_id", "=", line.id)]).count = 400
        # under the minimum: 1000 × 0.10 = 100.00
        self.assertEqual(contract.amount_period, 100.0)
        # no minimum and no count: the line's quantity, 500 × 0.10 = 50.00
        other = self._usage_contract(price=0.10, quantity=500.0)
        self.assertEqual(other.amount_period, 50.0)

    # Counts entered on the period's form

    def test_count_entered_on_the_period_then_invoiced(self):
        contract = self._usage_contract()
        contract._generate_periods(date(2027, 4, 1))
        period = contract.period_ids
        # the line whose count the period waits for
        self.assertEqual(period.usage_missing_line_ids, contract.line_ids)
        with Form(period.with_user(self.accountant)) as form:
            with form.usage_ids.new() as row:
                row.line_id = contract.line_ids
                row.count = 850
        usage = period.usage_ids
        self.assertFalse(period.usage_missing_line_ids)
        # matched to its period by its date, the same rule as the counts entered elsewhere
        self.assertEqual((usage.line_id, usage.date), (contract.line_ids, date(2027, 3, 1)))
        self.assertEqual(
            self.env["maintenance.contract.usage"].search(
                [("contract_id", "=", contract.id), ("date", "=", date(2027, 3, 1))]
            ),
            usage,
        )
        move = self._invoice(contract, date(2027, 4, 1))
        # 850 pages × 0.10 = 85.00
        self.assertEqual(move.amount_untaxed, 85.0)
        self.assertIn("850 pages", move.invoice_line_ids.name)

    def test_count_entered_before_its_period_is_shown_on_it(self):
        contract = self._usage_contract()
        usage = self.env["maintenance.contract.usage"].create(
            {"line_id": contract.line_ids.id, "date": date(2027, 3, 9), "count": 12}
        )
        self.assertFalse(usage.period_id)
        contract._generate_periods(date(2027, 4, 1))
        self.assertEqual(contract.period_ids.usage_ids, usage)

    def test_invoiced_period_refuses_a_count_change(self):
        contract = self._usage_contract()
        contract._generate_periods(date(2027, 4, 1))
        period = contract.period_ids.with_user(self.accountant)
        period.usage_ids = [Command.create({"line_id": contract.line_ids.id, "count": 850})]
        self._invoice(contract, date(2027, 4, 1))
        self.assertEqual(period.state, "invoiced")
        usage = period.usage_ids
        with self.assertRaisesRegex(UserError, "was invoiced: it cannot be changed"):
            period.usage_ids = [Command.update(usage.id, {"count": 900})]
        with self.assertRaisesRegex(UserError, "was invoiced: it cannot be changed"):
            period.usage_ids = [Command.delete(usage.id)]
        self.assertEqual(usage.count, 850)
        # the rest of the period stays the billing's
        with self.assertRaisesRegex(UserError, "cannot be created, changed or deleted by hand"):
            period.write({"usage_ids": [], "prorata": 0.5})

    def test_portal_and_contract_users_cannot_write_counts(self):
        contract = self._usage_contract()
        contract._generate_periods(date(2027, 4, 1))
        period = contract.period_ids
        portal = new_test_user(
            self.env, login="usage-portal", groups="base.group_portal", partner_id=self.customer.id
        )
        values = {"usage_ids": [Command.create({"line_id": contract.line_ids.id, "count": 1})]}
        for user in (portal, self.user):
            with self.assertRaises(AccessError):
                period.with_user(user).write(values)
        self.assertFalse(period.usage_ids)
