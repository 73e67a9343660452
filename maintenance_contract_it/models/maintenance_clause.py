from odoo import api, fields, models

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

    @api.depends("category")
    def _compute_category_sequence(self):
        order = {key: index for index, (key, _label) in enumerate(CLAUSE_CATEGORIES)}
        for clause in self:
            clause.category_sequence = order.get(clause.category, len(order))
