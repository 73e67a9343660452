from odoo import fields, models

# The costs of the technicians are for the contract managers only.
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"


class ResUsers(models.Model):
    _inherit = "res.users"

    maintenance_hourly_cost = fields.Float(
        string="Technician Hourly Cost",
        company_dependent=True,
        digits="Product Price",
        groups=MANAGER_GROUP,
        help="Cost of one hour of this technician's work, in the currency of the company, for "
        "the profitability of the contracts; 0: the company's default hourly cost.",
    )

    def _get_maintenance_hourly_cost(self, company):
        """Hourly cost of this technician in ``company``: its own, else the company's
        default."""
        self.ensure_one()
        cost = self.sudo().with_company(company).maintenance_hourly_cost
        return cost or company.sudo().maintenance_hourly_cost
