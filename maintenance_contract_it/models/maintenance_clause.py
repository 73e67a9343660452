from odoo import fields, models


class MaintenanceClause(models.Model):
    """A clause of the library, copied into contracts and templates."""

    _name = "maintenance.clause"
    _inherit = ["maintenance.clause.mixin"]
    _description = "Contract Clause (library)"
    _order = "category_sequence, sequence, id"

    name = fields.Char(translate=True)
    body = fields.Html(translate=True)
    mandatory = fields.Boolean(
        help="A mandatory clause is added to every contract made from a template that "
        "uses it, and cannot be removed from that contract."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company")

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=None):
        res = super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )
        if field_name == "body":
            self._check_body_placeholders()
        return res
