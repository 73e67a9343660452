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
    """Recurring revenue per month and contract, in the company's currency.

    A month's MRR is the fee of the billing period running that month (the last one that
    starts by the month's end), frozen on the period when it was priced, taken for the full
    period (a prorated first or last period is not a smaller revenue) and brought to a month
    by the billing frequency. Months without a billing period yet (the current and coming
    ones, a contract not invoiced yet) use the contract's fee lines. The contract is counted
    from its first month until its end, with a row of 0 the month after (churn).

    The movement compares the month with the previous one of the same contract in the
    contract's currency, so that an exchange rate never looks like an expansion. Amounts are
    converted to the company's currency at the rate of the month's last day (today for the
    current and coming months), as Odoo converts: the last rate on or before that day, of the
    company's root or shared."""

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
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    contract_currency_id = fields.Many2one("res.currency", readonly=True)
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
                       c.partner_id, c.user_id, c.company_id,
                       c.currency_id AS contract_currency_id,
                       company.currency_id,
                       split_part(company.parent_path, '/', 1)::integer AS root_company_id,
                       12.0 / %(per_year)s AS period_months,
                       date_trunc('month', c.date_start)::date AS first_month,
                       date_trunc('month', COALESCE(
                           c.termination_date,
                           CASE WHEN c.state <> 'active' OR NOT c.tacit_renewal
                                THEN c.date_end END
                       ))::date AS last_month,
                       -- the recurring fee lines (amount_period: no prepaid blocks)
                       COALESCE(c.amount_period, 0) * %(per_year)s / 12.0 AS lines_mrr
                  FROM maintenance_contract c
                  JOIN res_company company ON company.id = c.company_id
                 WHERE c.state IN ('active', 'expired', 'terminated')
                   AND c.date_start IS NOT NULL
            ), months AS (
                SELECT m.*,
                       month::date AS date,
                       ROUND(CASE WHEN m.last_month IS NULL OR month::date <= m.last_month
                                  THEN COALESCE(period.mrr, m.lines_mrr)
                                  ELSE 0 END::numeric, 2) AS month_mrr,
                       LEAST((month + interval '1 month - 1 day')::date, CURRENT_DATE)
                           AS rate_date
                  FROM contracts m
                 CROSS JOIN generate_series(
                           m.first_month,
                           COALESCE(m.last_month + interval '1 month',
                                    date_trunc('month', CURRENT_DATE)),
                           interval '1 month'
                       ) AS month
                  -- the billing period running in the month, its fee for the full period
                  LEFT JOIN LATERAL (
                      SELECT COALESCE(p.amount_fee_full, p.amount_fee / NULLIF(p.prorata, 0))
                                 / m.period_months AS mrr
                        FROM maintenance_contract_period p
                       WHERE p.contract_id = m.contract_id
                         AND p.state <> 'cancelled'
                         AND p.date_start < month + interval '1 month'
                         AND p.date_end >= month
                       ORDER BY p.date_start DESC
                       LIMIT 1
                  ) period ON TRUE
            ), moves AS (
                SELECT months.*,
                       LAG(month_mrr) OVER (PARTITION BY contract_id ORDER BY date) AS previous,
                       CASE WHEN contract_currency_id = currency_id THEN 1.0
                            ELSE COALESCE((
                                SELECT r.rate FROM res_currency_rate r
                                 WHERE r.currency_id = months.currency_id
                                   AND r.name <= rate_date
                                   AND (r.company_id IS NULL OR r.company_id = root_company_id)
                                 ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)
                               / COALESCE((
                                SELECT r.rate FROM res_currency_rate r
                                 WHERE r.currency_id = months.contract_currency_id
                                   AND r.name <= rate_date
                                   AND (r.company_id IS NULL OR r.company_id = root_company_id)
                                 ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)
                       END AS rate
                  FROM months
            )
            SELECT row_number() OVER (ORDER BY date, contract_id) AS id,
                   date, contract_id, partner_id, user_id, company_id, currency_id,
                   contract_currency_id,
                   ROUND(month_mrr * rate, 2) AS mrr,
                   ROUND(month_mrr * 12 * rate, 2) AS arr,
                   ROUND((month_mrr - COALESCE(previous, 0)) * rate, 2) AS mrr_change,
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
