from odoo import fields, models

from .res_company import FRENCH_COUNTRY_CODES

# Fields that customers (portal users) must not read are restricted to this group.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    maintenance_contract_ids = fields.One2many(
        "maintenance.contract", "partner_id", string="Maintenance Contracts", groups=USER_GROUP
    )
    maintenance_contract_count = fields.Integer(
        compute="_compute_maintenance_counts", string="Contracts", groups=USER_GROUP
    )
    maintenance_equipment_count = fields.Integer(
        compute="_compute_maintenance_counts", string="Equipment", groups=USER_GROUP
    )

    def _compute_maintenance_counts(self):
        commercial = self.commercial_partner_id
        contract_counts = dict(
            self.env["maintenance.contract"]._read_group(
                [("commercial_partner_id", "in", commercial.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        equipment_counts = dict(
            self.env["maintenance.contract.equipment"]._read_group(
                [("partner_id", "child_of", commercial.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.maintenance_contract_count = contract_counts.get(
                partner.commercial_partner_id, 0
            )
            partner.maintenance_equipment_count = sum(
                count
                for equipment_partner, count in equipment_counts.items()
                if equipment_partner.commercial_partner_id == partner.commercial_partner_id
            )

    def action_view_maintenance_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_maintenance_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_equipment_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    maintenance_can_give_notice = fields.Boolean(
        string="May Give Notice Online",
        groups=USER_GROUP,
        help="This contact may give notice of termination of the customer's maintenance "
        "contracts on the portal.",
    )

    def write(self, vals):
        if "country_id" not in vals:
            return super().write(vals)
        # the contacts of companies that become French (the company form writes the
        # company's country on its contact too)
        not_french = self.filtered(
            lambda partner: partner.country_id.code not in FRENCH_COUNTRY_CODES
        )
        result = super().write(vals)
        not_french._maintenance_apply_company_french_defaults()
        return result

    def _maintenance_apply_company_french_defaults(self):
        """The companies of the contacts ``self`` (whose country changed) get the French
        defaults they have not set, the values written with the country on the company form
        kept (context ``maintenance_french_keep``)."""
        if not self:
            return
        companies = self.env["res.company"].sudo().search([("partner_id", "in", self.ids)])
        companies._maintenance_apply_french_defaults(
            keep=self.env.context.get("maintenance_french_keep", ())
        )
