from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.maintenance_contract import NOTICE_CHANNELS, NOTICE_GIVERS


class MaintenanceContractNoticeWizard(models.TransientModel):
    """Record a notice of termination, from the customer or the provider."""

    _name = "maintenance.contract.notice.wizard"
    _description = "Give Notice of Termination"

    contract_id = fields.Many2one("maintenance.contract", required=True, readonly=True)
    company_id = fields.Many2one(related="contract_id.company_id")
    currency_id = fields.Many2one(related="contract_id.currency_id")
    date_end = fields.Date(related="contract_id.date_end", string="End of Current Term")
    notice_deadline = fields.Date(related="contract_id.notice_deadline")
    notice_date = fields.Date(
        string="Notice Received On", required=True, default=fields.Date.context_today
    )
    given_by = fields.Selection(NOTICE_GIVERS, required=True, default="customer")
    channel = fields.Selection(NOTICE_CHANNELS, required=True, default="registered_letter")
    reason_id = fields.Many2one("maintenance.termination.reason")
    in_time = fields.Boolean(compute="_compute_normal_end_date")
    normal_end_date = fields.Date(
        compute="_compute_normal_end_date",
        string="End by Notice",
        help="End of the current term when notice is given in time, else end of the next term.",
    )
    early_termination = fields.Boolean(
        help="End the contract before the end of its term, with the penalty of the contract."
    )
    date_effective = fields.Date(
        string="Last Day of the Contract",
        compute="_compute_date_effective",
        store=True,
        readonly=False,
    )
    penalty_amount = fields.Monetary(
        compute="_compute_penalty_amount", currency_field="currency_id"
    )
    penalty_type = fields.Selection(related="contract_id.termination_penalty_type")
    create_invoice = fields.Boolean(
        string="Invoice the Penalty",
        default=True,
        help="Create a draft customer invoice of the penalty, linked to the contract.",
    )
    proof = fields.Binary(string="Proof of Notice", help="Letter, email or receipt.")
    proof_filename = fields.Char()
    send_acknowledgement = fields.Boolean(
        compute="_compute_send_acknowledgement",
        store=True,
        readonly=False,
        help="Email the customer an acknowledgement of the notice.",
    )

    @api.depends("contract_id", "notice_date")
    def _compute_normal_end_date(self):
        for wizard in self:
            contract = wizard.contract_id
            if contract and wizard.notice_date and contract.date_end:
                wizard.in_time = (
                    not contract.tacit_renewal or wizard.notice_date <= contract.notice_deadline
                )
                wizard.normal_end_date = contract._get_notice_end_date(wizard.notice_date)
            else:
                wizard.in_time = False
                wizard.normal_end_date = False

    @api.depends("normal_end_date", "early_termination")
    def _compute_date_effective(self):
        for wizard in self:
            if not wizard.early_termination or not wizard.date_effective:
                wizard.date_effective = wizard.normal_end_date

    @api.depends("contract_id", "early_termination", "date_effective", "normal_end_date")
    def _compute_penalty_amount(self):
        for wizard in self:
            if wizard.early_termination and wizard.date_effective and wizard.normal_end_date:
                wizard.penalty_amount = wizard.contract_id._get_early_termination_penalty(
                    wizard.date_effective, wizard.normal_end_date
                )
            else:
                wizard.penalty_amount = 0.0

    @api.depends("contract_id")
    def _compute_send_acknowledgement(self):
        for wizard in self:
            wizard.send_acknowledgement = (
                wizard.contract_id.company_id.maintenance_auto_send_termination_ack
            )

    def _check_dates(self):
        self.ensure_one()
        self._check_notice_date()
        if not self.date_effective:
            raise UserError(self.env._("Set the last day of the contract."))
        if self.date_effective < self.notice_date:
            raise UserError(
                self.env._(
                    "The contract cannot end (%(end)s) before the notice is received "
                    "(%(notice)s).",
                    end=format_date(self.env, self.date_effective),
                    notice=format_date(self.env, self.notice_date),
                )
            )
        if not self.early_termination and self.date_effective != self.normal_end_date:
            raise UserError(
                self.env._(
                    "Without early termination, the contract ends on %(end)s.",
                    end=format_date(self.env, self.normal_end_date),
                )
            )
        if self.early_termination and self.date_effective > self.normal_end_date:
            raise UserError(
                self.env._(
                    "An early termination must end the contract on or before %(end)s.",
                    end=format_date(self.env, self.normal_end_date),
                )
            )

    def _check_notice_date(self):
        """The notice is received during the contract's life, and not in the future."""
        self.ensure_one()
        contract = self.contract_id
        today = fields.Date.context_today(self)
        if self.notice_date > today:
            raise UserError(
                self.env._(
                    "A notice cannot be received in the future (%(notice)s): enter the day it "
                    "was received.",
                    notice=format_date(self.env, self.notice_date),
                )
            )
        if contract.date_start and self.notice_date < contract.date_start:
            raise UserError(
                self.env._(
                    "The notice (%(notice)s) cannot be received before the contract "
                    "%(contract)s starts (%(start)s).",
                    notice=format_date(self.env, self.notice_date),
                    contract=contract.name,
                    start=format_date(self.env, contract.date_start),
                )
            )

    def _prepare_notice_values(self):
        self.ensure_one()
        values = {
            "notice_date": self.notice_date,
            "notice_given_by": self.given_by,
            "notice_channel": self.channel,
            "termination_reason_id": self.reason_id.id,
            "termination_date": self.date_effective,
            "early_termination": self.early_termination,
        }
        if self.proof:
            values["notice_attachment_id"] = (
                self.env["ir.attachment"]
                .create(
                    {
                        "name": self.proof_filename or self.env._("Proof of notice"),
                        "datas": self.proof,
                        "res_model": "maintenance.contract",
                        "res_id": self.contract_id.id,
                    }
                )
                .id
            )
        return values

    def action_confirm(self):
        self.ensure_one()
        contract = self.contract_id
        contract._check_manager(self.env._("record a notice of termination"))
        self._check_dates()
        contract._record_notice(self._prepare_notice_values())
        if self.early_termination and self.create_invoice and self.penalty_amount > 0:
            contract._create_penalty_invoice(self.penalty_amount)
        if self.send_acknowledgement:
            contract._send_customer_email(
                "maintenance_contract_it.mail_template_termination_acknowledgement"
            )
        return {"type": "ir.actions.act_window_close"}
