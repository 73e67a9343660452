from odoo import Command, api, models
from odoo.tools import float_compare


class AccountTax(models.Model):
    _inherit = "account.tax"

    @api.model
    def _get_maintenance_fee_taxes(self, product, company):
        """Taxes of a maintenance fee of ``product`` (possibly empty) in ``company``: the
        product's sales taxes of the company, else the company's default sales tax
        (``account_sale_tax_id``), with the same company filter. Not mapped by a fiscal
        position yet: the invoice does it."""
        domain = self._check_company_domain(company)
        taxes = product.taxes_id.filtered_domain(domain)
        if not taxes:
            taxes = company.account_sale_tax_id.filtered_domain(domain)
            if not product or product.type == "service":
                taxes = taxes._get_maintenance_service_tax()
        return taxes

    def _get_maintenance_service_tax(self):
        """The tax of the services matching each tax of ``self`` scoped to goods (the French
        chart's default sales tax is "20% G", its services' "20% S"): a sales tax of the same
        company, amount, type and price inclusion scoped to services (of the same tax group
        first); a tax without scope, or without such a match, is kept."""
        result = self.browse()
        for tax in self:
            match = self.browse()
            if tax.tax_scope == "consu":
                candidates = self.search(
                    [
                        ("company_id", "=", tax.company_id.id),
                        ("type_tax_use", "=", "sale"),
                        ("tax_scope", "=", "service"),
                        ("amount_type", "=", tax.amount_type),
                        ("price_include", "=", tax.price_include),
                    ]
                ).filtered(
                    lambda other, t=tax: not float_compare(
                        other.amount, t.amount, precision_digits=4
                    )
                )
                match = (
                    candidates.filtered(lambda other, t=tax: other.tax_group_id == t.tax_group_id)
                    or candidates
                )[:1]
            result |= match or tax
        return result

    @api.model
    def _maintenance_set_service_taxes(self, product_ids):
        """The service products ``product_ids`` sold with the taxes of services matching
        their taxes of goods (:meth:`_get_maintenance_service_tax`; the demo's services)."""
        products = self.env["product.product"].browse(product_ids)
        for product in products.filtered(lambda product: product.type == "service"):
            taxes = product.sudo().taxes_id
            service_taxes = taxes._get_maintenance_service_tax()
            if service_taxes != taxes:
                product.sudo().taxes_id = [Command.set(service_taxes.ids)]
