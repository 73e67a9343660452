from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools.dates import TERM_UNITS, to_months


class MaintenanceContractRenewWizard(models.TransientModel):
    """Express renewal of a contract by a manager, with the same or changed terms."""

    _name = "maintenance.contract.renew.wizard"
    _description = "Renew a Maintenance Contract"

    contract_id = fields.Many2one("maintenance.contract", required=True, readonly=True)
    current_date_end = fields.Date(related="contract_id.date_end", string="End of Current Term")
    renewal_term = fields.Integer(
        string="New Term", compute="_compute_renewal_term", store=True, readonly=False
    )
    renewal_term_unit = fields.Selection(
        TERM_UNITS, compute="_compute_renewal_term", store=True, readonly=False
    )
    date_end = fields.Date(
        string="New End Date",
        compute="_compute_date_end",
        store=True,
        readonly=False,
        help="Computed from the new term; change it to end the new term on another date.",
    )
    update_renewal_term = fields.Boolean(
        string="Keep as Renewal Term",
        help="Use this term length for the next renewals of the contract too.",
    )

    @api.depends("contract_id")
    def _compute_renewal_term(self):
        for wizard in self:
            wizard.renewal_term = wizard.contract_id.renewal_term
            wizard.renewal_term_unit = wizard.contract_id.renewal_term_unit

    @api.depends("contract_id", "renewal_term", "renewal_term_unit")
    def _compute_date_end(self):
        for wizard in self:
            contract = wizard.contract_id
            if contract.date_end and wizard.renewal_term > 0 and wizard.renewal_term_unit:
                wizard.date_end = contract._prepare_next_term_values(wizard._get_months())[
                    "date_end"
                ]
            else:
                wizard.date_end = False

    def _get_months(self):
        self.ensure_one()
        return to_months(self.renewal_term, self.renewal_term_unit)

    def action_renew(self):
        self.ensure_one()
        contract = self.contract_id
        contract._check_manager(self.env._("renew a contract"))
        contract._check_can_renew()
        if self.renewal_term <= 0:
            raise UserError(self.env._("The new term must be positive."))
        if not self.date_end or self.date_end <= contract.date_end:
            raise UserError(
                self.env._(
                    "The new end date must be after the end of the current term (%(end)s).",
                    end=format_date(self.env, contract.date_end),
                )
            )
        months = self._get_months()
        computed_end = contract._prepare_next_term_values(months)["date_end"]
        custom_end = self.date_end if self.date_end != computed_end else False
        if self.update_renewal_term:
            contract._write_step(
                {"renewal_term": self.renewal_term, "renewal_term_unit": self.renewal_term_unit}
            )
        if contract.state == "expired":
            contract._write_step({"state": "active"})
        contract._renew("express", months=months, date_end=custom_end)
        return {"type": "ir.actions.act_window_close"}
