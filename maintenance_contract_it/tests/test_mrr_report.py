from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestMrrReport(BillingCommon):
    def _rows(self, contract, user=None):
        Report = self.env["maintenance.contract.mrr.report"]
        if user:
            Report = Report.with_user(user)
        rows = Report.search([("contract_id", "=", contract.id)], order="date")
        return [(r.date, r.mrr, r.arr, r.mrr_change, r.movement) for r in rows]

    def test_terminated_quarterly_contract(self):
        # 2 lines of 450 a quarter: MRR 900 x 4 / 12 = 300, ARR 3600
        contract = self._billing_contract(
            "2026-02-15", price=450.0, billing_frequency="quarterly", tacit_renewal=True
        )
        contract.line_ids = [
            Command.create(
                {"product_id": self.fee_product.id, "name": "Backup", "price_unit": 450.0}
            )
        ]
        contract._record_notice(
            {
                "notice_date": date(2026, 3, 1),
                "notice_given_by": "customer",
                "notice_channel": "email",
                "termination_date": date(2026, 4, 30),
                "early_termination": True,
            }
        )
        self.env.flush_all()
        self.assertEqual(
            self._rows(contract, self.user),
            [
                (date(2026, 2, 1), 300.0, 3600.0, 300.0, "new"),
                (date(2026, 3, 1), 300.0, 3600.0, 0.0, "flat"),
                (date(2026, 4, 1), 300.0, 3600.0, 0.0, "flat"),
                (date(2026, 5, 1), 0.0, 0.0, -300.0, "churn"),
            ],
        )

    def test_open_monthly_and_yearly_contracts(self):
        this_month = date.today().replace(day=1)
        last_month = this_month - relativedelta(months=1)
        monthly = self._billing_contract(last_month, price=100.0, tacit_renewal=True)
        # 1200 a year: 100 a month
        yearly = self._billing_contract(
            this_month, price=1200.0, billing_frequency="yearly", tacit_renewal=True
        )
        draft = self._billing_contract(last_month, activate=False)
        self.env.flush_all()
        self.assertEqual(
            self._rows(monthly),
            [
                (last_month, 100.0, 1200.0, 100.0, "new"),
                (this_month, 100.0, 1200.0, 0.0, "flat"),
            ],
        )
        self.assertEqual(self._rows(yearly), [(this_month, 100.0, 1200.0, 100.0, "new")])
        self.assertEqual(self._rows(draft), [])
        groups = self.env["maintenance.contract.mrr.report"]._read_group(
            [("contract_id", "in", (monthly | yearly).ids)], ["date:month"], ["mrr:sum"]
        )
        self.assertEqual([amount for __, amount in groups], [100.0, 200.0])

    def test_access(self):
        self._billing_contract("2026-01-01", tacit_renewal=True)
        self.assertTrue(self.env["maintenance.contract.mrr.report"].with_user(self.user).search([]))
        stranger = new_test_user(self.env, login="mcit_mrr_stranger", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["maintenance.contract.mrr.report"].with_user(stranger).search([])
