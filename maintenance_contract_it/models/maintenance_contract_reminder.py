from odoo import fields, models


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
