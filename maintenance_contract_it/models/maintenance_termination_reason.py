from odoo import fields, models


class MaintenanceTerminationReason(models.Model):
    _name = "maintenance.termination.reason"
    _description = "Contract Termination Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A termination reason with this name already exists."),
    ]
