"""The fees billed per covered equipment on the customer's side: the contract page gives the
number of covered units and their list, the invoice document lists the units billed, and a
customer's contact cannot change the coverage (over JSON-RPC)."""

import re
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .test_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestPortalUnits(BillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pcs = cls.env["maintenance.contract.equipment"].create(
            [
                {
                    "name": f"POSTE-{number}",
                    "category": "workstation",
                    "partner_id": cls.customer.id,
                    "serial_number": f"PORTAL-SN-{number}",
                }
                for number in (1, 2, 3)
            ]
        )
        cls.contract = cls._create_contract(
            date_start="2026-03-01",
            billing_alignment="calendar",
            billing_in_advance=False,
            equipment_ids=[Command.set(cls.pcs.ids)],
            line_ids=[
                Command.create(
                    {
                        "product_id": cls.fee_product.id,
                        "name": "Workstation support",
                        "quantity_mode": "equipment",
                        "unit_label": "workstations",
                        "price_unit": 25.0,
                    }
                )
            ],
        )
        cls.contract.action_activate()
        cls.portal_user = new_test_user(
            cls.env,
            login="mcit_units_portal",
            password="mcit_units_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )

    def _call_kw(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def test_contract_page_lists_the_covered_units(self):
        self.authenticate("mcit_units_portal", "mcit_units_portal")
        page = self.url_open(f"/my/contracts/{self.contract.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn('class="maintenance_covered_unit_count">3.00', page.text)
        self.assertIn("POSTE-2 (S/N PORTAL-SN-2)", page.text)

    def test_contract_page_amount_counts_the_covered_units(self):
        laptop = self.env.ref(
            "maintenance_contract_it.maintenance_contract_equipment_category_laptop"
        )
        workstation = self.env.ref(
            "maintenance_contract_it.maintenance_contract_equipment_category_workstation"
        )
        Equipment = self.env["maintenance.contract.equipment"]
        covered = Equipment.create(
            [
                {"name": f"CAB-{number}", "category": category, "partner_id": self.customer.id}
                for number, category in (
                    (1, "workstation"),
                    (2, "workstation"),
                    (3, "workstation"),
                    (4, "laptop"),
                    (5, "storage"),
                )
            ]
        )
        contract = self._create_contract(
            date_start="2026-03-01",
            billing_alignment="calendar",
            equipment_ids=[Command.set(covered.ids)],
            line_ids=[
                Command.create(
                    {
                        "name": "Workstation support",
                        "quantity_mode": "equipment",
                        "equipment_category_ids": [Command.set((workstation | laptop).ids)],
                        "unit_label": "workstations",
                        "price_unit": 25.0,
                    }
                ),
                Command.create({"name": "Backups", "quantity": 2.0, "price_unit": 15.0}),
                Command.create({"name": "Firewall", "quantity": 1.0, "price_unit": 45.0}),
            ],
        )
        contract.action_activate()
        self.authenticate("mcit_units_portal", "mcit_units_portal")
        page = self.url_open(f"/my/contracts/{contract.id}")
        self.assertEqual(page.status_code, 200)
        # 4 × 25.00 + 2 × 15.00 + 45.00 = 100.00 + 30.00 + 45.00 = 175.00 (not the storage)
        amount = re.search(
            r'id="contract_amount_period"[^>]*>(.*?)</h2>', page.text, re.DOTALL
        ).group(1)
        self.assertIn("175.00", amount)
        self.assertIn("100.00", page.text)
        self.assertIn('class="maintenance_covered_unit_count">4.00', page.text)

    def test_invoice_document_lists_the_units_billed(self):
        self.contract.with_context(coverage_date=date(2026, 3, 11)).equipment_ids = [
            Command.unlink(self.pcs[2].id)
        ]
        move = self._invoice(self.contract, date(2026, 4, 1))
        # 2 × 25.00 + 25.00 × 10/31 = 50.00 + 8.06 = 58.06
        self.assertEqual(move.amount_untaxed, 58.06)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", move.ids)[0]
            .decode()
        )
        self.assertIn("POSTE-1 (S/N PORTAL-SN-1)", html)
        self.assertIn("POSTE-3 (S/N PORTAL-SN-3) – 10/31 days", html)

    def test_customer_cannot_change_the_coverage(self):
        self.authenticate("mcit_units_portal", "mcit_units_portal")
        coverage = self.contract.equipment_coverage_ids[:1]
        rows = self._call_kw(
            "maintenance.contract.equipment.coverage",
            "search_read",
            [[("id", "=", coverage.id)]],
            fields=["date_from"],
        )
        self.assertEqual(len(rows), 1)
        for model, record_id, values in (
            ("maintenance.contract.equipment.coverage", coverage.id, {"date_to": "2026-03-05"}),
            ("maintenance.contract.equipment", self.pcs[0].id, {"contract_ids": [[5]]}),
        ):
            with self.subTest(model=model), self.assertRaises(JsonRpcException):
                self._call_kw(model, "write", [[record_id], values])
        with self.assertRaises(JsonRpcException):
            self._call_kw(
                "maintenance.contract.equipment.coverage",
                "create",
                [
                    {
                        "contract_id": self.contract.id,
                        "equipment_id": self.pcs[0].id,
                        "date_from": "2026-06-01",
                    }
                ],
            )
        self.assertFalse(coverage.date_to)
        self.assertEqual(len(self.contract.equipment_coverage_ids), 3)
