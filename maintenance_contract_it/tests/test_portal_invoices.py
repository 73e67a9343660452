import html
import re
from datetime import datetime, time, timedelta

from lxml import html as lxml_html

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_duration

from .test_portal_service import PortalServiceCommon


@tagged("post_install", "-at_install")
class TestPortalContractInvoices(PortalServiceCommon, HttpCase):
    """The invoices and the prepaid hours of the contract page, as the portal customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee_product = cls.env["product.product"].create(
            {"name": "Maintenance fee (portal invoices test)", "type": "service", "taxes_id": False}
        )
        cls.invoice_paid = cls._invoice(cls.contract, 300.0)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.invoice_paid.ids
        ).create({})._create_payments()
        cls.invoice_open = cls._invoice(cls.contract, 120.0)
        cls.refund = cls._invoice(cls.contract, 50.0, move_type="out_refund")
        cls.draft = cls._invoice(cls.contract, 999.0, post=False)
        cls.invoice_b = cls._invoice(cls.contract_b, 777.0)
        cls.invoice_no_contract = cls._invoice(False, 555.0)

    @classmethod
    def _invoice(cls, contract, price, move_type="out_invoice", post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (contract.partner_id if contract else cls.customer).id,
                "contract_id": contract.id if contract else False,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.fee_product.id, "quantity": 1, "price_unit": price}
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def setUp(self):
        super().setUp()
        self.authenticate("mcit_portal_a", "mcit_portal_a")

    def _page(self, contract=None):
        response = self.url_open(f"/my/contracts/{(contract or self.contract).id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("oe_login_form", response.text)
        return response.text

    def _invoice_rows(self, text):
        tree = lxml_html.fromstring(text)
        return {
            row.xpath(".//a")[0].text_content().strip(): row
            for row in tree.xpath(
                "//section[@id='contract_invoices']//tr[@class='o_contract_invoice']"
            )
        }

    def test_posted_invoices_of_the_contract_with_payment_status(self):
        self.assertNotEqual(self.invoice_paid.payment_state, "not_paid")
        labels = dict(
            self.env["account.move"]
            .with_context(lang="en_US")
            ._fields["payment_state"]
            ._description_selection(self.env)
        )
        text = self._page()
        rows = self._invoice_rows(text)
        expected = self.invoice_paid | self.invoice_open | self.refund
        self.assertEqual(set(rows), set(expected.mapped("name")))
        for move in expected:
            row = rows[move.name]
            status = row.xpath(".//*[contains(@class, 'o_contract_invoice_payment')]")[0]
            self.assertEqual(status.text_content().strip(), labels[move.payment_state])
            self.assertIn(move.invoice_date_due.strftime("%m/%d/%Y"), row.text_content())
        self.assertIn("(credit note)", rows[self.refund.name].text_content())
        self.assertNotIn("(credit note)", rows[self.invoice_open.name].text_content())
        self.assertIn("120.00", rows[self.invoice_open.name].text_content())
        tree = lxml_html.fromstring(text)
        title = tree.xpath("//section[@id='contract_invoices']/h5")[0].text_content()
        self.assertIn("3", title)
        # never a draft, another customer's invoice or an invoice outside the contract
        for other in (self.draft, self.invoice_b, self.invoice_no_contract):
            self.assertNotIn(f"/my/invoices/{other.id}", text)
        self.assertNotIn("999.00", text)
        self.assertNotIn("777.00", text)
        self.assertNotIn("555.00", text)

    def test_breadcrumbs_name_the_contract_only(self):
        """The page's lists (invoices, tickets, interventions, amendments) never leak into
        the breadcrumbs that other portal pages fill from ``invoice``, ``ticket``..."""
        tree = lxml_html.fromstring(self._page())
        items = [
            item.text_content().strip()
            for item in tree.xpath("//ol[contains(@class, 'o_portal_submenu')]/li")
        ]
        self.assertEqual(items[-2:], ["Contracts", self.contract.name])
        self.assertEqual(len(items), 3, items)  # home, Contracts, the contract

    def test_grouped_invoice_on_the_contract_page(self):
        """An invoice grouping the customer's contracts (no single contract) is on the page of
        each contract whose billing period it invoices."""
        period = self.env["maintenance.contract.period"].create(
            {
                "contract_id": self.contract.id,
                "date_start": self.contract.date_start,
                "date_end": self.contract.date_start,
                "invoice_date": self.contract.date_start,
            }
        )
        grouped = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.contract.partner_id.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.fee_product.id,
                            "price_unit": 40.0,
                            "maintenance_period_id": period.id,
                        }
                    ),
                    Command.create({"product_id": self.fee_product.id, "price_unit": 60.0}),
                ],
            }
        )
        grouped.action_post()
        self.assertFalse(grouped.contract_id)
        self.assertIn(grouped.name, self._invoice_rows(self._page()))

    def test_invoice_link_opens_the_odoo_invoice_page(self):
        text = self._page()
        match = re.search(rf'href="(/my/invoices/{self.invoice_open.id}\?[^"]*)"', text)
        self.assertTrue(match, "no link to the invoice portal page")
        url = html.unescape(match.group(1))
        self.assertIn("access_token=", url)
        self.assertEqual(url, self.invoice_open.get_portal_url())
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.split("?")[0].endswith(f"/my/invoices/{self.invoice_open.id}"))
        self.assertIn(self.invoice_open.name, response.text)

    def test_other_customer_sees_only_their_invoices(self):
        self.authenticate("mcit_portal_b", "mcit_portal_b")
        rows = self._invoice_rows(self._page(self.contract_b))
        self.assertEqual(set(rows), {self.invoice_b.name})
        # the contract of A by URL: redirected home, none of its invoices
        response = self.url_open(f"/my/contracts/{self.contract.id}")
        self.assertNotIn(self.invoice_open.name, response.text)
        self.assertNotIn(f"/my/invoices/{self.invoice_open.id}", response.text)

    def test_mislinked_invoice_not_shown(self):
        """An invoice of customer B linked to A's contract by SQL (before the constraint) is
        not shown to A's contact, nor is its access token handed out."""
        self.env.cr.execute(
            "UPDATE account_move SET contract_id = %s WHERE id = %s",
            (self.contract.id, self.invoice_b.id),
        )
        self.env["account.move"].invalidate_model(["contract_id"])
        self.invoice_b._compute_maintenance_contract_ids()
        self.env.flush_all()
        self.assertIn(self.contract, self.invoice_b.maintenance_contract_ids)
        text = self._page()
        self.assertNotIn(self.invoice_b.name, text)
        self.assertNotIn(f"/my/invoices/{self.invoice_b.id}", text)
        self.assertNotIn(self.invoice_b._portal_ensure_token(), text)
        self.assertIn(self.invoice_open.name, self._invoice_rows(text))

    def test_contract_without_invoice(self):
        self.authenticate("mcit_portal_b", "mcit_portal_b")
        self.invoice_b.button_draft()
        text = self._page(self.contract_b)
        self.assertIn("No invoice yet.", text)
        self.assertEqual(self._invoice_rows(text), {})


@tagged("post_install", "-at_install")
class TestPortalContractPrepaidHours(PortalServiceCommon, HttpCase):
    """The done intervention of the common fixture is 1 h 30 of curative work today."""

    def setUp(self):
        super().setUp()
        self.authenticate("mcit_portal_a", "mcit_portal_a")

    def _section(self):
        response = self.url_open(f"/my/contracts/{self.contract.id}")
        self.assertEqual(response.status_code, 200)
        sections = lxml_html.fromstring(response.text).xpath(
            "//section[@id='contract_prepaid_hours']"
        )
        return sections[0] if sections else None

    def _value(self, section, name):
        found = section.xpath(f".//*[@id='contract_prepaid_{name}']")
        return found[0].text_content().split() if found else None

    def test_no_section_without_prepaid_hours(self):
        self.assertEqual(self.contract.prepaid_hours_mode, "none")
        self.assertIsNone(self._section())

    def _work_today(self):
        """The fixture's 1 h 30 of work, moved to today: in the current billing period whatever
        the hour the tests run at."""
        noon = datetime.combine(fields.Date.today(), time(12, 0))
        self.intervention.write(
            {"actual_start": noon - timedelta(hours=1, minutes=30), "actual_end": noon}
        )

    def test_hours_of_the_period(self):
        self._work_today()
        self.contract.write({"prepaid_hours_mode": "period", "prepaid_hours_per_period": 10.0})
        self.contract.invalidate_recordset()
        self.assertEqual(self.contract.prepaid_hours_total, 10.0)
        self.assertEqual(self.contract.prepaid_hours_used, 1.5)
        section = self._section()
        self.assertIsNotNone(section)
        self.assertIn("Prepaid hours this period", section.text_content())
        self.assertEqual(self._value(section, "total"), ["10:00", "h"])
        self.assertEqual(self._value(section, "used"), ["01:30", "h"])
        self.assertEqual(self._value(section, "left"), ["08:30", "h"])
        self.assertIsNone(self._value(section, "overage"))

    def test_hours_beyond_the_balance(self):
        self._work_today()
        self.contract.write({"prepaid_hours_mode": "period", "prepaid_hours_per_period": 1.0})
        self.contract.invalidate_recordset()
        overage = self.contract.prepaid_hours_overage
        self.assertGreater(overage, 0)
        section = self._section()
        self.assertEqual(self._value(section, "total"), ["01:00", "h"])
        self.assertEqual(self._value(section, "overage"), [format_duration(overage), "h"])
