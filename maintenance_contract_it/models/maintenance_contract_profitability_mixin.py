from odoo import fields, models

# The costs and margins are for the contract managers only.
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"


class MaintenanceContractProfitabilityMixin(models.AbstractModel):
    """Profitability of a contract since its start: the totals of its rows of the Contract
    Profitability report (revenue of its posted invoices, costs of its interventions done),
    in the currency of the company."""

    _name = "maintenance.contract.profitability.mixin"
    _description = "Maintenance Contract Profitability"

    # defined by the contract, declared here for the fields below
    company_id = fields.Many2one("res.company")

    profit_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency", groups=MANAGER_GROUP
    )
    profit_revenue = fields.Monetary(
        string="Revenue Invoiced",
        compute="_compute_profitability",
        currency_field="profit_currency_id",
        groups=MANAGER_GROUP,
        help="Posted invoices less posted credit notes of the contract, without taxes.",
    )
    profit_cost = fields.Monetary(
        string="Costs",
        compute="_compute_profitability",
        currency_field="profit_currency_id",
        groups=MANAGER_GROUP,
        help="Labour and parts costs of the contract's interventions done or signed.",
    )
    profit_margin = fields.Monetary(
        string="Margin",
        compute="_compute_profitability",
        currency_field="profit_currency_id",
        groups=MANAGER_GROUP,
    )

    def _compute_profitability(self):
        # the report is a view of the invoices and interventions: written first
        self.env.flush_all()
        totals = {
            contract: (revenue, cost, margin)
            for contract, revenue, cost, margin in self.env[
                "maintenance.contract.profitability.report"
            ]._read_group(
                [("contract_id", "in", self.ids)],
                ["contract_id"],
                ["revenue:sum", "cost:sum", "margin:sum"],
            )
        }
        for contract in self:
            revenue, cost, margin = totals.get(contract._origin, (0.0, 0.0, 0.0))
            contract.profit_revenue = revenue
            contract.profit_cost = cost
            contract.profit_margin = margin

    def action_view_profitability(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_profitability_report_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"search_default_group_month": 1}
        return action
