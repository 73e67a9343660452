from odoo import api, fields, models
from odoo.exceptions import UserError


class MaintenanceContractReminder(models.Model):
    """Log of the reminders made for a contract: one per activity type and date, so that the
    reminder job never makes the same reminder twice, even after its activity is done."""

    _name = "maintenance.contract.reminder"
    _description = "Maintenance Contract Reminder"
    _order = "date desc, id desc"

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    activity_type_id = fields.Many2one("mail.activity.type", required=True, ondelete="cascade")
    date = fields.Date(required=True, help="Date the reminder is about.")

    _sql_constraints = [
        (
            "contract_type_date_unique",
            "UNIQUE(contract_id, activity_type_id, date)",
            "This reminder was already made for this contract.",
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
                    "The reminder log of a contract is kept by its scheduled reminders only: "
                    "it cannot be created, changed or deleted by hand."
                )
            )
