from odoo import api, fields, models
from odoo.tools import get_lang

CLAUSE_CATEGORIES = [
    ("object", "Object"),
    ("provider_obligations", "Provider's obligations"),
    ("customer_obligations", "Customer's obligations"),
    ("duration", "Duration and renewal"),
    ("termination", "Termination"),
    ("payment", "Payment"),
    ("service_levels", "Service levels"),
    ("security", "Confidentiality and security"),
    ("personal_data", "Personal data (GDPR art. 28 annex)"),
    ("specific", "Specific conditions"),
]

CATEGORY_ORDER = {key: index for index, (key, _label) in enumerate(CLAUSE_CATEGORIES)}


class MaintenanceClauseMixin(models.AbstractModel):
    """What a clause of the library and a clause of a contract share: title, category and
    its order, text with placeholders, the check of these placeholders and their help."""

    _name = "maintenance.clause.mixin"
    _description = "Contract Clause (shared fields)"

    name = fields.Char(string="Title", required=True)
    category = fields.Selection(CLAUSE_CATEGORIES, required=True, default="specific")
    category_sequence = fields.Integer(
        compute="_compute_category_sequence", store=True, aggregator=False
    )
    sequence = fields.Integer(default=10)
    body = fields.Html(
        help="Text of the clause. Placeholders such as {{ customer }} are replaced by the "
        "contract's values when the clause is rendered.",
    )
    placeholders_help = fields.Html(string="Placeholders", compute="_compute_placeholders_help")

    @api.depends("category")
    def _compute_category_sequence(self):
        for clause in self:
            clause.category_sequence = CATEGORY_ORDER.get(clause.category, len(CATEGORY_ORDER))

    def _compute_placeholders_help(self):
        self.placeholders_help = self.env["maintenance.contract"]._get_clause_placeholders_help()

    @api.constrains("body")
    def _check_body_placeholders(self):
        """The body (every translation of it, if it is translated) is not too long and only
        uses known placeholders."""
        contract_model = self.env["maintenance.contract"]
        langs = {get_lang(self.env).code}
        if self._fields["body"].translate:
            langs.update(code for code, _name in self.env["res.lang"].get_installed())
        for clause in self:
            for lang in langs:
                translated = clause.with_context(lang=lang)
                contract_model._check_clause_placeholders(translated.body, translated.name)
