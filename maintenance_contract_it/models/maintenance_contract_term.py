from odoo import fields, models

RENEWAL_TYPES = [
    ("initial", "Initial term"),
    ("tacit", "Tacit renewal"),
    ("express", "Express renewal"),
]


class MaintenanceContractTerm(models.Model):
    """One term of a contract: the initial one, then one per renewal. The unique sequence per
    contract is what keeps a renewal from happening twice."""

    _name = "maintenance.contract.term"
    _description = "Maintenance Contract Term"
    _order = "contract_id, sequence"

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    sequence = fields.Integer(string="Renewal", required=True, help="0 for the initial term.")
    renewal_type = fields.Selection(RENEWAL_TYPES, required=True)
    date_start = fields.Date(string="Start", required=True)
    date_end = fields.Date(string="End", required=True)
    anchor_date = fields.Date(
        required=True, help="Date from which the end of this term is counted in months."
    )
    anchor_months = fields.Integer(required=True)

    _sql_constraints = [
        (
            "contract_sequence_unique",
            "UNIQUE(contract_id, sequence)",
            "A contract cannot be renewed twice for the same term.",
        ),
    ]
