from odoo import api, models


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
        return taxes
