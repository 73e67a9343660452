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

    def _amend(self, contract, day, price):
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": contract.id,
                "date_effective": day,
                "reason": "New fee",
                "line_ids": [
                    Command.create(
                        {
                            "operation": "update",
                            "contract_line_id": contract.line_ids.id,
                            "name": "Monthly maintenance",
                            "quantity": 1.0,
                            "price_unit": price,
                        }
                    )
                ],
            }
        )
        amendment.action_confirm()
        self.assertEqual(amendment.state, "applied")

    def test_fee_changes_from_billing_periods(self):
        """The MRR of a month is the fee frozen on its billing period: a raise shows as an
        expansion in the month it applies, a lowering as a contraction; a prorated period
        counts for its full period."""
        # 100 a month from 10 January 2025 for 6 months (last day 9 July), calendar months:
        # January 10-31 billed 100 x 22/31 = 70.97, July 1-9 prorated too
        contract = self._billing_contract(
            "2025-01-10",
            price=100.0,
            billing_alignment="calendar",
            initial_term=6,
            tacit_renewal=False,
        )
        self.assertEqual(contract.date_end, date(2025, 7, 9))
        contract._generate_periods(date(2025, 3, 1))
        first = contract.period_ids.sorted("date_start")[0]
        self.assertEqual(first.amount_fee, 70.97)
        self.assertEqual(first.amount_fee_full, 100.0)
        # raised to 130 from April, lowered to 110 from June
        self._amend(contract, "2025-04-01", 130.0)
        contract._generate_periods(date(2025, 5, 1))
        self._amend(contract, "2025-06-01", 110.0)
        contract._generate_periods(date(2025, 7, 1))
        self.assertEqual(len(contract.period_ids), 7)
        self.env.flush_all()
        self.assertEqual(
            self._rows(contract),
            [
                (date(2025, 1, 1), 100.0, 1200.0, 100.0, "new"),
                (date(2025, 2, 1), 100.0, 1200.0, 0.0, "flat"),
                (date(2025, 3, 1), 100.0, 1200.0, 0.0, "flat"),
                (date(2025, 4, 1), 130.0, 1560.0, 30.0, "expansion"),
                (date(2025, 5, 1), 130.0, 1560.0, 0.0, "flat"),
                (date(2025, 6, 1), 110.0, 1320.0, -20.0, "contraction"),
                (date(2025, 7, 1), 110.0, 1320.0, 0.0, "flat"),
                (date(2025, 8, 1), 0.0, 0.0, -110.0, "churn"),
            ],
        )

    def test_months_without_period_use_fee_lines(self):
        """Months not billed yet use the contract's current fee lines."""
        # quarterly 300 (MRR 100) from January 2025 for 6 months; only the first quarter
        # has its period, priced 300, then the fee is raised to 450 (MRR 150)
        contract = self._billing_contract(
            "2025-01-01",
            price=300.0,
            billing_frequency="quarterly",
            initial_term=6,
            tacit_renewal=False,
        )
        contract._generate_periods(date(2025, 1, 1))
        self.assertEqual(len(contract.period_ids), 1)
        contract.line_ids.price_unit = 450.0
        self.env.flush_all()
        self.assertEqual(
            [(row[0], row[1], row[4]) for row in self._rows(contract)],
            [
                (date(2025, 1, 1), 100.0, "new"),
                (date(2025, 2, 1), 100.0, "flat"),
                (date(2025, 3, 1), 100.0, "flat"),
                (date(2025, 4, 1), 150.0, "expansion"),
                (date(2025, 5, 1), 150.0, "flat"),
                (date(2025, 6, 1), 150.0, "flat"),
                (date(2025, 7, 1), 0.0, "churn"),
            ],
        )

    def test_foreign_currency_converted(self):
        """A contract in euros of a company in dollars counts in dollars at the rate of each
        month; its movement is read in euros."""
        eur = self.env.ref("base.EUR")
        usd = self.env.ref("base.USD")
        eur.active = True
        self.assertEqual(self.company.currency_id, usd)
        self.env["res.currency.rate"].search([("currency_id", "in", (eur | usd).ids)]).unlink()
        # 1 USD = 0.80 EUR in January 2025, 0.625 EUR from 15 February 2025
        self.env["res.currency.rate"].create(
            [
                {"currency_id": eur.id, "name": "2025-01-01", "rate": 0.8},
                {"currency_id": eur.id, "name": "2025-02-15", "rate": 0.625},
            ]
        )
        contract = self._billing_contract(
            "2025-01-01",
            price=200.0,
            currency_id=eur.id,
            initial_term=2,
            notice_period=1,
            tacit_renewal=False,
        )
        self.env.flush_all()
        rows = self.env["maintenance.contract.mrr.report"].search(
            [("contract_id", "=", contract.id)], order="date"
        )
        self.assertEqual(rows.currency_id, usd)
        self.assertEqual(rows.contract_currency_id, eur)
        # January: 200 / 0.80 = 250 USD; February (rate of 28 February): 200 / 0.625 = 320
        # USD, unchanged in euros (flat) whatever the rate; March: churn of 200 EUR = 320 USD
        self.assertEqual(
            [(r.date, r.mrr, r.arr, r.mrr_change, r.movement) for r in rows],
            [
                (date(2025, 1, 1), 250.0, 3000.0, 250.0, "new"),
                (date(2025, 2, 1), 320.0, 3840.0, 0.0, "flat"),
                (date(2025, 3, 1), 0.0, 0.0, -320.0, "churn"),
            ],
        )
