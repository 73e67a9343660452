"""The invoice history of the demo database (setup/demo_history.py, run by setup/run.sh):
months of invoices made by the module's billing code, paid and overdue invoices, the hours
beyond a prepaid balance and an SLA service credit, and nothing more when run twice. It runs
here on the test database's demo data, whatever its chart of accounts."""

import importlib.util
from pathlib import Path

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import format_date

SCRIPT = Path(__file__).resolve().parents[1] / "setup" / "demo_history.py"
DEMO = "maintenance_contract_it."


def load_demo_history():
    spec = importlib.util.spec_from_file_location("demo_history", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def months_between(first, last):
    """Number of months from the month of ``first`` to the month of ``last``, both counted."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["maintenance.contract"])
        cls.lefevre = cls.env.ref(DEMO + "maintenance_contract_lefevre_workstations_demo")
        cls.girard = cls.env.ref(DEMO + "maintenance_contract_girard_servers_demo")
        cls.clinique = cls.env.ref(DEMO + "maintenance_contract_clinique_hours_demo")
        cls.dumas = cls.env.ref(DEMO + "maintenance_contract_dumas_workstations_demo")
        cls.contracts = cls.lefevre | cls.girard | cls.clinique | cls.dumas
        # the demo contracts have no invoice before the history
        assert not cls.env["account.move"].search_count([("contract_id", "in", cls.contracts.ids)])
        load_demo_history().create_demo_history(cls.env)

    def _invoices(self, contract):
        return self.env["account.move"].search(
            [("contract_id", "=", contract.id), ("move_type", "=", "out_invoice")],
            order="invoice_date, id",
        )

    def test_workstation_added_mid_month_adjusted(self):
        # the law firm's workstations are billed per workstation, in advance: the one covered
        # from the 16th three months ago is adjusted on the next month's invoice
        added = self.today - relativedelta(months=3, day=16)
        month_end = added + relativedelta(months=1, day=1, days=-1)
        days, total = (month_end - added).days + 1, month_end.day
        next_invoice = self._invoices(self.lefevre).filtered(
            lambda m: m.invoice_date == month_end + relativedelta(days=1)
        )
        adjustment = next_invoice.invoice_line_ids.filtered(
            lambda line: "Régularisation" in line.name
        )
        self.assertEqual(len(adjustment), 1)
        self.assertIn(f"+Poste collaboratrice ({days} jours)", adjustment.name)
        self.assertEqual(adjustment.price_subtotal, round(25.0 * days / total, 2))
        # the invoice after it bills the 4 workstations
        fee = (
            self._invoices(self.lefevre)
            .filtered(lambda m: m.invoice_date == month_end + relativedelta(days=1))
            .invoice_line_ids.filtered(lambda line: "4 postes" in line.name)
        )
        self.assertEqual(fee.price_subtotal, 100.0)

    def test_every_month_invoiced_and_posted(self):
        # monthly, from its first day: one posted invoice per month up to this month's
        lefevre = self._invoices(self.lefevre)
        self.assertEqual(len(lefevre), months_between(self.lefevre.date_start, self.today))
        self.assertGreaterEqual(len(lefevre), 6)
        self.assertEqual(set(lefevre.mapped("state")), {"posted"})
        self.assertEqual(
            lefevre.mapped("invoice_date"),
            [self.lefevre.date_start + relativedelta(months=n) for n in range(len(lefevre))],
        )
        # the terminated contract: one per month of its life, none after its end
        dumas = self._invoices(self.dumas)
        self.assertEqual(
            len(dumas), months_between(self.dumas.date_start, self.dumas.termination_date)
        )
        self.assertEqual(max(dumas.mapped("invoice_date")).day, 1)
        self.assertLess(max(dumas.mapped("invoice_date")), self.dumas.termination_date)
        # quarterly contracts (started five months before the demo data): one per quarter begun
        for contract in self.girard | self.clinique:
            quarters = (months_between(contract.date_start, self.today) - 1) // 3 + 1
            self.assertEqual(len(self._invoices(contract)), quarters)
            self.assertGreaterEqual(quarters, 2)
        # the fee lines are labelled with their period and taxed as their product
        line = lefevre[0].invoice_line_ids.filtered("product_id")[0]
        lang = self.lefevre.partner_id.lang
        self.assertIn(format_date(self.env, self.lefevre.date_start, lang_code=lang), line.name)
        self.assertEqual(line.tax_ids, line.product_id.taxes_id)
        self.assertTrue(line.tax_ids)

    def test_paid_and_overdue_invoices(self):
        lefevre = self._invoices(self.lefevre)
        self.assertIn(lefevre[0].payment_state, ("paid", "in_payment"))
        self.assertEqual(lefevre[0].amount_residual, 0.0)
        # its invoices past due are paid, the one not due yet is open
        for move in lefevre:
            if move.invoice_date_due < self.today:
                self.assertEqual(move.amount_residual, 0.0, move.name)
        self.assertEqual(lefevre[-1].amount_residual, lefevre[-1].amount_total)
        self.assertFalse(self.lefevre.amount_overdue)
        # the terminated contract: its three last invoices unpaid and overdue
        dumas = self._invoices(self.dumas)
        unpaid = dumas[-3:]
        for move in unpaid:
            self.assertEqual(move.payment_state, "not_paid")
            self.assertLess(move.invoice_date_due, self.today)
        for move in dumas - unpaid:
            self.assertEqual(move.amount_residual, 0.0, move.name)
        self.assertAlmostEqual(self.dumas.amount_overdue, sum(unpaid.mapped("amount_total")))
        self.assertGreater(self.dumas.amount_overdue, 0.0)
        self.assertIn(
            self.dumas,
            self.env["maintenance.contract"].search([("amount_overdue", ">", 0)]),
        )

    def test_hours_beyond_the_prepaid_balance_billed(self):
        # 8 + 7.5 + 6.5 = 22 covered hours in the first quarter of 20 prepaid hours
        first, second = self._invoices(self.clinique)[:2]
        self.assertEqual(second.invoice_date, self.clinique.date_start + relativedelta(months=3))
        product = self.env.ref(DEMO + "product_extra_work_demo")
        overage = second.invoice_line_ids.filtered(lambda line: line.product_id == product)
        self.assertEqual(len(overage), 1)
        self.assertEqual(overage.quantity, 2.0)
        self.assertEqual(overage.price_unit, 85.0)
        self.assertEqual(overage.price_subtotal, 170.0)
        self.assertEqual(second.amount_untaxed, 1600.0 + 170.0)
        self.assertEqual(first.amount_untaxed, 1600.0)
        period = overage.maintenance_period_id
        self.assertEqual(period.amount_overage, 170.0)
        # taxed as the company's extra work product
        self.assertEqual(overage.tax_ids, product.taxes_id)

    def test_sla_service_credit(self):
        # a priority "2" ticket answered after 1.5 h of the 1 h allowed (24x7): 0.5 h late at
        # 150.00 an hour, under the cap of 20 % of the quarterly fee of 525.00 (105.00)
        first, second = self._invoices(self.girard)[:2]
        credit = second.invoice_line_ids.filtered(lambda line: line.price_unit < 0)
        self.assertEqual(len(credit), 1)
        self.assertEqual(credit.price_unit, -75.0)
        self.assertIn("Lien VPN", credit.name)
        self.assertEqual(credit.maintenance_period_id.amount_sla_credit, 75.0)
        self.assertFalse(first.invoice_line_ids.filtered(lambda line: line.price_unit < 0))

    def test_running_twice_adds_nothing(self):
        def counts():
            return {
                model: self.env[model].search_count([])
                for model in (
                    "account.move",
                    "account.payment",
                    "maintenance.contract.period",
                    "maintenance.intervention",
                    "helpdesk.ticket",
                )
            }

        before = counts()
        load_demo_history().create_demo_history(self.env)
        self.assertEqual(counts(), before)
