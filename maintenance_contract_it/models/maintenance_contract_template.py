from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import get_lang

from ..tools.dates import BILLING_ALIGNMENTS, NOTICE_UNITS, TERM_UNITS
from .maintenance_contract import BILLING_FREQUENCIES
from .maintenance_contract_billing_mixin import INVOICE_AUTO_POST, INVOICE_GROUPING


class MaintenanceContractTemplate(models.Model):
    """Default terms from which contracts are made in one step."""

    _name = "maintenance.contract.template"
    _description = "Maintenance Contract Template"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    description = fields.Html(translate=True)
    include_preventive = fields.Boolean(string="Preventive maintenance", default=True)
    include_curative = fields.Boolean(string="Curative maintenance", default=True)
    include_evolutive = fields.Boolean(string="Evolutive maintenance")
    preventive_description = fields.Html(translate=True)
    curative_description = fields.Html(translate=True)
    evolutive_description = fields.Html(translate=True)
    exclusions = fields.Html(translate=True)
    specific_conditions = fields.Html(translate=True)
    initial_term = fields.Integer(default=12, required=True)
    initial_term_unit = fields.Selection(TERM_UNITS, default="month", required=True)
    tacit_renewal = fields.Boolean(default=True)
    renewal_term = fields.Integer(default=12, required=True)
    renewal_term_unit = fields.Selection(TERM_UNITS, default="month", required=True)
    notice_period = fields.Integer(default=3, required=True)
    notice_period_unit = fields.Selection(NOTICE_UNITS, default="month", required=True)
    billing_frequency = fields.Selection(BILLING_FREQUENCIES, default="monthly", required=True)
    billing_in_advance = fields.Boolean(string="Invoice in advance", default=True)
    payment_term_id = fields.Many2one("account.payment.term", check_company=True)
    # Billing terms (shared with the contract)
    billing_alignment = fields.Selection(BILLING_ALIGNMENTS, default="anchored", required=True)
    invoice_date_offset = fields.Integer(string="Invoice Days Earlier")
    invoice_auto_post = fields.Selection(
        INVOICE_AUTO_POST, string="Invoices Created As", default="company", required=True
    )
    invoice_grouping = fields.Selection(INVOICE_GROUPING, default="contract", required=True)
    extra_hourly_rate = fields.Float(string="Hourly rate for extra services")
    sla_policy_id = fields.Many2one("maintenance.sla.policy", check_company=True)
    line_ids = fields.One2many(
        "maintenance.contract.template.line", "template_id", string="Fee lines", copy=True
    )
    clause_ids = fields.Many2many(
        "maintenance.clause",
        string="Clauses",
        help="Clauses copied into contracts made from this template. Mandatory library "
        "clauses are always copied and cannot be removed from those contracts.",
    )

    @api.constrains("initial_term", "renewal_term", "notice_period")
    def _check_terms(self):
        for template in self:
            if template.initial_term <= 0 or template.renewal_term <= 0:
                raise ValidationError(
                    self.env._("The initial term and the renewal term must be positive.")
                )
            if template.notice_period < 0:
                raise ValidationError(self.env._("The notice period cannot be negative."))

    def action_new_contract(self):
        """Open the wizard that makes a contract from this template."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_create_wizard_action"
        )
        action["context"] = {"default_template_id": self.id}
        return action

    def _prepare_contract_values(self, partner):
        """Values of a new contract for ``partner`` made from this template, its texts in
        the customer's language."""
        self.ensure_one()
        lang = get_lang(self.env, partner.lang).code
        template = self.with_context(lang=lang)
        return {
            "template_id": template.id,
            "partner_id": partner.id,
            "company_id": (self.company_id or self.env.company).id,
            "include_preventive": template.include_preventive,
            "include_curative": template.include_curative,
            "include_evolutive": template.include_evolutive,
            "preventive_description": template.preventive_description,
            "curative_description": template.curative_description,
            "evolutive_description": template.evolutive_description,
            "exclusions": template.exclusions,
            "specific_conditions": template.specific_conditions,
            "initial_term": template.initial_term,
            "initial_term_unit": template.initial_term_unit,
            "tacit_renewal": template.tacit_renewal,
            "renewal_term": template.renewal_term,
            "renewal_term_unit": template.renewal_term_unit,
            "notice_period": template.notice_period,
            "notice_period_unit": template.notice_period_unit,
            "billing_frequency": template.billing_frequency,
            "billing_in_advance": template.billing_in_advance,
            "payment_term_id": template.payment_term_id.id,
            "billing_alignment": template.billing_alignment,
            "invoice_date_offset": template.invoice_date_offset,
            "invoice_auto_post": template.invoice_auto_post,
            "invoice_grouping": template.invoice_grouping,
            "extra_hourly_rate": template.extra_hourly_rate,
            "sla_policy_id": template.sla_policy_id.id,
            "line_ids": [line._prepare_contract_line_command() for line in template.line_ids],
            "clause_ids": template._prepare_contract_clause_commands(lang),
        }

    def _prepare_contract_clause_commands(self, lang=None, exclude=None):
        """Commands that copy the template's clauses, in ``lang``, into a contract, except the
        library clauses ``exclude`` (already in the contract)."""
        self.ensure_one()
        contract_clause = self.env["maintenance.contract.clause"]
        clauses = self.clause_ids - exclude if exclude else self.clause_ids
        return [
            Command.create(contract_clause._prepare_from_clause(clause, lang=lang))
            for clause in clauses.sorted(lambda c: (c.category_sequence, c.sequence, c.id))
        ]

    def _mandatory_clauses(self):
        """Library clauses every contract of this template must keep."""
        return self.clause_ids.filtered("mandatory")
