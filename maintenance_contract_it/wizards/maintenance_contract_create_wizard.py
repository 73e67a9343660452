from odoo import api, fields, models


class MaintenanceContractCreateWizard(models.TransientModel):
    """Create a customer's contract from a template in one step."""

    _name = "maintenance.contract.create.wizard"
    _description = "New Maintenance Contract from a Template"
    _check_company_auto = True

    template_id = fields.Many2one(
        "maintenance.contract.template", required=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    title = fields.Char(string="Subject")
    date_start = fields.Date(string="Start Date", required=True, default=fields.Date.context_today)
    equipment_ids = fields.Many2many(
        "maintenance.contract.equipment",
        "maintenance_contract_create_wizard_equipment_rel",
        "wizard_id",
        "equipment_id",
        string="Covered Equipment",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id.company_id:
            self.company_id = self.template_id.company_id

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        self.equipment_ids = self.equipment_ids.filtered(
            lambda equipment: equipment.partner_id.commercial_partner_id
            == self.partner_id.commercial_partner_id
        )

    def action_create_contract(self):
        """Create the contract and open it."""
        self.ensure_one()
        contract = self.env["maintenance.contract"].create(self._prepare_contract_values())
        return {
            "type": "ir.actions.act_window",
            "res_model": "maintenance.contract",
            "res_id": contract.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _prepare_contract_values(self):
        self.ensure_one()
        values = self.template_id._prepare_contract_values(self.partner_id)
        values.update(
            {
                "company_id": self.company_id.id,
                "date_start": self.date_start,
                "equipment_ids": [fields.Command.set(self.equipment_ids.ids)],
            }
        )
        if self.title:
            values["title"] = self.title
        return values
