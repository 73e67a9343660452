"""The invoicing engine: one header for every contract invoice, prorated lines whose
subtotal is rounded (never the unit price), invoices dated the day they are issued and
never inside a locked accounting period."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import create_support_calendar
from .test_billing import BillingCommon

BILLING_LOGGER = "odoo.addons.maintenance_contract_it.models.maintenance_contract_billing_mixin"


@tagged("post_install", "-at_install")
class TestBillingEngine(BillingCommon):
    def _fee_contract(self, date_start, quantity, price, **values):
        """An active monthly contract with one fee line of ``quantity`` × ``price``."""
        contract = self._create_contract(
            date_start=date_start,
            partner_id=self.customer.id,
            line_ids=[
                Command.create(
                    {
                        "product_id": self.fee_product.id,
                        "name": "Workstations",
                        "quantity": quantity,
                        "price_unit": price,
                    }
                )
            ],
            **values,
        )
        contract.action_activate()
        return contract

    # Proration

    def test_prorated_subtotal_rounded_not_the_unit_price(self):
        contract = self._fee_contract("2027-03-10", 3.0, 100.0, billing_alignment="calendar")
        move = self._invoice(contract, date(2027, 3, 10))
        # 3 × 100.00 × 22/31 = 212.9032 → 212.90 (3 × 70.97 would be 212.91)
        self.assertEqual(move.amount_untaxed, 212.90)
        self.assertEqual(contract.period_ids.amount_fee, 212.90)
        line = move.invoice_line_ids
        # no unit price at 2 decimals gives 212.90 for 3 units: one line of the amount,
        # quantity × unit price = the line's total, the quantity in its label
        self.assertEqual(
            (line.quantity, line.price_unit, line.price_subtotal), (1.0, 212.90, 212.90)
        )
        self.assertEqual(
            line.name,
            "Workstations – 03/10/2027 to 03/31/2027 – 3.00 × 100.00 × 22/31 days",
        )
        self.assertEqual(line.maintenance_period_id, contract.period_ids)
        # the full period's fees (recurring revenue) are 300.00
        self.assertEqual(contract.period_ids.amount_fee_full, 300.0)

    def test_prorated_quantity_kept_when_a_unit_price_gives_the_subtotal(self):
        contract = self._fee_contract("2027-03-10", 2.0, 150.0, billing_alignment="calendar")
        move = self._invoice(contract, date(2027, 3, 10))
        # 2 × 150.00 × 22/31 = 212.9032 → 212.90 = 2 × 106.45
        line = move.invoice_line_ids
        self.assertEqual((line.quantity, line.price_unit), (2.0, 106.45))
        self.assertEqual(move.amount_untaxed, 212.90)
        self.assertEqual(line.name, "Workstations – 03/10/2027 to 03/31/2027")

    def test_credit_note_of_unused_days_rounds_the_subtotal(self):
        contract = self._fee_contract("2027-03-01", 3.0, 100.0)
        with freeze_time("2027-03-01"):
            self._invoice(contract, date(2027, 3, 1))
        march = contract.period_ids
        self.assertEqual(march.move_id.amount_untaxed, 300.0)
        with freeze_time("2027-03-10"):
            contract._record_notice(
                {
                    "notice_date": date(2027, 3, 1),
                    "notice_given_by": "customer",
                    "notice_channel": "email",
                    "termination_date": date(2027, 3, 15),
                    "early_termination": True,
                }
            )
        credit = march.credit_move_id
        # 16 unused days of 31: 3 × 100.00 × 16/31 = 154.8387 → 154.84 (3 × 51.61 = 154.83)
        self.assertEqual(credit.amount_untaxed, 154.84)
        self.assertEqual(credit.invoice_line_ids.quantity, 1.0)
        self.assertIn("3.00 × 100.00 × 16/31 days", credit.invoice_line_ids.name)
        self.assertEqual(credit.invoice_line_ids.tax_ids, self.tax)
        # issued on the day the contract's end was recorded, in the invoice's journal
        self.assertEqual(credit.invoice_date, date(2027, 3, 10))
        self.assertEqual(credit.journal_id, march.move_id.journal_id)
        self.assertEqual(credit.reversed_entry_id, self.env["account.move"])  # a draft
        # 300.00 - 154.84
        self.assertEqual(march.amount_fee, 145.16)

    # Date of issue

    def test_catch_up_invoices_dated_the_day_they_are_issued(self):
        contract = self._billing_contract("2027-01-01")
        moves = self._invoice(contract, date(2027, 3, 5))
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("invoice_date")), {date(2027, 3, 5)})
        # each period stays on its line and in its label
        for move in moves:
            period = move.invoice_line_ids.maintenance_period_id
            self.assertEqual(len(period), 1)
            self.assertEqual(period.move_id, move)
            self.assertIn(period.date_start.strftime("%m/%d/%Y"), move.invoice_line_ids.name)
        self.assertEqual(
            contract.period_ids.sorted("date_start").mapped("invoice_date"),
            [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)],
        )

    @freeze_time("2027-03-05")
    def test_invoice_now_dated_today(self):
        contract = self._billing_contract("2027-01-01")
        contract.with_user(self.accountant).action_invoice_now()
        moves = contract.period_ids.move_id
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("invoice_date")), {date(2027, 3, 5)})
        penalty = contract._create_penalty_invoice(100.0)
        self.assertEqual(penalty.invoice_date, date(2027, 3, 5))

    # Lock dates

    @freeze_time("2027-03-05")
    def test_locked_period_refused(self):
        contract = self._billing_contract("2027-01-01")
        self.company.sale_lock_date = date(2027, 3, 31)
        with self.assertRaisesRegex(
            UserError, "cannot be invoiced on .*is locked .*Sales Lock Date"
        ):
            contract.with_user(self.accountant).action_invoice_now()
        self.assertEqual(set(contract.period_ids.mapped("state")), {"to_invoice"})
        # the job reports it on the contract and goes on
        with mute_logger(BILLING_LOGGER):
            moves = self._invoice(contract, date(2027, 3, 5))
        self.assertFalse(moves)
        activity = contract.activity_ids.filtered(lambda a: a.summary == "Invoicing failed")
        self.assertEqual(len(activity), 1)
        self.assertIn("locked", str(activity.note))
        self.assertEqual(set(contract.period_ids.mapped("state")), {"to_invoice"})
        # the lock moved back: the catch-up is issued today, after it
        self.company.sale_lock_date = date(2027, 2, 28)
        moves = self._invoice(contract, date(2027, 3, 5))
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("invoice_date")), {date(2027, 3, 5)})

    @freeze_time("2027-03-05")
    def test_locked_period_refused_for_every_invoice(self):
        contract = self._billing_contract("2027-01-01")
        self.company.sale_lock_date = date(2027, 3, 31)
        with self.assertRaisesRegex(UserError, "locked"):
            contract._create_penalty_invoice(100.0)

    # One header

    def test_one_header_builder(self):
        """A module adding a field to every contract invoice overrides one method: the
        periods' invoices, the grouped invoice and the penalty invoice all go through it."""
        Contract = type(self.env["maintenance.contract"])
        original = Contract._prepare_invoice_values
        calls = []

        def spy(contracts, move_type, invoice_date, lines, cache=None, **extra):
            calls.append(move_type)
            values = original(contracts, move_type, invoice_date, lines, cache=cache, **extra)
            values["ref"] = "From the one header"
            return values

        first = self._billing_contract("2027-01-01", invoice_grouping="customer")
        second = self._billing_contract("2027-01-01", price=120.0, invoice_grouping="customer")
        alone = self._billing_contract("2027-01-01")
        with patch.object(Contract, "_prepare_invoice_values", spy):
            moves = self._invoice(first | second | alone, date(2027, 1, 1))
            moves |= alone._create_penalty_invoice(50.0)
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("ref")), {"From the one header"})
        self.assertEqual(calls, ["out_invoice"] * 3)
        grouped = moves.filtered(lambda m: not m.contract_id)
        self.assertEqual(grouped.amount_untaxed, 420.0)

    def test_frozen_amounts_are_the_sums_of_the_lines(self):
        contract = self._fee_contract("2027-03-10", 3.0, 100.0, billing_alignment="calendar")
        Period = type(self.env["maintenance.contract.period"])
        original = Period._get_fee_lines_in_force
        calls = []

        def spy(period):
            calls.append(period.id)
            return original(period)

        contract._generate_periods(date(2027, 3, 10))
        with patch.object(Period, "_get_fee_lines_in_force", spy):
            move = self._invoice(contract, date(2027, 3, 10))
        # the fee lines in force are read once for the invoice and its frozen amounts
        self.assertEqual(calls, contract.period_ids.ids)
        self.assertEqual(contract.period_ids.amount_fee, move.amount_untaxed)

    def test_template_lines_take_the_taxes_of_the_contract_company(self):
        other_company = self.env["res.company"].create(
            {"name": "Other provider (test)", "country_id": self.company.country_id.id}
        )
        group = self.env["account.tax.group"].create(
            {"name": "VAT (other company, test)", "company_id": other_company.id}
        )
        other_tax = self.env["account.tax"].create(
            {
                "name": "VAT 10% (other company, test)",
                "amount": 10.0,
                "type_tax_use": "sale",
                "company_id": other_company.id,
                "tax_group_id": group.id,
                "country_id": self.company.country_id.id,
            }
        )
        self.fee_product.taxes_id = [Command.set((self.tax | other_tax).ids)]
        self.template.line_ids = [
            Command.clear(),
            Command.create(
                {
                    "product_id": self.fee_product.id,
                    "name": "Monthly maintenance",
                    "quantity": 1.0,
                    "price_unit": 300.0,
                }
            ),
        ]
        contract = self._create_contract(date_start="2027-01-01")
        self.assertEqual(contract.line_ids.tax_ids, self.tax)
        contract.action_activate()
        move = self._invoice(contract, date(2027, 1, 1))
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax)
        # 300.00 + 20 %
        self.assertEqual(move.amount_total, 360.0)

    def test_locked_company_does_not_stop_the_job(self):
        """The job invoices the contracts of a company whose accounting is open while the
        contracts of a company locked on that day are reported and wait."""
        other_company = self.env["res.company"].create(
            {"name": "Other provider (test)", "country_id": self.company.country_id.id}
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other_company, install_demo=False
        )
        self.env.user.company_ids |= other_company
        locked = self._billing_contract("2027-01-01")
        other_product = self.fee_product.copy({"company_id": other_company.id, "taxes_id": False})
        policy = self.env["maintenance.sla.policy"].create(
            {
                "name": "Other provider (test)",
                "company_id": other_company.id,
                "calendar_id": create_support_calendar(
                    self.env, "Other (test)", "UTC", range(5), [("morning", 9, 17)], other_company
                ).id,
            }
        )
        open_contract = self.env["maintenance.contract"].create(
            {
                "partner_id": self.customer.id,
                "sla_policy_id": policy.id,
                "date_start": "2027-01-01",
                "company_id": other_company.id,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": other_product.id,
                            "name": "Monthly maintenance",
                            "quantity": 1.0,
                            "price_unit": 200.0,
                        }
                    )
                ],
            }
        )
        open_contract.action_activate()
        self.company.sale_lock_date = date(2027, 1, 31)
        with mute_logger(BILLING_LOGGER):
            moves = self._invoice(locked | open_contract, date(2027, 1, 5))
        self.assertEqual(moves.contract_id, open_contract)
        self.assertEqual(moves.invoice_date, date(2027, 1, 5))
        self.assertEqual(moves.amount_untaxed, 200.0)
        self.assertEqual(locked.period_ids.state, "to_invoice")
        failed = locked.activity_ids.filtered(lambda a: a.summary == "Invoicing failed")
        self.assertIn("locked", str(failed.note))
