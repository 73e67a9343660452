from odoo import api, fields, models
from odoo.exceptions import UserError


class MaintenanceContractClause(models.Model):
    """A clause of one contract: an editable copy of a library clause, or one written for
    this contract only."""

    _name = "maintenance.contract.clause"
    _inherit = ["maintenance.clause.mixin"]
    _description = "Contract Clause"
    _order = "contract_id, category_sequence, sequence, id"

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    clause_id = fields.Many2one("maintenance.clause", string="Library Clause", ondelete="set null")
    mandatory = fields.Boolean(
        compute="_compute_mandatory",
        store=True,
        help="Copy of a mandatory library clause: it cannot be removed from the contract.",
    )
    body_rendered = fields.Html(
        string="Rendered Text",
        compute="_compute_body_rendered",
        # Sanitized by _render_clause_body() and _sanitize_clause_html() (html_sanitize after
        # the placeholders are replaced); a second sanitization here would turn the no-break
        # spaces of the formatted values into &nbsp; and cost a parse at every read.
        sanitize=False,
        help="The text with its placeholders filled from the contract, in the customer's "
        "language.",
    )

    @api.depends("clause_id.mandatory")
    def _compute_mandatory(self):
        for clause in self:
            clause.mandatory = clause.clause_id.mandatory

    @api.depends("body", "contract_id")
    def _compute_body_rendered(self):
        for clause in self:
            if clause.contract_id:
                # the placeholders are the contract's terms, which the customer reading the
                # clause may read, e.g. the provider's address
                clause.body_rendered = clause.contract_id.sudo()._render_clause_body(clause.body)
            else:
                clause.body_rendered = clause.env["maintenance.contract"]._sanitize_clause_html(
                    clause.body
                )

    @api.onchange("clause_id")
    def _onchange_clause_id(self):
        """Copy the chosen library clause, in the customer's language."""
        if self.clause_id:
            lang = self.contract_id._get_clause_lang() if self.contract_id else None
            values = self._prepare_from_clause(self.clause_id, lang=lang)
            values.pop("clause_id")
            self.update(values)

    @api.model_create_multi
    def create(self, vals_list):
        # what the customer signed is frozen (see maintenance.signed.document.mixin)
        self.env["maintenance.contract"].browse(
            {vals["contract_id"] for vals in vals_list if vals.get("contract_id")}
        )._check_signed_content_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.contract_id._check_signed_content_editable()
        if any(fname in vals for fname in ("clause_id", "contract_id")):
            for clause in self.filtered("mandatory"):
                if (
                    vals.get("clause_id", clause.clause_id.id) != clause.clause_id.id
                    or vals.get("contract_id", clause.contract_id.id) != clause.contract_id.id
                ):
                    clause._raise_mandatory()
        return super().write(vals)

    @api.model
    def _prepare_from_clause(self, clause, lang=None):
        """Values copying the library ``clause``, its texts in ``lang`` (the customer's
        language)."""
        if lang:
            clause = clause.with_context(lang=lang)
        return {
            "clause_id": clause.id,
            "name": clause.name,
            "category": clause.category,
            "sequence": clause.sequence,
            "body": clause.body,
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        self.contract_id._check_signed_content_editable()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_mandatory(self):
        for clause in self:
            if clause.mandatory and clause.contract_id.state != "cancelled":
                clause._raise_mandatory()

    def _raise_mandatory(self):
        self.ensure_one()
        raise UserError(
            self.env._(
                "The clause “%(clause)s” is mandatory and cannot be removed from the contract "
                "%(contract)s.",
                clause=self.name,
                contract=self.contract_id.name,
            )
        )
