"""With Odoo's ``account_edi_ubl_cii`` installed (setup/test.sh installs it in the test
database; the module does not depend on it), a posted contract invoice gives its Factur-X
(CII) XML without error: its number, one line per fee line labelled with its period, the
amounts and the VAT."""

from datetime import date

from lxml import etree

from odoo import Command
from odoo.addons.maintenance_contract_it.tests import test_billing
from odoo.tests import tagged

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"


@tagged("post_install", "-at_install")
class TestFacturX(test_billing.BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert (
            "account.edi.xml.cii" in cls.env
        ), "account_edi_ubl_cii is not installed in this database (setup/test.sh installs it)"
        france = cls.env.ref("base.fr")
        # what Factur-X requires of the seller: address, VAT number, phone, email, bank account
        cls.company.partner_id.write(
            {
                "street": "27 rue de la Villette",
                "zip": "69003",
                "city": "Lyon",
                "country_id": france.id,
                "phone": "+33 4 78 62 14 30",
                "email": "factures@infogerance.example",
            }
        )
        cls.company.vat = "FR16419587340"
        cls.env["res.partner.bank"].create(
            {"acc_number": "FR7630006000011234567890189", "partner_id": cls.company.partner_id.id}
        )
        cls.customer.write(
            {"street": "5 rue Garibaldi", "zip": "69006", "city": "Lyon", "country_id": france.id}
        )
        cls.backup_product = cls.env["product.product"].create(
            {
                "name": "Managed backup (Factur-X test)",
                "type": "service",
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        cls.contract = cls._billing_contract("2026-03-01")
        cls.contract.line_ids = [
            Command.create(
                {
                    "product_id": cls.backup_product.id,
                    "name": "Managed backup",
                    "quantity": 2.0,
                    "price_unit": 22.75,
                }
            )
        ]
        cls.move = cls.contract._billing_run(date(2026, 3, 1))
        cls.move.action_post()

    def test_posted_contract_invoice_exports_facturx(self):
        move = self.move
        self.assertEqual(move.state, "posted")
        content, errors = self.env["account.edi.xml.cii"]._export_invoice(move)
        self.assertFalse(errors)
        tree = etree.fromstring(content)
        self.assertEqual(tree.findtext("rsm:ExchangedDocument/ram:ID", namespaces=NS), move.name)
        self.assertEqual(tree.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS), "380")
        self.assertEqual(
            tree.findtext(
                "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", namespaces=NS
            ),
            "20260301",
        )
        seller = tree.find(
            "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
            "ram:SellerTradeParty",
            namespaces=NS,
        )
        self.assertEqual(
            seller.findtext("ram:SpecifiedTaxRegistration/ram:ID", namespaces=NS),
            "FR16419587340",
        )
        # one line per fee line, labelled with the period; 300.00 and 2 x 22.75 = 45.50
        lines = tree.findall(
            "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", namespaces=NS
        )
        self.assertEqual(
            [
                line.findtext("ram:SpecifiedTradeProduct/ram:Description", namespaces=NS)
                for line in lines
            ],
            [
                "Monthly maintenance – 03/01/2026 to 03/31/2026",
                "Managed backup – 03/01/2026 to 03/31/2026",
            ],
        )
        self.assertEqual(
            [
                line.findtext(
                    "ram:SpecifiedLineTradeSettlement/"
                    "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                    namespaces=NS,
                )
                for line in lines
            ],
            ["300.00", "45.50"],
        )
        for line in lines:
            tax = line.find(
                "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax", namespaces=NS
            )
            self.assertEqual(tax.findtext("ram:CategoryCode", namespaces=NS), "S")
            self.assertEqual(float(tax.findtext("ram:RateApplicablePercent", namespaces=NS)), 20.0)
        # VAT 20 % of 345.50 = 69.10; total 414.60, all of it due
        tax = tree.find(f"{SETTLEMENT}/ram:ApplicableTradeTax", namespaces=NS)
        self.assertEqual(tax.findtext("ram:CalculatedAmount", namespaces=NS), "69.10")
        self.assertEqual(tax.findtext("ram:BasisAmount", namespaces=NS), "345.50")
        self.assertEqual(float(tax.findtext("ram:RateApplicablePercent", namespaces=NS)), 20.0)
        totals = tree.find(
            f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation", namespaces=NS
        )
        self.assertEqual(totals.findtext("ram:TaxBasisTotalAmount", namespaces=NS), "345.50")
        self.assertEqual(totals.findtext("ram:TaxTotalAmount", namespaces=NS), "69.10")
        self.assertEqual(totals.findtext("ram:GrandTotalAmount", namespaces=NS), "414.60")
        self.assertEqual(totals.findtext("ram:DuePayableAmount", namespaces=NS), "414.60")
        self.assertEqual(
            tree.findtext(f"{SETTLEMENT}/ram:InvoiceCurrencyCode", namespaces=NS),
            move.currency_id.name,
        )

    def _included_notes(self, move):
        content, errors = self.env["account.edi.xml.cii"]._export_invoice(move)
        self.assertFalse(errors)
        tree = etree.fromstring(content)
        return " ".join(
            " ".join(
                tree.xpath(
                    "rsm:ExchangedDocument/ram:IncludedNote/ram:Content/text()", namespaces=NS
                )
            ).split()
        )

    def test_legal_mentions_in_the_facturx_xml(self):
        """The French legal mentions of the invoice (its terms) are its Factur-X note, in the
        customer's language."""
        self.company.write(
            {
                "maintenance_invoice_legal_mentions": True,
                "maintenance_late_penalty_basis": "legal_x3",
                "maintenance_recovery_indemnity": 40.0,
            }
        )
        french_customer = self.customer.copy({"name": "Société Lyonnaise (test)", "lang": "fr_FR"})
        moves = self.env["account.move"]
        for partner in (self.customer, french_customer):
            contract = self._billing_contract("2026-04-01", partner=partner)
            moves |= contract._billing_run(date(2026, 4, 1))
        moves.action_post()
        english, french = moves
        notes = self._included_notes(english)
        self.assertIn("Operation type: services", notes)
        self.assertIn(
            "Late payment penalties: three times the French legal interest rate, due from the "
            "day after the due date without a reminder (French Commercial Code, art. L441-10).",
            notes,
        )
        self.assertIn("Fixed indemnity for recovery costs owed by a professional customer", notes)
        self.assertIn("40.00", notes)
        notes = self._included_notes(french)
        self.assertIn("Catégorie de l'opération : prestation de services", notes)
        self.assertIn("Pénalités de retard : trois fois le taux d'intérêt légal", notes)
        self.assertIn("Indemnité forfaitaire pour frais de recouvrement", notes)
        self.assertIn("40,00", notes)
        self.assertNotIn("Late payment", notes)

    def test_per_unit_line_quantity_and_unit_code(self):
        workstations = self.env["maintenance.contract.equipment"].create(
            [
                {"name": f"FX-PC-{n}", "category": "workstation", "partner_id": self.customer.id}
                for n in range(14)
            ]
        )
        contract = self._create_contract(
            date_start="2026-03-01",
            partner_id=self.customer.id,
            billing_alignment="calendar",
            billing_in_advance=False,
            equipment_ids=[Command.set(workstations[:12].ids)],
            line_ids=[
                Command.create(
                    {
                        "product_id": self.fee_product.id,
                        "name": "Workstation support",
                        "quantity_mode": "equipment",
                        "unit_label": "workstations",
                        "uom_id": self.env.ref("uom.product_uom_unit").id,
                        "price_unit": 25.0,
                    }
                )
            ],
        )
        contract.action_activate()
        self.env["maintenance.contract.equipment.coverage"].create(
            [
                {"contract_id": contract.id, "equipment_id": pc.id, "date_from": "2026-03-16"}
                for pc in workstations[12:]
            ]
        )
        for day, quantity, amount in (
            # 12 × 25.00 + 2 × 25.00 × 16/31 = 325.81, one line of the amount
            (date(2026, 4, 1), "1.0", "325.81"),
            # 14 × 25.00 = 350.00
            (date(2026, 5, 1), "14.0", "350.00"),
        ):
            move = contract._billing_run(day)
            move.action_post()
            content, errors = self.env["account.edi.xml.cii"]._export_invoice(move)
            self.assertFalse(errors)
            tree = etree.fromstring(content)
            [line] = tree.findall(
                "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", NS
            )
            billed = line.find("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", NS)
            self.assertEqual((billed.text, billed.get("unitCode")), (quantity, "C62"))
            self.assertEqual(
                line.findtext(
                    "ram:SpecifiedLineTradeSettlement/"
                    "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                    namespaces=NS,
                ),
                amount,
            )
