from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.maintenance_step_mixin import as_step


class MaintenanceContractFeeCorrectionWizard(models.TransientModel):
    """A manager's logged correction of the fee lines of a contract in force: the periods
    not invoiced yet are billed at the corrected values, the invoiced ones never change."""

    _name = "maintenance.contract.fee.correction.wizard"
    _description = "Correct Contract Fees"

    contract_id = fields.Many2one("maintenance.contract", required=True, readonly=True)
    reason = fields.Text(required=True)
    line_ids = fields.One2many(
        "maintenance.contract.fee.correction.wizard.line", "wizard_id", string="Fee Lines"
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        contract = self.env["maintenance.contract"].browse(res.get("contract_id"))
        if contract and "line_ids" in fields_list:
            res["line_ids"] = [
                Command.create(self._prepare_line_vals(line)) for line in contract.line_ids
            ]
        return res

    @api.model
    def _prepare_line_vals(self, line):
        return {
            "contract_line_id": line.id,
            "price_unit": line.price_unit,
            "quantity": line.quantity,
            "min_quantity": line.min_quantity,
            "tax_ids": [Command.set(line.tax_ids.ids)],
        }

    def action_apply(self):
        self.ensure_one()
        contract = self.contract_id
        contract._check_manager(self.env._("correct the fees of a contract"))
        contract._check_can_correct_fees()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the fee correction."))
        changes = [
            (wizard_line, wizard_line._get_changed_values())
            for wizard_line in self.line_ids.filtered("contract_line_id")
        ]
        changes = [(wizard_line, values) for wizard_line, values in changes if values]
        if not changes:
            raise UserError(self.env._("The fee correction changes nothing."))
        # the log in the language of the chatter, read before the lines change
        wizard = self.with_context(lang=self._get_log_lang())
        log = []
        for wizard_line, values in changes:
            line = wizard_line.contract_line_id
            log += wizard_line.with_env(wizard.env)._describe_changes(values)
            as_step(line).write(values)
        contract.message_post(body=wizard._correction_message(log))
        return {"type": "ir.actions.act_window_close"}

    def _get_log_lang(self):
        """Language of the correction's log: the user's, else the company's."""
        return (
            self.env.lang
            or self.env.user.lang
            or self.contract_id.company_id.partner_id.lang
            or "en_US"
        )

    def _correction_message(self, log):
        body = self.env._(
            "Fees corrected by %(user)s. Reason: %(reason)s",
            user=self.env.user.name,
            reason=self.reason.strip(),
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            body,
            Markup().join(Markup("<li>%s</li>") % entry for entry in log),
        )
