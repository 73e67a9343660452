from odoo import Command, api, fields, models
from odoo.tools import get_lang


class MaintenanceContractTemplate(models.Model):
    """Default terms from which contracts are made in one step."""

    _name = "maintenance.contract.template"
    _inherit = "maintenance.contract.terms"
    _description = "Maintenance Contract Template"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        compute="_compute_currency_id",
        help="Currency of the amounts of the template: the currency of its company.",
    )
    description = fields.Html(translate=True)
    # The texts of the terms are translated: a contract takes them in its customer's language.
    include_preventive = fields.Boolean(default=True)
    include_curative = fields.Boolean(default=True)
    preventive_description = fields.Html(translate=True)
    curative_description = fields.Html(translate=True)
    evolutive_description = fields.Html(translate=True)
    exclusions = fields.Html(translate=True)
    specific_conditions = fields.Html(translate=True)
    line_ids = fields.One2many(
        "maintenance.contract.template.line", "template_id", string="Fee lines", copy=True
    )
    clause_ids = fields.Many2many(
        "maintenance.clause",
        string="Clauses",
        help="Clauses copied into contracts made from this template. Mandatory library "
        "clauses are always copied and cannot be removed from those contracts.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for template in self:
            template.currency_id = (template.company_id or self.env.company).currency_id

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
            **template._prepare_terms_values(),
            "template_id": template.id,
            "partner_id": partner.id,
            "company_id": (self.company_id or self.env.company).id,
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
