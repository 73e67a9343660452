from odoo import fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    intervention_ids = fields.One2many(
        "maintenance.intervention", "ticket_id", string="Interventions"
    )
    intervention_count = fields.Integer(compute="_compute_intervention_count")

    def _compute_intervention_count(self):
        counts = dict(
            self.env["maintenance.intervention"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.intervention_count = counts.get(ticket, 0)

    def action_log_intervention(self):
        """Open a new intervention report prefilled from the ticket."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_intervention_action"
        )
        action.update(
            {
                "views": [(False, "form")],
                "view_mode": "form",
                "target": "current",
                "context": {
                    "default_ticket_id": self.id,
                    "default_kind": "curative",
                    "default_summary": self.name,
                },
            }
        )
        return action

    def action_view_interventions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_intervention_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id, "default_kind": "curative"}
        return action

    def _get_intervention_contract(self):
        """The contract an intervention on this ticket falls under: the ticket's own contract
        when it has one, else its customer's active contract covering its equipment, else the
        customer's single active contract."""
        self.ensure_one()
        if "contract_id" in self._fields and self.contract_id:
            return self.contract_id
        if not self.commercial_partner_id:
            return self.env["maintenance.contract"]
        contracts = self.env["maintenance.contract"].search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("state", "=", "active"),
                ("company_id", "=", self.company_id.id),
            ]
        )
        equipment = self._get_intervention_equipment()
        if equipment:
            covering = contracts.filtered(lambda c: equipment in c.equipment_ids)
            if covering:
                return covering[:1]
        return contracts if len(contracts) == 1 else self.env["maintenance.contract"]

    def _get_intervention_equipment(self):
        """The equipment the ticket is about, when the ticket records one."""
        self.ensure_one()
        if "equipment_id" in self._fields:
            return self.equipment_id
        return self.env["maintenance.contract.equipment"]

    def _is_intervention_covered(self):
        """Whether work on this ticket is covered by its contract: not when the agent flagged
        the ticket as not covered (the SLA part's ``not_covered``, e.g. an exclusion)."""
        self.ensure_one()
        return not ("not_covered" in self._fields and self.not_covered)
