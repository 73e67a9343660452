from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class MaintenanceContractRevisionWizard(models.TransientModel):
    """Preview the price revision of a contract, then apply it."""

    _name = "maintenance.contract.revision.wizard"
    _description = "Revise Contract Prices"

    contract_id = fields.Many2one("maintenance.contract", required=True, readonly=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    revision_date = fields.Date(
        required=True,
        default=lambda self: self._default_revision_date(),
    )
    index_missing = fields.Boolean(compute="_compute_preview", store=True)
    reference_value = fields.Float(
        string="S0", digits=(12, 4), compute="_compute_preview", store=True
    )
    new_month = fields.Date(string="S1 Month", compute="_compute_preview", store=True)
    new_value = fields.Float(string="S1", digits=(12, 4), compute="_compute_preview", store=True)
    coefficient = fields.Float(digits=(12, 6), compute="_compute_preview", store=True)
    amount_before = fields.Monetary(
        string="Amount per Period Before", compute="_compute_preview", store=True
    )
    amount_after = fields.Monetary(
        string="Amount per Period After", compute="_compute_preview", store=True
    )
    line_ids = fields.One2many(
        "maintenance.contract.revision.wizard.line",
        "wizard_id",
        compute="_compute_preview",
        store=True,
    )

    @api.model
    def _default_revision_date(self):
        contract = self.env["maintenance.contract"].browse(
            self.env.context.get("default_contract_id")
        )
        return contract.revision_next_date or fields.Date.context_today(self)

    @api.depends("contract_id", "revision_date")
    def _compute_preview(self):
        for wizard in self:
            values = None
            if wizard.contract_id and wizard.revision_date:
                values = wizard.contract_id._prepare_revision(wizard.revision_date)
            wizard.index_missing = values is None
            values = values or {}
            wizard.reference_value = values.get("reference_value", 0.0)
            wizard.new_month = values.get("new_month", False)
            wizard.new_value = values.get("new_value", 0.0)
            wizard.coefficient = values.get("coefficient", 0.0)
            wizard.amount_before = values.get("amount_before", 0.0)
            wizard.amount_after = values.get("amount_after", 0.0)
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "name": vals["name"],
                        "quantity": vals["quantity"],
                        "price_before": vals["price_before"],
                        "price_after": vals["price_after"],
                    }
                )
                for vals in values.get("line_vals", [])
            ]

    def action_apply(self):
        self.ensure_one()
        if self.index_missing:
            raise UserError(
                self.env._("The index value needed for this revision is not published yet.")
            )
        log = self.contract_id._apply_revision(self.revision_date)
        if not log:
            raise UserError(
                self.env._("The contract was already revised on %(date)s.", date=self.revision_date)
            )
        return {"type": "ir.actions.act_window_close"}
