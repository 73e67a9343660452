from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.maintenance_contract_terms import PERIODS_PER_YEAR

MOVEMENTS = [
    ("new", "New"),
    ("expansion", "Expansion"),
    ("contraction", "Contraction"),
    ("churn", "Churn"),
    ("flat", "Unchanged"),
]


class MaintenanceContractMrrReport(models.Model):
    """Recurring revenue per month and contract: the contract's lines (its fee per billing
    period) brought to a month by its billing frequency, for each month the contract is
    active (started, not yet ended), and a row of 0 the month after its end (churn). The
    movement compares the month with the previous one of the same contract."""

    _name = "maintenance.contract.mrr.report"
    _description = "Recurring Revenue"
    _auto = False
    _order = "date desc, contract_id"
    _rec_name = "contract_id"

    date = fields.Date(string="Month", readonly=True)
    contract_id = fields.Many2one("maintenance.contract", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Account Manager", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    mrr = fields.Monetary(string="MRR", readonly=True)
    arr = fields.Monetary(string="ARR", readonly=True)
    mrr_change = fields.Monetary(string="MRR Change", readonly=True)
    movement = fields.Selection(MOVEMENTS, readonly=True)

    def _query(self):
        per_year = SQL(
            "CASE c.billing_frequency %s ELSE 12 END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", frequency, count)
                for frequency, count in PERIODS_PER_YEAR.items()
            ),
        )
        return SQL(
            """
            WITH contracts AS (
                SELECT c.id AS contract_id,
                       c.partner_id, c.user_id, c.company_id, c.currency_id,
                       date_trunc('month', c.date_start)::date AS first_month,
                       date_trunc('month', COALESCE(
                           c.termination_date,
                           CASE WHEN c.state <> 'active' OR NOT c.tacit_renewal
                                THEN c.date_end END
                       ))::date AS last_month,
                       COALESCE((SELECT SUM(l.price_subtotal)
                                   FROM maintenance_contract_line l
                                  WHERE l.contract_id = c.id), 0)
                           * %(per_year)s / 12.0 AS mrr
                  FROM maintenance_contract c
                 WHERE c.state IN ('active', 'expired', 'terminated')
                   AND c.date_start IS NOT NULL
            ), months AS (
                SELECT m.*,
                       month::date AS date,
                       CASE WHEN m.last_month IS NULL OR month::date <= m.last_month
                            THEN m.mrr ELSE 0 END AS month_mrr
                  FROM contracts m,
                       generate_series(
                           m.first_month,
                           COALESCE(m.last_month + interval '1 month',
                                    date_trunc('month', CURRENT_DATE)),
                           interval '1 month'
                       ) AS month
            ), moves AS (
                SELECT months.*,
                       LAG(month_mrr) OVER (PARTITION BY contract_id ORDER BY date) AS previous
                  FROM months
            )
            SELECT row_number() OVER (ORDER BY date, contract_id) AS id,
                   date, contract_id, partner_id, user_id, company_id, currency_id,
                   ROUND(month_mrr::numeric, 2) AS mrr,
                   ROUND(month_mrr::numeric * 12, 2) AS arr,
                   ROUND((month_mrr - COALESCE(previous, 0))::numeric, 2) AS mrr_change,
                   CASE WHEN previous IS NULL THEN 'new'
                        WHEN month_mrr = 0 AND previous > 0 THEN 'churn'
                        WHEN month_mrr > previous THEN 'expansion'
                        WHEN month_mrr < previous THEN 'contraction'
                        ELSE 'flat' END AS movement
              FROM moves
            """,
            per_year=per_year,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
