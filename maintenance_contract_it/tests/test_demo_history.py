"""The invoice history of the demo database (setup/demo_history.py, run by setup/run.sh),
then the daily invoicing job on it: nothing old is to invoice."""

import importlib.util
import os

from odoo import fields
from odoo.tests import TransactionCase, tagged

REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = "maintenance_contract_it."


def load_demo_history():
    path = os.path.join(REPO_DIR, "setup", "demo_history.py")
    spec = importlib.util.spec_from_file_location("demo_history", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_history = load_demo_history()
        cls.demo_history.create_demo_history(cls.env)
        cls.start = cls.demo_history.history_start(cls.env)

    def test_expired_contract_taken_over(self):
        expired = self.env.ref(DEMO + "maintenance_contract_lefevre_previous_demo")
        self.assertEqual(expired.state, "expired")
        self.assertEqual(expired.billed_until, expired.date_end)
        self.assertFalse(expired.next_invoice_date)

    def test_nothing_old_to_invoice(self):
        today = fields.Date.today()
        self.env["maintenance.contract.period"]._action_to_invoice()
        due = self.env["maintenance.contract.period"].search(
            [("state", "=", "to_invoice"), ("invoice_date", "<=", today)]
        )
        self.assertFalse(
            due.filtered(lambda p: p.date_end < self.start), due.mapped("display_name")
        )
        self.assertFalse(
            self.env.ref(DEMO + "maintenance_contract_lefevre_previous_demo").period_ids
        )

    def test_invoicing_job_invoices_nothing_before_the_history(self):
        moves = self.env["maintenance.contract"]._cron_invoice()
        periods = self.env["maintenance.contract.period"].search([("move_id", "in", moves.ids)])
        self.assertFalse(
            periods.filtered(lambda p: p.date_end < self.start), periods.mapped("display_name")
        )
        # every invoice of the database bills a period of the history or later
        old = self.env["maintenance.contract.period"].search(
            [("state", "=", "invoiced"), ("date_end", "<", self.start)]
        )
        self.assertFalse(old, old.mapped("display_name"))

    def test_analytic_per_contract_agrees_with_profitability(self):
        """Every invoiced demo contract has its analytic account, and its analytic lines
        add up to the revenue of the profitability report (posted invoices and credit
        notes)."""
        self.assertTrue(self.env.ref("base.main_company").maintenance_analytic_account)
        self.assertTrue(
            self.env.ref("base.user_admin").has_group("analytic.group_analytic_accounting")
        )
        self.env.flush_all()
        report = self.env["maintenance.contract.profitability.report"]
        invoiced = (
            self.env["account.move"]
            .search([("contract_id", "!=", False), ("state", "=", "posted")])
            .contract_id
        )
        self.assertTrue(invoiced)
        for contract in invoiced:
            with self.subTest(contract=contract.name):
                self.assertTrue(contract.analytic_account_id)
                revenue = sum(report.search([("contract_id", "=", contract.id)]).mapped("revenue"))
                analytic = sum(
                    self.env["account.analytic.line"]
                    .search([("account_id", "=", contract.analytic_account_id.id)])
                    .mapped("amount")
                )
                self.assertTrue(revenue)
                self.assertAlmostEqual(analytic, revenue, places=2)
