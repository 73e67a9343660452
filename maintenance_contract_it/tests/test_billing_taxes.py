"""Every fee line has taxes: its product's, else the company's default sales tax, mapped by
the fiscal position; a contract that would still invoice a line without tax is not
activated."""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestBillingTaxes(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_sale_tax_id = cls.tax
        cls.untaxed_product = cls.env["product.product"].create(
            {
                "name": "Untaxed service (test)",
                "type": "service",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )

    def _contract_with_line(self, **line):
        values = {"name": "Remote support", "quantity": 2.0, "price_unit": 150.0}
        values.update(line)
        return self._create_contract(
            date_start="2027-01-01",
            partner_id=self.customer.id,
            line_ids=[Command.create(values)],
        )

    def test_line_without_product_gets_company_tax(self):
        contract = self._contract_with_line()
        self.assertEqual(contract.line_ids.tax_ids, self.tax)
        contract.action_activate()
        move = self._invoice(contract, date(2027, 1, 1))
        line = move.invoice_line_ids
        self.assertEqual(line.tax_ids, self.tax)
        # 2 × 150.00 = 300.00, VAT 20 % = 60.00
        self.assertEqual(move.amount_untaxed, 300.0)
        self.assertEqual(move.amount_tax, 60.0)
        self.assertEqual(move.amount_total, 360.0)

    def test_product_without_tax_gets_company_tax(self):
        contract = self._contract_with_line(product_id=self.untaxed_product.id, price_unit=100.0)
        self.assertEqual(contract.line_ids.tax_ids, self.tax)
        contract.action_activate()
        move = self._invoice(contract, date(2027, 1, 1))
        # 2 × 100.00 = 200.00, VAT 20 % = 40.00
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax)
        self.assertEqual(move.amount_total, 240.0)

    def test_fiscal_position_maps_the_company_tax(self):
        tax_export = self.env["account.tax"].create(
            {"name": "Intra-EU 0% (test)", "amount": 0.0, "type_tax_use": "sale"}
        )
        self.customer.property_account_position_id = self.env["account.fiscal.position"].create(
            {
                "name": "Intra-EU (test)",
                "tax_ids": [
                    Command.create({"tax_src_id": self.tax.id, "tax_dest_id": tax_export.id})
                ],
            }
        )
        contract = self._contract_with_line()
        contract.action_activate()
        move = self._invoice(contract, date(2027, 1, 1))
        self.assertEqual(move.invoice_line_ids.tax_ids, tax_export)
        # 2 × 150.00 = 300.00, no VAT
        self.assertEqual(move.amount_tax, 0.0)
        self.assertEqual(move.amount_total, 300.0)

    def test_line_without_tax_refuses_activation(self):
        self.company.account_sale_tax_id = False
        self.env.user.lang = "en_US"
        contract = self._contract_with_line()
        self.assertFalse(contract.line_ids.tax_ids)
        with self.assertRaisesRegex(UserError, "taxes on the fee lines “Remote support”"):
            contract.action_activate()
        self.assertEqual(contract.state, "draft")
        contract.line_ids.tax_ids = self.tax
        contract.action_activate()
        self.assertEqual(contract.state, "active")

    def test_taxes_removed_by_hand_fall_back_to_the_company(self):
        contract = self._contract_with_line()
        contract.line_ids.tax_ids = False
        # the company's default is what the invoice would carry: activation accepted
        contract.action_activate()
        move = self._invoice(contract, date(2027, 1, 1))
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax)
        self.assertEqual(move.amount_total, 360.0)

    def test_extras_fall_back_to_the_company_tax(self):
        contract = self._contract_with_line()
        contract.line_ids.tax_ids = False
        self.assertEqual(contract._get_extras_default_taxes(), self.tax)


@tagged("post_install", "-at_install")
class TestBillingTaxScope(BillingCommon):
    """Taxes scoped as the French chart scopes them (its default sales tax "20% G" is the tax
    of goods, "20% S" the one of services): a fee of services falling back to the company's
    tax gets the tax of services, and the operation type of the legal mentions follows the
    scope of the taxes, as Odoo's French invoice (l10n_fr_account) does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tax = cls.env["account.tax"]
        cls.tax_goods = Tax.create(
            {"name": "20% G (test)", "amount": 20.0, "type_tax_use": "sale", "tax_scope": "consu"}
        )
        values = {"amount": 20.0, "type_tax_use": "sale", "tax_scope": "service"}
        cls.tax_service = Tax.create({"name": "20% S (test)", **values})
        # another tax of services, of another rate: never taken
        Tax.create({"name": "10% S (test)", **values, "amount": 10.0})
        cls.company.account_sale_tax_id = cls.tax_goods

    _contract_with_line = TestBillingTaxes._contract_with_line

    def test_service_fee_gets_the_tax_of_services(self):
        contract = self._contract_with_line()
        self.assertEqual(contract.line_ids.tax_ids, self.tax_service)
        contract.action_activate()
        move = self._invoice(contract, date(2027, 1, 1))
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax_service)
        # 2 × 150.00 = 300.00, VAT 20 % = 60.00
        self.assertEqual(move.amount_tax, 60.0)
        self.assertEqual(
            contract._billing_get_operation_type([{"tax_ids": self.tax_service.ids}]),
            "services",
        )

    def test_goods_keep_the_tax_of_goods(self):
        part = self.env["product.product"].create(
            {"name": "Power supply (test)", "type": "consu", "taxes_id": [Command.clear()]}
        )
        taxes = self.env["account.tax"]._get_maintenance_fee_taxes(part, self.company)
        self.assertEqual(taxes, self.tax_goods)

    def test_operation_type_follows_the_tax_scope(self):
        contract = self._contract_with_line()
        operation = contract._billing_get_operation_type
        # a service product sold with the tax of goods: goods, as Odoo's French invoice prints
        service_goods_tax = {
            "product_id": self.fee_product.id,
            "tax_ids": [Command.set(self.tax_goods.ids)],
        }
        service = {"product_id": self.fee_product.id, "tax_ids": self.tax_service.ids}
        # a tax without scope: the product decides
        unscoped = {"product_id": self.fee_product.id, "tax_ids": self.tax.ids}
        self.assertEqual(operation([service_goods_tax]), "goods")
        self.assertEqual(operation([service, unscoped]), "services")
        self.assertEqual(operation([service, service_goods_tax]), "mixed")

    def test_service_products_moved_to_the_tax_of_services(self):
        # what the demo does with its services (a French chart gives them "20% G")
        service = self.env["product.product"].create(
            {"name": "Monitoring (test)", "type": "service", "taxes_id": self.tax_goods.ids}
        )
        part = self.env["product.product"].create(
            {"name": "Cable (test)", "type": "consu", "taxes_id": self.tax_goods.ids}
        )
        self.env["account.tax"]._maintenance_set_service_taxes((service | part).ids)
        self.assertEqual(service.taxes_id, self.tax_service)
        self.assertEqual(part.taxes_id, self.tax_goods)
