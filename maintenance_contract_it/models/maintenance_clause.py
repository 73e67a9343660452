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


class MaintenanceClause(models.Model):
    """A clause of the library, copied into contracts and templates."""

    _name = "maintenance.clause"
    _description = "Contract Clause (library)"
    _order = "category_sequence, sequence, id"

    name = fields.Char(string="Title", required=True, translate=True)
    category = fields.Selection(CLAUSE_CATEGORIES, required=True, default="specific")
    category_sequence = fields.Integer(
        compute="_compute_category_sequence", store=True, aggregator=False
    )
    body = fields.Html(
        translate=True,
        sanitize=True,
        help="Text of the clause. Placeholders such as {{ customer }} are replaced by the "
        "contract's values when the clause is rendered.",
    )
    sequence = fields.Integer(default=10)
    mandatory = fields.Boolean(
        help="A mandatory clause is added to every contract made from a template that "
        "uses it, and cannot be removed from that contract."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company")
    placeholders_help = fields.Html(
        string="Placeholders", compute="_compute_placeholders_help", sanitize=False
    )

    @api.depends("category")
    def _compute_category_sequence(self):
        for clause in self:
            clause.category_sequence = CATEGORY_ORDER.get(clause.category, len(CATEGORY_ORDER))

    def _compute_placeholders_help(self):
        self.placeholders_help = self.env["maintenance.contract"]._get_clause_placeholders_help()

    @api.constrains("body")
    def _check_body_placeholders(self):
        """Every translation of the body only uses known placeholders."""
        contract_model = self.env["maintenance.contract"]
        langs = {code for code, _name in self.env["res.lang"].get_installed()}
        langs.add(get_lang(self.env).code)
        for clause in self:
            for lang in langs:
                translated = clause.with_context(lang=lang)
                contract_model._check_clause_placeholders(translated.body, translated.name)

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=None):
        res = super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )
        if field_name == "body":
            self._check_body_placeholders()
        return res
