from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_billing import BillingCommon

USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"


@tagged("post_install", "-at_install")
class TestBillingProfitability(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.maintenance_hourly_cost = 40.0
        cls.tech_senior = new_test_user(
            cls.env, login="mcit_profit_senior", groups=USER_GROUP, name="Senior technician"
        )
        cls.tech_junior = new_test_user(
            cls.env, login="mcit_profit_junior", groups=USER_GROUP, name="Junior technician"
        )
        # the senior has his own cost; the junior has the company's default (40)
        cls.tech_senior.with_company(cls.company).maintenance_hourly_cost = 50.0
        cls.disk = cls.env["product.product"].create(
            {"name": "SSD 1 TB (test)", "type": "consu", "list_price": 45.0, "standard_price": 30.0}
        )

    def _intervention(self, contract, day, hours, technicians, parts=(), done=True, user=None):
        """A curative (covered) intervention of ``hours`` on ``day`` by ``technicians``, with
        ``parts`` ``[(values)]``, marked as done by ``user``."""
        start = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
        intervention = self.env["maintenance.intervention"].create(
            {
                "contract_id": contract.id,
                "kind": "curative",
                "user_ids": [Command.set(technicians.ids)],
                "actual_start": start,
                "actual_end": start + timedelta(hours=hours),
                "part_ids": [Command.create(values) for values in parts],
            }
        )
        if done:
            intervention.with_user(user or self.env.user).action_done()
        return intervention

    def _rows(self, contracts, user=None):
        Report = self.env["maintenance.contract.profitability.report"]
        if user:
            Report = Report.with_user(user)
        self.env.flush_all()
        rows = Report.search([("contract_id", "in", contracts.ids)], order="id")
        return [
            (
                r.contract_id,
                r.date,
                r.revenue,
                r.labour_cost,
                r.parts_cost,
                r.cost,
                r.margin,
                r.margin_percent,
            )
            for r in rows
        ]

    def test_hourly_cost_of_user_or_company_default(self):
        contract = self._billing_contract("2026-01-01")
        senior = self._intervention(contract, date(2026, 1, 5), 2.5, self.tech_senior)
        junior = self._intervention(contract, date(2026, 1, 6), 1.5, self.tech_junior)
        both = self._intervention(
            contract, date(2026, 1, 7), 2.0, self.tech_senior | self.tech_junior
        )
        # 2.5 h x 50 = 125; 1.5 h x 40 (company default) = 60; 2 h x (50 + 40) = 180
        self.assertEqual(
            [(i.labour_hourly_cost, i.labour_cost) for i in senior | junior | both],
            [(50.0, 125.0), (40.0, 60.0), (90.0, 180.0)],
        )
        # the cost of a user is per company, and so is the default
        other_company = self.env["res.company"].create(
            {"name": "Other provider (test)", "maintenance_hourly_cost": 70.0}
        )
        self.assertEqual(self.tech_senior._get_maintenance_hourly_cost(other_company), 70.0)
        self.assertEqual(self.tech_senior._get_maintenance_hourly_cost(self.company), 50.0)

    def test_cost_frozen_when_done(self):
        contract = self._billing_contract("2026-01-01")
        intervention = self._intervention(
            contract,
            date(2026, 1, 12),
            2.0,
            self.tech_senior,
            parts=[{"product_id": self.disk.id, "quantity": 2.0}],
            done=False,
        )
        # the costs of the day it is done count, not those of the day it was planned
        self.tech_senior.with_company(self.company).maintenance_hourly_cost = 60.0
        # marked as done by a technician, who cannot read the costs
        intervention.with_user(self.tech_senior).action_done()
        self.assertEqual(intervention.labour_hourly_cost, 60.0)
        self.assertEqual(intervention.labour_cost, 120.0)
        # a later change of the costs does not change it
        self.tech_senior.with_company(self.company).maintenance_hourly_cost = 80.0
        self.company.maintenance_hourly_cost = 100.0
        self.disk.standard_price = 35.0
        self.env.flush_all()
        intervention.invalidate_recordset()
        self.assertEqual(intervention.labour_cost, 120.0)
        self.assertEqual(intervention.parts_cost, 60.0)
        # a corrected duration is costed at the frozen rate: 3 h x 60
        intervention.duration = 3.0
        self.assertEqual(intervention.labour_cost, 180.0)
        # done again after a reset: the costs of that day, 3 h x 80
        intervention.action_reset_to_planned()
        intervention.action_done()
        self.assertEqual(intervention.labour_cost, 240.0)

    def test_parts_at_cost(self):
        contract = self._billing_contract("2026-01-01")
        intervention = self._intervention(
            contract,
            date(2026, 1, 12),
            1.0,
            self.tech_junior,
            parts=[
                {"product_id": self.disk.id, "quantity": 2.0},
                {"name": "Cables", "quantity": 4.0, "cost_unit": 12.5},
            ],
        )
        disk_part, cables = intervention.part_ids
        # the product's cost, not its price
        self.assertEqual((disk_part.cost_unit, disk_part.price_unit), (30.0, 45.0))
        # 2 x 30 + 4 x 12.50 = 110
        self.assertEqual(intervention.parts_cost, 110.0)
        cables.cost_unit = 10.0
        # 2 x 30 + 4 x 10 = 100
        self.assertEqual(intervention.parts_cost, 100.0)

    def test_margin_per_contract_and_month(self):
        # invoiced together on one invoice per customer: the invoice has no contract, its
        # lines have their billing period
        contract_a = self._billing_contract("2026-01-01", price=300.0, invoice_grouping="customer")
        contract_b = self._billing_contract("2026-01-01", price=200.0, invoice_grouping="customer")
        january = self._invoice(contract_a | contract_b, date(2026, 1, 1))
        self.assertEqual(len(january), 1)
        self.assertFalse(january.contract_id)
        january.action_post()
        # a draft invoice (February) does not count
        february = self._invoice(contract_a | contract_b, date(2026, 2, 1))
        self.assertEqual(february.state, "draft")
        # a posted credit note of contract A counts negative
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "contract_id": contract_a.id,
                "invoice_date": date(2026, 1, 20),
                "invoice_line_ids": [
                    Command.create({"product_id": self.fee_product.id, "price_unit": 50.0})
                ],
            }
        )
        credit.action_post()
        # January, A: 2 h x 50 = 100 of labour, 2 disks x 30 = 60 of parts
        self._intervention(
            contract_a,
            date(2026, 1, 15),
            2.0,
            self.tech_senior,
            parts=[{"product_id": self.disk.id, "quantity": 2.0}],
        )
        # February, A: 1 h x 40 (company default)
        self._intervention(contract_a, date(2026, 2, 10), 1.0, self.tech_junior)
        # planned and cancelled interventions cost nothing
        self._intervention(contract_a, date(2026, 1, 16), 3.0, self.tech_senior, done=False)
        self._intervention(
            contract_a, date(2026, 1, 17), 3.0, self.tech_senior, done=False
        ).action_cancel()
        self.assertEqual(
            self._rows(contract_a | contract_b, self.manager),
            [
                # revenue without taxes: 300 - 50 = 250; cost 160; margin 90 = 36 %
                (contract_a, date(2026, 1, 1), 250.0, 100.0, 60.0, 160.0, 90.0, 36.0),
                # 200 invoiced, no cost: 100 %
                (contract_b, date(2026, 1, 1), 200.0, 0.0, 0.0, 0.0, 200.0, 100.0),
                # nothing posted: a loss of 40, no margin rate
                (contract_a, date(2026, 2, 1), 0.0, 40.0, 0.0, 40.0, -40.0, 0.0),
            ],
        )
        # the margin rate of a group is its margin over its revenue: 290 / 450 = 64.44 %
        Report = self.env["maintenance.contract.profitability.report"].with_user(self.manager)
        groups = Report._read_group(
            [("contract_id", "in", (contract_a | contract_b).ids)],
            ["date:month"],
            ["revenue:sum", "cost:sum", "margin:sum", "margin_percent:sum"],
        )
        self.assertEqual(
            [tuple(group[1:]) for group in groups],
            [(450.0, 160.0, 290.0, 64.44), (0.0, 40.0, -40.0, False)],
        )

        # the contract's totals, on its Billing tab: 250 - (160 + 40) = 50
        contract_a.invalidate_recordset()
        self.assertEqual(
            [
                (c.profit_revenue, c.profit_cost, c.profit_margin)
                for c in (contract_a | contract_b).with_user(self.manager)
            ],
            [(250.0, 200.0, 50.0), (200.0, 0.0, 200.0)],
        )
        action = contract_a.action_view_profitability()
        self.assertEqual(
            Report.search(action["domain"]).mapped("margin"),
            [-40.0, 90.0],
        )

    def test_multi_company(self):
        contract = self._billing_contract("2026-01-01")
        self._intervention(contract, date(2026, 1, 15), 2.0, self.tech_senior)
        other_company = self.env["res.company"].create({"name": "Other provider (test)"})
        outsider = new_test_user(
            self.env,
            login="mcit_profit_outsider",
            groups=MANAGER_GROUP,
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertEqual(len(self._rows(contract, self.manager)), 1)
        self.assertEqual(self._rows(contract, outsider), [])

    def test_access(self):
        contract = self._billing_contract("2026-01-01")
        intervention = self._intervention(
            contract,
            date(2026, 1, 15),
            2.0,
            self.tech_senior,
            parts=[{"product_id": self.disk.id, "quantity": 1.0}],
        )
        self.assertEqual(intervention.with_user(self.manager).labour_cost, 100.0)
        # contract users and technicians do not read the costs, nor the report
        for field in ("labour_cost", "parts_cost", "labour_hourly_cost"):
            with self.assertRaises(AccessError):
                intervention.with_user(self.user).read([field])
        with self.assertRaises(AccessError):
            intervention.part_ids.with_user(self.user).read(["cost_unit"])
        with self.assertRaises(AccessError):
            self.tech_senior.with_user(self.user).read(["maintenance_hourly_cost"])
        with self.assertRaises(AccessError):
            self.env["maintenance.contract.profitability.report"].with_user(self.user).search([])
        # what they read of the intervention is unchanged
        self.assertEqual(intervention.with_user(self.user).duration, 2.0)
