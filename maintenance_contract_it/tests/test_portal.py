from unittest.mock import patch
from urllib.parse import urlparse

from odoo import Command
from odoo.addons.maintenance_contract_it.controllers.main import (
    REPORT_XMLID,
    MaintenanceContractPortal,
)
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MaintenanceContractCommon


@tagged("post_install", "-at_install")
class TestPortal(MaintenanceContractCommon, HttpCase):
    """The customer's contract pages on /my/contracts, as a real portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.equipment = cls.env["maintenance.contract.equipment"].create(
            {
                "name": "Reception workstation",
                "partner_id": cls.customer.id,
                "serial_number": "SN-PORTAL-42",
            }
        )
        cls.contract = cls._create_active_contract(
            title="Workstations of the head office",
            equipment_ids=[Command.set(cls.equipment.ids)],
        )
        cls.contract_old = cls._activate(
            cls._create_contract(date_start="2024-01-01", title="Previous contract")
        )
        cls.contract_old._expire()
        cls.contract_draft = cls._create_contract(title="Proposal in progress")
        customer_b = cls.env["res.partner"].create({"name": "Customer B", "is_company": True})
        cls.contract_b = cls._create_active_contract(
            partner_id=customer_b.id, title="Contract of B"
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="mcit_portal",
            password="mcit_portal",
            groups="base.group_portal",
            name=cls.customer_contact.name,
            email=cls.customer_contact.email,
            partner_id=cls.customer_contact.id,
        )

    def setUp(self):
        super().setUp()
        self.authenticate("mcit_portal", "mcit_portal")

    def test_contract_list(self):
        response = self.url_open("/my/contracts")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.contract.name, response.text)
        self.assertIn(self.contract_old.name, response.text)
        self.assertNotIn(self.contract_b.name, response.text)
        self.assertNotIn(self.contract_draft.name, response.text)

    def test_contract_list_sorted_and_paged(self):
        names = sorted([self.contract.name, self.contract_old.name], reverse=True)
        text = self.url_open("/my/contracts?sortby=name").text
        self.assertLess(text.index(names[0]), text.index(names[1]))
        with patch.object(MaintenanceContractPortal, "_items_per_page", 1):
            first = self.url_open("/my/contracts?sortby=name").text
            second = self.url_open("/my/contracts/page/2?sortby=name").text
        self.assertIn(names[0], first)
        self.assertNotIn(names[1], first)
        self.assertIn(names[1], second)
        self.assertIn("/my/contracts/page/2", first)

    def test_contract_page(self):
        response = self.url_open(f"/my/contracts/{self.contract.id}")
        self.assertEqual(response.status_code, 200)
        for text in (
            self.contract.name,
            self.contract.title,
            self.customer.name,
            "SN-PORTAL-42",
            self.sla_policy.name,
            self.calendar_8x5.name,
            self.clause_confidentiality.name,
            "Both parties keep confidential",
            "Workstation maintenance",
            "o_portal_chatter",
        ):
            self.assertIn(text, response.text)
        self.assertTrue(self.env.ref(REPORT_XMLID))
        self.assertIn("o_download_pdf", response.text)

    def test_contract_pdf(self):
        response = self.url_open(f"/my/contracts/{self.contract.id}?report_type=pdf&download=true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers.get("Content-Disposition", ""))
        # in test mode Odoo returns the report's HTML in place of the PDF
        self.assertIn(self.contract.title, response.content.decode(errors="replace"))

    def test_other_contracts_redirect(self):
        for contract in (self.contract_b, self.contract_draft):
            response = self.url_open(f"/my/contracts/{contract.id}")
            self.assertTrue(response.history, contract.title)
            # /my, possibly behind the language prefix of the portal user
            self.assertTrue(urlparse(response.url).path.endswith("/my"), response.url)
            self.assertNotIn(contract.title, response.text)

    def test_access_token_link(self):
        self.authenticate(None, None)
        token = self.contract_b._portal_ensure_token()
        response = self.url_open(f"/my/contracts/{self.contract_b.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.contract_b.title, response.text)

    def test_home_counter(self):
        home = self.url_open("/my/home")
        self.assertIn("/my/contracts", home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["maintenance_contract_count"]}
        )
        self.assertEqual(counters["maintenance_contract_count"], 2)
