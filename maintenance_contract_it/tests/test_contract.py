from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import MaintenanceContractCommon


@tagged("post_install", "-at_install")
class TestContract(MaintenanceContractCommon):
    def test_reference_from_sequence(self):
        contract = self._create_contract()
        self.assertTrue(contract.name.startswith("MC/2026/"), contract.name)
        other = self._create_contract()
        self.assertNotEqual(contract.name, other.name)

    def test_end_date_from_initial_term(self):
        contract = self._create_contract(date_start="2026-01-31", initial_term=1)
        self.assertEqual(str(contract.date_end), "2026-02-27")

    def test_end_before_start_refused(self):
        contract = self._create_contract()
        with self.assertRaisesRegex(ValidationError, "cannot end"):
            contract.date_end = "2025-12-01"
