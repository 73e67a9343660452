from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import MaintenanceContractCommon


@tagged("post_install", "-at_install")
class TestContract(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.equipment = cls.env["maintenance.contract.equipment"].create(
            {"name": "Accounting server", "partner_id": cls.customer.id, "serial_number": "SRV-1"}
        )

    def test_reference_from_sequence(self):
        contract = self._create_contract()
        self.assertTrue(contract.name.startswith("MC/2026/"), contract.name)
        other = self._create_contract()
        self.assertNotEqual(contract.name, other.name)

    def test_reference_year_of_start_date(self):
        contract = self._create_contract(date_start="2027-03-01")
        self.assertTrue(contract.name.startswith("MC/2027/"), contract.name)

    def test_reference_not_copied(self):
        contract = self._create_contract()
        copy = contract.copy()
        self.assertNotEqual(copy.name, contract.name)
        self.assertTrue(copy.name.startswith("MC/"), copy.name)

    def test_end_date_from_initial_term(self):
        contract = self._create_contract(
            date_start="2026-01-31", initial_term=1, notice_period=15, notice_period_unit="day"
        )
        self.assertEqual(str(contract.date_end), "2026-02-27")

    def test_amounts(self):
        contract = self._create_contract(billing_frequency="quarterly")
        self.assertEqual(contract.amount_period, 250.0)
        self.assertEqual(contract.amount_yearly, 1000.0)

    def test_end_before_start_refused(self):
        contract = self._create_contract()
        with self.assertRaisesRegex(
            ValidationError, r"cannot end \(2025-12-01\) before it starts \(2026-01-01\)"
        ):
            contract.date_end = "2025-12-01"

    def test_negative_quantity_refused(self):
        with self.assertRaisesRegex(
            ValidationError, "The quantity of a fee line cannot be negative"
        ):
            self._create_contract(
                line_ids=[Command.create({"name": "Fee", "quantity": -1, "price_unit": 10})]
            )

    def test_negative_price_refused(self):
        contract = self._create_contract()
        with self.assertRaisesRegex(
            ValidationError, "The unit price of a fee line cannot be negative"
        ):
            contract.line_ids.price_unit = -5

    def test_initial_term_positive(self):
        with self.assertRaisesRegex(ValidationError, "The initial term must be positive"):
            self._create_contract(initial_term=0)

    def test_renewal_term_positive(self):
        contract = self._create_contract()
        with self.assertRaisesRegex(ValidationError, "The renewal term must be positive"):
            contract.renewal_term = -12

    def test_notice_period_not_negative(self):
        with self.assertRaisesRegex(ValidationError, "The notice period cannot be negative"):
            self._create_contract(notice_period=-1)

    def test_template_terms_positive(self):
        # the template shares the checks (and messages) of the contract's terms
        with self.assertRaisesRegex(ValidationError, "The renewal term must be positive"):
            self.template.renewal_term = 0

    def test_customer_of_another_company_refused(self):
        other_company = self.env["res.company"].create({"name": "Other provider (test)"})
        foreign = self.env["res.partner"].create(
            {"name": "Foreign customer", "is_company": True, "company_id": other_company.id}
        )
        # Odoo's own message, in the database's language: check it names the customer.
        with self.assertRaisesRegex(UserError, "Foreign customer"):
            self._create_contract(partner_id=foreign.id)

    def test_equipment_of_another_customer_refused(self):
        other = self.env["res.partner"].create({"name": "Other customer", "is_company": True})
        equipment = self.env["maintenance.contract.equipment"].create(
            {"name": "Printer", "partner_id": other.id}
        )
        with self.assertRaisesRegex(
            ValidationError,
            "The equipment Printer does not belong to the customer Durand Industries",
        ):
            self._create_contract(equipment_ids=[Command.set(equipment.ids)])

    def test_equipment_of_a_customer_contact_accepted(self):
        equipment = self.env["maintenance.contract.equipment"].create(
            {"name": "Laptop", "partner_id": self.customer_contact.id}
        )
        contract = self._create_contract(equipment_ids=[Command.set(equipment.ids)])
        self.assertEqual(contract.equipment_ids, equipment)

    def test_equipment_covered_by_one_active_contract(self):
        first = self._create_contract(equipment_ids=[Command.set(self.equipment.ids)])
        second = self._create_contract(equipment_ids=[Command.set(self.equipment.ids)])
        # Several draft contracts may cover the same equipment.
        self._activate(first)
        self.assertEqual(self.equipment.active_contract_id, first)
        with self.assertRaisesRegex(
            ValidationError,
            r"The equipment Accounting server \(SRV-1\) is already covered by the active "
            rf"contract {first.name}",
        ):
            self._activate(second)

    def test_equipment_added_to_active_contract_refused(self):
        first = self._create_contract(equipment_ids=[Command.set(self.equipment.ids)])
        self._activate(first)
        second = self._create_contract()
        self._activate(second)
        with self.assertRaisesRegex(ValidationError, "already covered by the active contract"):
            second.equipment_ids = [Command.link(self.equipment.id)]

    def test_equipment_covered_again_after_expiry(self):
        first = self._create_contract(equipment_ids=[Command.set(self.equipment.ids)])
        self._activate(first)
        first._expire()
        second = self._create_contract(equipment_ids=[Command.set(self.equipment.ids)])
        self._activate(second)
        self.assertEqual(self.equipment.active_contract_id, second)
