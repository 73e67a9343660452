from odoo import fields, models

from .maintenance_contract_equipment import EQUIPMENT_CATEGORIES


class MaintenanceContractEquipmentCategory(models.Model):
    """An equipment category (the covered equipment's *Category*) as a record, so that a fee
    billed per covered equipment counts the equipment of one or more categories."""

    _name = "maintenance.contract.equipment.category"
    _description = "Equipment Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(EQUIPMENT_CATEGORIES, required=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "There is already a record of this equipment category."),
    ]
