"""Fees billed per covered equipment: the coverage history, the quantity of a period prorated
by the days each equipment is covered (subtotal rounded, never the unit price), the minimum
quantity, the quantity frozen with the invoice, the adjustment of a period invoiced in
advance, the units listed on the invoice line and the recurring revenue."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .test_billing import BillingCommon
from .test_invoice_mentions import text_of


@tagged("post_install", "-at_install")
class TestBillingUnits(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workstation = cls.env.ref(
            "maintenance_contract_it.maintenance_contract_equipment_category_workstation"
        )
        cls.server = cls.env["maintenance.contract.equipment"].create(
            {
                "name": "SRV-01",
                "category": "server",
                "partner_id": cls.customer.id,
                "serial_number": "UNIT-SRV-01",
            }
        )

    def _workstations(self, count, first=1):
        return self.env["maintenance.contract.equipment"].create(
            [
                {
                    "name": f"PC-{number:03d}",
                    "category": "workstation",
                    "partner_id": self.customer.id,
                    "serial_number": f"UNIT-SN-{number:03d}",
                }
                for number in range(first, first + count)
            ]
        )

    def _unit_contract(
        self, equipment, price=25.0, in_advance=False, start="2027-03-01", **line_values
    ):
        """An active monthly calendar contract billing ``price`` per covered workstation."""
        contract = self._create_contract(
            date_start=start,
            billing_alignment="calendar",
            billing_in_advance=in_advance,
            equipment_ids=[Command.set(equipment.ids)],
            line_ids=[
                Command.create(
                    {
                        "product_id": self.fee_product.id,
                        "name": "Workstation support",
                        "quantity_mode": "equipment",
                        "equipment_category_ids": [Command.set(self.workstation.ids)],
                        "unit_label": "workstations",
                        "price_unit": price,
                        **line_values,
                    }
                )
            ],
        )
        contract.action_activate()
        return contract

    def _period(self, contract, day):
        return contract.period_ids.filtered(lambda p: p.date_start == day)

    # Coverage history

    def test_linking_equipment_records_the_coverage(self):
        pcs = self._workstations(2)
        contract = self._unit_contract(pcs)
        self.assertEqual(
            sorted(
                contract.equipment_coverage_ids.mapped(
                    lambda c: (c.equipment_id.name, c.date_from, c.date_to)
                )
            ),
            [("PC-001", date(2027, 3, 1), False), ("PC-002", date(2027, 3, 1), False)],
        )
        # removed on 11 March: covered until the 10th, logged on the contract
        contract.with_context(coverage_date=date(2027, 3, 11)).equipment_ids = [
            Command.unlink(pcs[1].id)
        ]
        coverage = contract.equipment_coverage_ids.filtered(lambda c: c.equipment_id == pcs[1])
        self.assertEqual(coverage.date_to, date(2027, 3, 10))
        self.assertIn(
            "Coverage of PC-002 (UNIT-SN-002) changed",
            "".join(contract.message_ids.mapped("body")),
        )
        # moved to another contract of the customer: no overlap
        other = self._unit_contract(self.env["maintenance.contract.equipment"])
        other.with_context(coverage_date=date(2027, 3, 11)).equipment_ids = [
            Command.link(pcs[1].id)
        ]
        self.assertEqual(other.equipment_coverage_ids.date_from, date(2027, 3, 11))

    def test_amendment_covers_from_its_effective_date(self):
        pcs = self._workstations(2)
        contract = self._unit_contract(pcs[:1])
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": contract.id,
                "date_effective": "2027-03-16",
                "reason": "One more workstation",
                "equipment_add_ids": [Command.set(pcs[1:].ids)],
            }
        )
        with freeze_time("2027-03-10"):
            amendment.action_confirm()
        # the job applies it a few days late: covered from its effective date all the same
        with freeze_time("2027-03-20"):
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
        self.assertEqual(amendment.state, "applied")
        coverage = contract.equipment_coverage_ids.filtered(lambda c: c.equipment_id == pcs[1])
        self.assertEqual(coverage.date_from, date(2027, 3, 16))
        move = self._invoice(contract, date(2027, 4, 1))
        # 25.00 + 25.00 × 16/31 = 25.00 + 12.90 = 37.90
        self.assertEqual(move.amount_untaxed, 37.9)

    def test_coverage_constraints(self):
        pcs = self._workstations(1)
        contract = self._unit_contract(pcs)
        other = self._unit_contract(self.env["maintenance.contract.equipment"])
        with self.assertRaisesRegex(ValidationError, "cannot be covered twice"):
            self.env["maintenance.contract.equipment.coverage"].create(
                {
                    "contract_id": other.id,
                    "equipment_id": pcs.id,
                    "date_from": date(2027, 4, 1),
                }
            )
        with self.assertRaisesRegex(ValidationError, "cannot end .* before it starts"):
            contract.equipment_coverage_ids.date_to = date(2027, 2, 1)

    def test_coverage_change_of_a_contract_in_force_needs_no_amendment(self):
        pcs = self._workstations(2)
        contract = self._unit_contract(pcs[:1])
        self.env["maintenance.contract.equipment.coverage"].with_user(self.user).create(
            {"contract_id": contract.id, "equipment_id": pcs[1].id, "date_from": date(2027, 3, 5)}
        )
        self.assertIn(pcs[1], contract.equipment_ids)
        message = contract.message_ids.filtered(lambda m: "Covered equipment added" in m.body)
        self.assertEqual(message.author_id, self.user.partner_id)

    # Quantity of a period

    def test_prorated_month_with_units_added_mid_month(self):
        pcs = self._workstations(14)
        contract = self._unit_contract(pcs[:12] | self.server)
        # 2 more workstations covered from 16 March (16 days of 31)
        self.env["maintenance.contract.equipment.coverage"].create(
            [
                {"contract_id": contract.id, "equipment_id": pc.id, "date_from": date(2027, 3, 16)}
                for pc in pcs[12:]
            ]
        )
        march = self._invoice(contract, date(2027, 4, 1))
        # 12 × 25.00 + 2 × 25.00 × 16/31 = 300.00 + 25.81 = 325.81 (the server is not counted)
        self.assertEqual(march.amount_untaxed, 325.81)
        line = march.invoice_line_ids
        self.assertEqual((line.quantity, line.price_unit), (1.0, 325.81))
        self.assertEqual(
            line.name, "Workstation support – 14 workstations – 03/01/2027 to 03/31/2027"
        )
        units = line.maintenance_unit_list.splitlines()
        self.assertEqual(len(units), 14)
        self.assertEqual(units[0], "PC-001 (S/N UNIT-SN-001)")
        self.assertEqual(units[13], "PC-014 (S/N UNIT-SN-014) – 16/31 days")
        self.assertTrue(line.tax_ids)
        period = self._period(contract, date(2027, 3, 1))
        self.assertEqual(period.amount_fee, 325.81)
        self.assertEqual(period.amount_fee_full, 325.81)
        april = self._invoice(contract, date(2027, 5, 1))
        # 14 × 25.00 = 350.00: the quantity is kept
        self.assertEqual(april.amount_untaxed, 350.0)
        self.assertEqual(
            (april.invoice_line_ids.quantity, april.invoice_line_ids.price_unit), (14.0, 25.0)
        )

    def test_recurring_revenue_follows_the_units_billed(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs[:2], start="2026-03-01")
        self.env["maintenance.contract.equipment.coverage"].create(
            {"contract_id": contract.id, "equipment_id": pcs[2].id, "date_from": date(2026, 3, 16)}
        )
        self._invoice(contract, date(2026, 5, 1))
        contract.with_context(coverage_date=date(2026, 5, 1)).equipment_ids = [
            Command.unlink(pcs[0].id)
        ]
        self._invoice(contract, date(2026, 6, 1))
        self.env.flush_all()
        rows = self.env["maintenance.contract.mrr.report"].search(
            [("contract_id", "=", contract.id), ("date", "<=", "2026-05-01")], order="date"
        )
        # March: 2 × 25.00 + 25.00 × 16/31 = 50.00 + 12.90 = 62.90; April: 3 × 25.00; May: 2
        self.assertEqual(
            [(r.date, r.mrr, r.movement) for r in rows],
            [
                (date(2026, 3, 1), 62.9, "new"),
                (date(2026, 4, 1), 75.0, "expansion"),
                (date(2026, 5, 1), 50.0, "contraction"),
            ],
        )

    def test_equipment_removed_mid_period(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs, price=30.0)
        contract.with_context(coverage_date=date(2027, 3, 11)).equipment_ids = [
            Command.unlink(pcs[2].id)
        ]
        move = self._invoice(contract, date(2027, 4, 1))
        # 2 × 30.00 + 30.00 × 10/31 = 60.00 + 9.68 = 69.68
        self.assertEqual(move.amount_untaxed, 69.68)
        self.assertIn("3 workstations", move.invoice_line_ids.name)
        self.assertIn(
            "PC-003 (S/N UNIT-SN-003) – 10/31 days", move.invoice_line_ids.maintenance_unit_list
        )

    def test_count_on_first_day(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs[:2])
        contract.unit_count_method = "first_day"
        self.env["maintenance.contract.equipment.coverage"].create(
            {"contract_id": contract.id, "equipment_id": pcs[2].id, "date_from": date(2027, 3, 16)}
        )
        move = self._invoice(contract, date(2027, 4, 1))
        # the two covered on 1 March: 2 × 25.00
        self.assertEqual(move.amount_untaxed, 50.0)

    def test_minimum_quantity(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs, min_quantity=5.0)
        move = self._invoice(contract, date(2027, 4, 1))
        # 3 covered, at least 5: 5 × 25.00 = 125.00
        self.assertEqual(move.amount_untaxed, 125.0)
        self.assertEqual(
            (move.invoice_line_ids.quantity, move.invoice_line_ids.price_unit), (5.0, 25.0)
        )
        self.assertIn("5 workstations (minimum quantity, 3.00 counted)", move.invoice_line_ids.name)

    def test_quantity_frozen_when_invoiced(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs[:2])
        self._invoice(contract, date(2027, 4, 1))
        march = self._period(contract, date(2027, 3, 1))
        self.assertEqual(march.amount_fee, 50.0)
        # a workstation recorded late, covered from 20 March: March's invoice is not redone
        self.env["maintenance.contract.equipment.coverage"].create(
            {"contract_id": contract.id, "equipment_id": pcs[2].id, "date_from": date(2027, 3, 20)}
        )
        self.assertEqual(contract._get_fee_quantity(march._get_fee_lines_in_force()[0], march), 2.0)
        self.assertEqual(march.amount_fee, 50.0)
        with self.assertRaises(UserError):
            march.with_user(self.accountant).unit_snapshot = False

    def test_fee_correction_of_a_per_unit_line_corrects_its_minimum(self):
        """A line billed per covered equipment counts its quantity from the coverage: the
        Correct Fees wizard shows it read-only and refuses a change (RPC), and corrects its
        minimum."""
        self.manager.lang = "en_US"
        contract = self._unit_contract(self._workstations(2), min_quantity=3.0)
        fee = contract.line_ids
        # 2 workstations covered, at least 3: 3 × 25.00 = 75.00
        self.assertEqual(fee.price_subtotal, 75.0)
        action = contract.with_user(self.manager).action_open_fee_correction_wizard()
        Wizard = self.env[action["res_model"]].with_user(self.manager)
        wizard_form = Form(Wizard.with_context(**action["context"]))
        wizard_form.reason = "Minimum agreed at 4"
        with wizard_form.line_ids.edit(0) as line:
            with self.assertRaisesRegex(AssertionError, "readonly"):
                line.quantity = 10
            line.min_quantity = 4
        wizard_form.save().action_apply()
        self.assertEqual(fee.min_quantity, 4.0)
        # 4 × 25.00 = 100.00
        self.assertEqual(fee.price_subtotal, 100.0)
        self.assertIn(
            "Workstation support, Minimum Quantity: 3.00 → 4.00",
            text_of(contract.message_ids[0].body),
        )
        wizard = Wizard.create(
            {
                "contract_id": contract.id,
                "reason": "Over RPC",
                "line_ids": [
                    Command.create(
                        {
                            "contract_line_id": fee.id,
                            "price_unit": 25.0,
                            "quantity": 10.0,
                            "min_quantity": 4.0,
                            "tax_ids": [Command.set(fee.tax_ids.ids)],
                        }
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "counted from its units"):
            wizard.action_apply()
        self.assertEqual(fee.quantity, 1.0)

    def test_template_copies_the_quantity_mode(self):
        template_line = self.template.line_ids[:1]
        template_line.write(
            {
                "quantity_mode": "equipment",
                "equipment_category_ids": [Command.set(self.workstation.ids)],
                "min_quantity": 4.0,
                "unit_label": "workstations",
            }
        )
        contract = self._create_contract()
        line = contract.line_ids.filtered(lambda fee: fee.name == template_line.name)[:1]
        self.assertEqual(line.quantity_mode, "equipment")
        self.assertEqual(line.equipment_category_ids, self.workstation)
        self.assertEqual(line.min_quantity, 4.0)
        self.assertEqual(line.unit_label, "workstations")

    def test_quantity_mode_frozen_on_a_contract_in_force(self):
        contract = self._unit_contract(self._workstations(1))
        with self.assertRaises(UserError):
            contract.line_ids.with_user(self.manager).min_quantity = 3.0

    def test_forecast_of_the_next_period(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs[:2])
        self.env["maintenance.contract.equipment.coverage"].create(
            {"contract_id": contract.id, "equipment_id": pcs[2].id, "date_from": date(2027, 3, 16)}
        )
        contract.invalidate_recordset()
        forecast = contract.with_user(self.manager)
        # March, counted today: 2 × 25.00 + 25.00 × 16/31 = 50.00 + 12.90 = 62.90
        self.assertEqual(forecast.next_invoice_amount, 62.9)
        self.assertRegex(
            forecast.next_invoice_units, r"^Workstation support: 3 workstations – .*62[.,]90$"
        )
        self._invoice(contract, date(2027, 4, 1))
        contract.invalidate_recordset()
        self.assertEqual(forecast.next_invoice_amount, 75.0)

    # The line's amounts follow its units (billed quantity of today)

    def _lefevre_like(self, equipment, start="2027-03-01", **line_values):
        """Like the demo's Cabinet Lefèvre: 25.00 per covered workstation or laptop, plus
        2 × 15.00 and 45.00 of fixed fees (the server is not counted)."""
        laptop = self.env.ref(
            "maintenance_contract_it.maintenance_contract_equipment_category_laptop"
        )
        contract = self._unit_contract(
            equipment | self.server,
            start=start,
            equipment_category_ids=[Command.set((self.workstation | laptop).ids)],
            **line_values,
        )
        self._add_fixed_lines(contract)
        return contract

    def _add_fixed_lines(self, contract):
        self.env["maintenance.contract.line"].sudo().create(
            [
                {
                    "contract_id": contract.id,
                    "name": "Backup monitoring",
                    "quantity": 2.0,
                    "price_unit": 15.0,
                },
                {
                    "contract_id": contract.id,
                    "name": "Firewall",
                    "quantity": 1.0,
                    "price_unit": 45.0,
                },
            ]
        )

    def test_contract_amount_follows_the_covered_units(self):
        pcs = self._workstations(5)
        pcs[3].category = "laptop"
        contract = self._lefevre_like(pcs[:4])
        line = contract.line_ids.filtered(lambda fee: fee.quantity_mode == "equipment")
        # 4 covered (3 workstations, 1 laptop; not the server), whatever the line's quantity
        self.assertEqual(line.quantity, 1.0)
        self.assertEqual((line.billed_quantity, line.covered_unit_count), (4.0, 4.0))
        self.assertEqual(line.price_subtotal, 100.0)
        # 4 × 25.00 + 2 × 15.00 + 45.00 = 100.00 + 30.00 + 45.00 = 175.00
        self.assertEqual(contract.amount_period, 175.0)
        self.assertEqual(contract.amount_yearly, 2100.0)
        # the SLA penalty is capped at 10 % of it: 17.50
        self.assertEqual(contract.sla_policy_id.penalty_cap_percent, 10.0)
        penalties = contract._get_sla_penalties(date(2027, 3, 1), date(2027, 3, 31))
        self.assertEqual(penalties["cap"], 17.5)
        # a workstation covered from the start: 5 × 25.00 + 75.00 = 200.00
        self.env["maintenance.contract.equipment.coverage"].create(
            {"contract_id": contract.id, "equipment_id": pcs[4].id, "date_from": date(2027, 3, 1)}
        )
        self.assertEqual(line.billed_quantity, 5.0)
        self.assertEqual(contract.amount_period, 200.0)
        self.assertEqual(
            contract._get_sla_penalties(date(2027, 3, 1), date(2027, 3, 31))["cap"], 20.0
        )
        # one removed: 4 × 25.00 + 75.00 = 175.00 again
        contract.with_context(coverage_date=date(2027, 3, 1)).equipment_ids = [
            Command.unlink(pcs[0].id)
        ]
        self.assertEqual(contract.amount_period, 175.0)
        # invoiced amounts are the periods' own: March bills 4 × 25.00 + 75.00
        march = self._invoice(contract, date(2027, 4, 1))
        self.assertEqual(march.amount_untaxed, 175.0)

    def test_contract_form_amount_of_a_line_billed_per_unit(self):
        pcs = self._workstations(3)
        contract = self._create_contract(
            date_start="2027-03-01", equipment_ids=[Command.set(pcs.ids)], line_ids=[]
        )
        with Form(contract) as form, form.line_ids.new() as line:
            line.name = "Workstation support"
            line.quantity_mode = "equipment"
            line.price_unit = 25.0
            # the 3 covered workstations: 3 × 25.00 = 75.00, before saving
            self.assertEqual(line.price_subtotal, 75.0)
        self.assertEqual(contract.amount_period, 75.0)

    def test_contract_amount_follows_the_day(self):
        """A coverage starting on a day to come counts from that day: the daily job
        recomputes the amount (no write happens that day)."""
        pcs = self._workstations(5)
        contract = self._lefevre_like(pcs[:4])
        self.env["maintenance.contract.equipment.coverage"].create(
            {"contract_id": contract.id, "equipment_id": pcs[4].id, "date_from": date(2027, 3, 16)}
        )
        # counted on the contract's first day, 1 March: 4 × 25.00 + 75.00
        self.assertEqual(contract.amount_period, 175.0)
        with freeze_time("2027-03-16"):
            self.env["maintenance.contract.line"]._cron_refresh_billed_quantity()
        # from 16 March: 5 × 25.00 + 75.00 = 200.00
        self.assertEqual(contract.amount_period, 200.0)

    def test_contract_amount_minimum_quantity(self):
        contract = self._lefevre_like(self._workstations(3), min_quantity=5.0)
        line = contract.line_ids.filtered(lambda fee: fee.quantity_mode == "equipment")
        # 3 covered, at least 5: 5 × 25.00 = 125.00; + 75.00 = 200.00
        self.assertEqual(line.covered_unit_count, 3.0)
        self.assertEqual(line.billed_quantity, 5.0)
        self.assertEqual(contract.amount_period, 200.0)

    def test_recurring_revenue_of_months_without_period(self):
        pcs = self._workstations(4)
        contract = self._lefevre_like(pcs, start="2026-01-01")
        self.assertFalse(contract.period_ids)
        self.env.flush_all()
        rows = self.env["maintenance.contract.mrr.report"].search(
            [("contract_id", "=", contract.id), ("date", "<=", "2026-02-01")], order="date"
        )
        # no period yet: the contract's amount, 4 × 25.00 + 75.00 = 175.00 a month
        self.assertEqual(
            [(r.date, r.mrr, r.arr) for r in rows],
            [(date(2026, 1, 1), 175.0, 2100.0), (date(2026, 2, 1), 175.0, 2100.0)],
        )

    # Amendments choosing the quantity mode

    def _amend_lines(self, contract, day, lines):
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": contract.id,
                "date_effective": day,
                "reason": "Billed per workstation",
                "line_ids": [Command.create(values) for values in lines],
            }
        )
        with freeze_time("2027-03-10"):
            amendment.action_confirm()
        with freeze_time(day):
            self.env["maintenance.contract.amendment"]._cron_apply_amendments()
        self.assertEqual(amendment.state, "applied")
        return amendment

    def test_amendment_switches_a_fixed_line_to_per_workstation(self):
        pcs = self._workstations(4)
        contract = self._unit_contract(pcs, quantity_mode="fixed", quantity=3.0)
        # the changes are written in the language of the account manager
        self.manager.lang = "en_US"
        contract.user_id = self.manager
        line = contract.line_ids
        self.assertEqual(contract.amount_period, 75.0)
        amendment = self._amend_lines(
            contract,
            "2027-04-01",
            [
                {
                    "operation": "update",
                    "contract_line_id": line.id,
                    "quantity": 1.0,
                    "price_unit": 25.0,
                    "quantity_mode": "equipment",
                    "equipment_category_ids": [Command.set(self.workstation.ids)],
                    "unit_label": "workstations",
                }
            ],
        )
        self.assertEqual(line.quantity_mode, "equipment")
        self.assertEqual(line.equipment_category_ids, self.workstation)
        self.assertEqual(amendment.line_ids.fee_line_before["quantity_mode"], "fixed")
        self.assertEqual(
            [(c.old_value, c.new_value) for c in amendment.change_ids],
            [("3 × 25.00", "25.00 × Per covered equipment")],
        )
        # 4 × 25.00 from now on
        self.assertEqual(contract.amount_period, 100.0)
        march = self._invoice(contract, date(2027, 4, 1))
        # March, before the effective date: the fixed quantity, 3 × 25.00 = 75.00
        self.assertEqual(march.amount_untaxed, 75.0)
        self.assertEqual(
            (march.invoice_line_ids.quantity, march.invoice_line_ids.price_unit), (3.0, 25.0)
        )
        self.assertNotIn("workstations", march.invoice_line_ids.name)
        april = self._invoice(contract, date(2027, 5, 1))
        # April: per covered workstation, 4 × 25.00 = 100.00
        self.assertEqual(april.amount_untaxed, 100.0)
        self.assertIn("4 workstations", april.invoice_line_ids.name)
        self.assertEqual(len(april.invoice_line_ids.maintenance_unit_list.splitlines()), 4)

    def test_amendment_adds_a_per_unit_line(self):
        pcs = self._workstations(4)
        contract = self._create_contract(
            date_start="2027-03-01",
            billing_alignment="calendar",
            billing_in_advance=False,
            equipment_ids=[Command.set(pcs.ids)],
            line_ids=[Command.create({"name": "Firewall", "quantity": 1.0, "price_unit": 45.0})],
        )
        contract.action_activate()
        self._amend_lines(
            contract,
            "2027-04-01",
            [
                {
                    "operation": "add",
                    "name": "Workstation support",
                    "product_id": self.fee_product.id,
                    "price_unit": 25.0,
                    "quantity_mode": "equipment",
                    "equipment_category_ids": [Command.set(self.workstation.ids)],
                    "min_quantity": 5.0,
                    "unit_label": "workstations",
                }
            ],
        )
        added = contract.line_ids.filtered(lambda fee: fee.quantity_mode == "equipment")
        self.assertEqual((added.min_quantity, added.unit_label), (5.0, "workstations"))
        # 45.00 + at least 5 × 25.00 (4 covered) = 45.00 + 125.00 = 170.00
        self.assertEqual(contract.amount_period, 170.0)
        march = self._invoice(contract, date(2027, 4, 1))
        self.assertEqual(march.amount_untaxed, 45.0)
        april = self._invoice(contract, date(2027, 5, 1))
        self.assertEqual(april.amount_untaxed, 170.0)

    def test_amendment_line_copies_the_quantity_mode(self):
        contract = self._unit_contract(self._workstations(2), min_quantity=3.0)
        line = contract.line_ids
        amendment = self.env["maintenance.contract.amendment"].create(
            {"contract_id": contract.id, "date_effective": "2027-04-01", "reason": "New price"}
        )
        with Form(amendment) as form, form.line_ids.new() as change:
            change.operation = "update"
            change.contract_line_id = line
            self.assertEqual(change.quantity_mode, "equipment")
            self.assertEqual(change.min_quantity, 3.0)
            self.assertEqual(change.unit_label, "workstations")
            change.price_unit = 27.0
        self.assertEqual(amendment.line_ids.equipment_category_ids, self.workstation)
        # made by code without the mode: the line's is kept, never reset to a fixed quantity
        by_code = self.env["maintenance.contract.amendment.line"].create(
            {
                "amendment_id": amendment.id,
                "operation": "update",
                "contract_line_id": line.id,
                "price_unit": 28.0,
            }
        )
        self.assertEqual(
            (by_code.quantity_mode, by_code.equipment_category_ids, by_code.min_quantity),
            ("equipment", self.workstation, 3.0),
        )

    # Invoiced in advance

    def test_in_advance_adjusts_the_previous_period(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs[:2], in_advance=True)
        march = self._invoice(contract, date(2027, 3, 1))
        # billed with the workstations covered on 1 March: 2 × 25.00
        self.assertEqual(march.amount_untaxed, 50.0)
        Coverage = self.env["maintenance.contract.equipment.coverage"]
        Coverage.create(
            {"contract_id": contract.id, "equipment_id": pcs[2].id, "date_from": date(2027, 3, 16)}
        )
        contract.equipment_coverage_ids.filtered(lambda c: c.equipment_id == pcs[1]).date_to = date(
            2027, 3, 21
        )
        april = self._invoice(contract, date(2027, 4, 1))
        fee, adjustment = april.invoice_line_ids.sorted("sequence")
        # April: PC-001 and PC-003 covered on 1 April: 2 × 25.00
        self.assertEqual(fee.price_subtotal, 50.0)
        # March: +PC-003 16 days, -PC-002 10 days: 25.00 × 6/31 = 4.84
        self.assertEqual(adjustment.price_subtotal, 4.84)
        self.assertEqual(
            adjustment.name,
            "Workstation support – Adjustment 03/01/2027 to 03/31/2027: "
            "-PC-002 (10 days), +PC-003 (16 days)",
        )
        self.assertEqual(april.amount_untaxed, 54.84)
        self.assertTrue(adjustment.tax_ids)
        # done once: May has nothing to adjust for April
        may = self._invoice(contract, date(2027, 5, 1))
        self.assertEqual(may.amount_untaxed, 50.0)

    # Coverage changed after the period was invoiced (back-dated)

    def test_back_dated_coverage_adjusts_an_invoiced_period_in_arrears(self):
        pcs = self._workstations(4)
        contract = self._unit_contract(pcs[:2])
        march = self._invoice(contract, date(2027, 4, 1))
        self.assertEqual(march.amount_untaxed, 50.0)
        # entered on 10 April: two workstations covered since 16 March
        with freeze_time("2027-04-10"):
            self.env["maintenance.contract.equipment.coverage"].create(
                [
                    {
                        "contract_id": contract.id,
                        "equipment_id": pc.id,
                        "date_from": date(2027, 3, 16),
                    }
                    for pc in pcs[2:]
                ]
            )
        march_period = self._period(contract, date(2027, 3, 1))
        self.assertTrue(march_period.units_changed)
        april = self._invoice(contract, date(2027, 5, 1))
        fee, adjustment = april.invoice_line_ids.sorted("sequence")
        # April: 4 × 25.00 = 100.00
        self.assertEqual(fee.price_subtotal, 100.0)
        # March: 2 workstations × 25.00 × 16/31 = 25.81
        self.assertEqual(adjustment.price_subtotal, 25.81)
        self.assertEqual(
            adjustment.name,
            "Workstation support – Adjustment 03/01/2027 to 03/31/2027: "
            "+PC-003 (16 days), +PC-004 (16 days)",
        )
        self.assertEqual(april.amount_untaxed, 125.81)
        self.assertFalse(march_period.units_changed)
        # the invoice of March is kept as it was
        self.assertEqual(march_period.amount_fee, 50.0)
        # adjusted once: May bills May only
        may = self._invoice(contract, date(2027, 6, 1))
        self.assertEqual(may.amount_untaxed, 100.0)
        self.assertEqual(len(may.invoice_line_ids), 1)

    def test_back_dated_removal_in_advance_is_a_negative_line(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs, in_advance=True)
        self._invoice(contract, date(2027, 3, 1))
        april = self._invoice(contract, date(2027, 4, 1))
        # nothing changed in March: 3 × 25.00, no adjustment
        self.assertEqual(april.amount_untaxed, 75.0)
        # entered on 10 April: PC-003 was removed on 16 March (covered until the 15th)
        with freeze_time("2027-04-10"):
            contract.equipment_coverage_ids.filtered(
                lambda c: c.equipment_id == pcs[2]
            ).date_to = date(2027, 3, 15)
        may = self._invoice(contract, date(2027, 5, 1))
        fee, march_adj, april_adj = may.invoice_line_ids.sorted("sequence")
        # May: 2 × 25.00 = 50.00
        self.assertEqual(fee.price_subtotal, 50.0)
        # March billed 3 in advance, covered 2 + 15/31: -25.00 × 16/31 = -12.90
        self.assertEqual(march_adj.price_subtotal, -12.9)
        self.assertIn("Adjustment 03/01/2027 to 03/31/2027: -PC-003 (16 days)", march_adj.name)
        # April billed 3, covered 2: -25.00 × 30/30 = -25.00
        self.assertEqual(april_adj.price_subtotal, -25.0)
        self.assertIn("Adjustment 04/01/2027 to 04/30/2027: -PC-003 (30 days)", april_adj.name)
        # a product line of a negative amount on the customer invoice (a credit line, like
        # the SLA credit), its taxes lowering the tax too: 50.00 - 12.90 - 25.00 = 12.10
        self.assertEqual(march_adj.quantity, 1.0)
        self.assertEqual(march_adj.price_unit, -12.9)
        self.assertTrue(march_adj.tax_ids)
        self.assertEqual(may.move_type, "out_invoice")
        self.assertEqual(may.amount_untaxed, 12.1)
        # VAT 20 % of the total: 12.10 × 20 % = 2.42
        self.assertEqual(may.amount_tax, 2.42)
        self.assertEqual(may.amount_total, 14.52)
        may.action_post()
        self.assertEqual((may.state, may.amount_residual), ("posted", 14.52))
        self.assertEqual(self._period(contract, date(2027, 5, 1)).amount_fee, 12.1)
        # adjusted once: June bills June only
        june = self._invoice(contract, date(2027, 6, 1))
        self.assertEqual(june.amount_untaxed, 50.0)

    def test_removals_worth_more_than_the_fees_make_a_credit_note(self):
        pcs = self._workstations(2)
        contract = self._unit_contract(pcs, in_advance=True)
        self._invoice(contract, date(2027, 3, 1))
        self.assertEqual(self._invoice(contract, date(2027, 4, 1)).amount_untaxed, 50.0)
        # entered on 10 April: both PCs left after 1 March (covered that day only)
        with freeze_time("2027-04-10"):
            contract.equipment_coverage_ids.date_to = date(2027, 3, 1)
        credit = self._invoice(contract, date(2027, 5, 1))
        # May bills 0 units; March billed 2 in advance, covered 2 × 1/31 day:
        # -2 × 25.00 × 30/31 = -48.39; April billed 2, covered none: -50.00;
        # 0.00 - 48.39 - 50.00 = -98.39: a credit note of 98.39, not a negative invoice
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.invoice_date, date(2027, 5, 1))
        self.assertEqual(credit.amount_untaxed, 98.39)
        # VAT 20 %: 48.39 × 20 % = 9.68 and 50.00 × 20 % = 10.00
        self.assertEqual(credit.amount_tax, 19.68)
        lines = credit.invoice_line_ids.filtered("price_subtotal").sorted("price_subtotal")
        self.assertEqual(lines.mapped("price_subtotal"), [48.39, 50.0])
        self.assertIn(
            "Adjustment 03/01/2027 to 03/31/2027: -PC-001 (30 days), -PC-002 (30 days)",
            lines[0].name,
        )
        self.assertTrue(all(line.tax_ids for line in lines))
        may = self._period(contract, date(2027, 5, 1))
        self.assertEqual((may.move_id, may.amount_fee), (credit, -98.39))
        # Odoo posts it (an invoice of a negative total it refuses)
        credit.action_post()
        self.assertEqual((credit.state, credit.amount_residual), ("posted", 118.07))
        # adjusted once: June bills June only (nothing covered)
        june = self._invoice(contract, date(2027, 6, 1))
        self.assertEqual((june.move_type, june.amount_untaxed), ("out_invoice", 0.0))

    def test_second_back_dated_change_counts_the_first_adjustment(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs[:2])
        self._invoice(contract, date(2027, 4, 1))
        Coverage = self.env["maintenance.contract.equipment.coverage"]
        with freeze_time("2027-04-10"):
            coverage = Coverage.create(
                {
                    "contract_id": contract.id,
                    "equipment_id": pcs[2].id,
                    "date_from": date(2027, 3, 16),
                }
            )
        april = self._invoice(contract, date(2027, 5, 1))
        # April 3 × 25.00 = 75.00; March +25.00 × 16/31 = 12.90
        self.assertEqual(april.amount_untaxed, 87.9)
        # corrected on 10 May: PC-003 was covered from 26 March only
        with freeze_time("2027-05-10"):
            coverage.date_from = date(2027, 3, 26)
        may = self._invoice(contract, date(2027, 6, 1))
        fee, adjustment = may.invoice_line_ids.sorted("sequence")
        self.assertEqual(fee.price_subtotal, 75.0)
        # March now 2 + 6/31, billed 2 + 16/31: -25.00 × 10/31 = -8.06 (not -12.90 again)
        self.assertEqual(adjustment.price_subtotal, -8.06)
        self.assertIn("-PC-003 (10 days)", adjustment.name)
        self.assertEqual(may.amount_untaxed, 66.94)

    def test_cancelled_adjusting_invoice_adjusts_again(self):
        pcs = self._workstations(3)
        contract = self._unit_contract(pcs[:2])
        self._invoice(contract, date(2027, 4, 1))
        self.env["maintenance.contract.equipment.coverage"].create(
            {"contract_id": contract.id, "equipment_id": pcs[2].id, "date_from": date(2027, 3, 16)}
        )
        april = self._invoice(contract, date(2027, 5, 1))
        self.assertEqual(april.amount_untaxed, 87.9)
        april.button_cancel()
        self.assertEqual(april.state, "cancel")
        again = self._invoice(contract, date(2027, 5, 2))
        # 75.00 + 12.90: the adjustment of March is made again
        self.assertEqual(again.amount_untaxed, 87.9)

    # At any size

    def test_query_count_per_invoice_of_unit_contracts(self):
        """The coverage of a batch of contracts billed per covered equipment, the periods
        their invoices adjust (in advance: the previous period of each) and what former
        adjustments billed are read for the batch, not per invoice."""

        def run(count, first):
            contracts = self.env["maintenance.contract"]
            for index in range(count):
                contracts |= self._unit_contract(
                    self._workstations(3, first=first + 3 * index), in_advance=True
                )
            # March invoiced first: April's invoices look at it for their adjustment
            contracts._billing_run(date(2027, 3, 1))
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            moves = contracts._billing_run(date(2027, 4, 1))
            self.env.flush_all()
            self.assertEqual(len(moves), count)
            # 3 workstations × 25.00, nothing to adjust
            self.assertEqual(set(moves.mapped("amount_untaxed")), {75.0})
            return self.cr.sql_log_count - start

        small, large = run(5, 1), run(20, 100)
        message = f"{small} queries for 5 contracts, {large} for 20"
        # one contract more: Odoo's invoice sequence, the SLA penalties of its month over
        # (read per contract) and the write of its period's units (about 4 queries; 10 when
        # the adjustments were read per invoice)
        self.assertLessEqual((large - small) / 15, 4, message)
