from odoo import fields, models

# Fields that customers (portal users) must not read are restricted to this group.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceContractRevisionLog(models.Model):
    """One price revision of a contract: the index values, the coefficient and the prices
    before and after."""

    _name = "maintenance.contract.revision"
    _description = "Contract Price Revision"
    _order = "revision_date desc, id desc"
    _rec_name = "revision_date"

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    revision_date = fields.Date(required=True, readonly=True)
    index_id = fields.Many2one("maintenance.price.index", required=True, readonly=True)
    reference_month = fields.Date(string="Reference Month (S0)", readonly=True)
    reference_value = fields.Float(string="S0", digits=(12, 4), readonly=True)
    new_month = fields.Date(string="New Index Month (S1)", readonly=True)
    new_value = fields.Float(string="S1", digits=(12, 4), readonly=True)
    fixed_part = fields.Float(string="Fixed Part (a)", digits=(3, 4), readonly=True)
    coefficient = fields.Float(digits=(12, 6), readonly=True)
    amount_before = fields.Monetary(
        string="Amount per Period Before", currency_field="currency_id", readonly=True
    )
    amount_after = fields.Monetary(
        string="Amount per Period After", currency_field="currency_id", readonly=True
    )
    line_ids = fields.One2many(
        "maintenance.contract.revision.line", "revision_id", string="Revised Lines", readonly=True
    )
    notice_sent = fields.Boolean(readonly=True, groups=USER_GROUP)

    _sql_constraints = [
        (
            "contract_date_unique",
            "UNIQUE(contract_id, revision_date)",
            "A contract is revised once per revision date.",
        ),
    ]

    def _compute_display_name(self):
        for revision in self:
            revision.display_name = self.env._(
                "%(contract)s revision of %(date)s",
                contract=revision.contract_id.name,
                date=revision.revision_date,
            )

    def action_send_notice(self):
        self.ensure_one()
        return self.contract_id.action_send_revision_notice()
