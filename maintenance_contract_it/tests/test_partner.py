from odoo import Command
from odoo.tests import tagged

from .common import MaintenanceContractCommon


@tagged("post_install", "-at_install")
class TestPartnerSmartButtons(MaintenanceContractCommon):
    """The contracts and equipment smart buttons of a customer and of its contacts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.equipment_company = cls.env["maintenance.contract.equipment"].create(
            {"name": "Server", "partner_id": cls.customer.id, "category": "server"}
        )
        cls.equipment_contact = cls.env["maintenance.contract.equipment"].create(
            {"name": "Claire's laptop", "partner_id": cls.customer_contact.id, "category": "laptop"}
        )
        cls.contracts = (
            cls._create_contract(equipment_ids=[Command.set(cls.equipment_company.ids)])
            | cls._create_active_contract()
        )
        other = cls.env["res.partner"].create({"name": "Other customer", "is_company": True})
        cls._create_contract(partner_id=other.id)
        cls.env["maintenance.contract.equipment"].create({"name": "Other", "partner_id": other.id})

    def test_counts(self):
        for partner in (self.customer, self.customer_contact):
            partner = partner.with_user(self.user)
            self.assertEqual(partner.maintenance_contract_count, 2, partner.name)
            self.assertEqual(partner.maintenance_equipment_count, 2, partner.name)
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_company": True})
        self.assertEqual(newcomer.maintenance_contract_count, 0)
        self.assertEqual(newcomer.maintenance_equipment_count, 0)

    def test_contracts_action(self):
        action = self.customer_contact.with_user(self.user).action_view_maintenance_contracts()
        self.assertEqual(action["res_model"], "maintenance.contract")
        self.assertEqual(self.env["maintenance.contract"].search(action["domain"]), self.contracts)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    def test_equipment_action(self):
        action = self.customer.with_user(self.user).action_view_maintenance_equipment()
        self.assertEqual(action["res_model"], "maintenance.contract.equipment")
        self.assertEqual(
            self.env["maintenance.contract.equipment"].search(action["domain"]),
            self.equipment_company | self.equipment_contact,
        )
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    def test_buttons_in_partner_form(self):
        arch = self.env["res.partner"].with_user(self.user).get_views([(False, "form")])
        arch = arch["views"]["form"]["arch"]
        self.assertIn("action_view_maintenance_contracts", arch)
        self.assertIn("action_view_maintenance_equipment", arch)
        plain = self.env["res.partner"].with_user(
            self.env["res.users"].create(
                {
                    "name": "No contracts",
                    "login": "mcit_plain",
                    "groups_id": [Command.set(self.env.ref("base.group_user").ids)],
                }
            )
        )
        self.assertNotIn(
            "action_view_maintenance_contracts",
            plain.get_views([(False, "form")])["views"]["form"]["arch"],
        )
