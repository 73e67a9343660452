from odoo import api, fields, models
from odoo.exceptions import UserError

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

    @api.model_create_multi
    def create(self, vals_list):
        self._check_written_by_step()
        return super().create(vals_list)

    def write(self, vals):
        self._check_written_by_step()
        return super().write(vals)

    def unlink(self):
        self._check_written_by_step()
        return super().unlink()

    def _check_written_by_step(self):
        """Only the module's steps (through ``_as_step``, or as superuser in its jobs) write
        these records, never a user."""
        if not (self.env.su or self.env["maintenance.step.mixin"]._is_step()):
            raise UserError(
                self.env._(
                    "The terms of a contract are recorded by its activation, renewals and "
                    "amendments only: they cannot be created, changed or deleted by hand."
                )
            )
