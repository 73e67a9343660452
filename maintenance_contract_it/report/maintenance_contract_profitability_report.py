from odoo import fields, models, tools
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from ..models.maintenance_intervention import CONSUMED_STATES


class MaintenanceContractProfitabilityReport(models.Model):
    """Profitability per contract and month, in the currency of the company: the revenue
    invoiced (posted customer invoices less posted credit notes, without taxes, on the
    month of their accounting date) against the costs of the interventions done that month
    (their labour and parts costs, frozen when they are done) and the margin.

    An invoice line belongs to the contract of its billing period, else to the contract of
    its invoice: the invoices grouped per customer have no contract of their own."""

    _name = "maintenance.contract.profitability.report"
    _description = "Contract Profitability"
    _auto = False
    _order = "date desc, contract_id"
    _rec_name = "contract_id"

    date = fields.Date(string="Month", readonly=True)
    contract_id = fields.Many2one("maintenance.contract", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Account Manager", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    revenue = fields.Monetary(string="Revenue Invoiced", readonly=True)
    labour_cost = fields.Monetary(readonly=True)
    parts_cost = fields.Monetary(readonly=True)
    cost = fields.Monetary(string="Total Cost", readonly=True)
    margin = fields.Monetary(readonly=True)
    margin_percent = fields.Float(
        string="Margin (%)",
        readonly=True,
        digits=(16, 2),
        help="Margin over revenue invoiced; of the totals when rows are grouped.",
    )

    def _query(self):
        return SQL(
            """
            WITH revenue AS (
                SELECT COALESCE(p.contract_id, m.contract_id) AS contract_id,
                       date_trunc('month', l.date)::date AS date,
                       SUM(-l.balance) AS revenue
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
             LEFT JOIN maintenance_contract_period p ON p.id = l.maintenance_period_id
                 WHERE m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND l.display_type = 'product'
                   AND COALESCE(p.contract_id, m.contract_id) IS NOT NULL
              GROUP BY 1, 2
            ), costs AS (
                SELECT i.contract_id,
                       date_trunc('month', i.date)::date AS date,
                       SUM(COALESCE(i.labour_cost, 0)) AS labour_cost,
                       SUM(COALESCE(i.parts_cost, 0)) AS parts_cost
                  FROM maintenance_intervention i
                 WHERE i.state IN %(consumed_states)s
                   AND i.contract_id IS NOT NULL
                   AND i.date IS NOT NULL
              GROUP BY 1, 2
            ), months AS (
                SELECT COALESCE(r.contract_id, k.contract_id) AS contract_id,
                       COALESCE(r.date, k.date) AS date,
                       COALESCE(r.revenue, 0) AS revenue,
                       COALESCE(k.labour_cost, 0) AS labour_cost,
                       COALESCE(k.parts_cost, 0) AS parts_cost
                  FROM revenue r
             FULL JOIN costs k ON k.contract_id = r.contract_id AND k.date = r.date
            )
            SELECT row_number() OVER (ORDER BY m.date, m.contract_id) AS id,
                   m.date, m.contract_id,
                   c.partner_id, c.user_id, c.company_id, co.currency_id,
                   ROUND(m.revenue::numeric, 2) AS revenue,
                   ROUND(m.labour_cost::numeric, 2) AS labour_cost,
                   ROUND(m.parts_cost::numeric, 2) AS parts_cost,
                   ROUND((m.labour_cost + m.parts_cost)::numeric, 2) AS cost,
                   ROUND((m.revenue - m.labour_cost - m.parts_cost)::numeric, 2) AS margin,
                   ROUND((100 * (m.revenue - m.labour_cost - m.parts_cost)
                          / NULLIF(m.revenue, 0))::numeric, 2) AS margin_percent
              FROM months m
              JOIN maintenance_contract c ON c.id = m.contract_id
              JOIN res_company co ON co.id = c.company_id
            """,
            consumed_states=CONSUMED_STATES,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    def _read_group_select(self, aggregate_spec, query):
        # the margin rate of a group is its margin over its revenue, not a sum of rates
        fname, __, func = parse_read_group_spec(aggregate_spec)
        if fname == "margin_percent" and func in ("sum", "avg"):
            return SQL(
                "ROUND(100 * SUM(%s) / NULLIF(SUM(%s), 0), 2)",
                self._field_to_sql(self._table, "margin", query),
                self._field_to_sql(self._table, "revenue", query),
            )
        return super()._read_group_select(aggregate_spec, query)
