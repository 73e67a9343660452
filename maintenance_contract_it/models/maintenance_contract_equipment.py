from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Fields that customers (portal users) must not read are restricted to this group.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"
EQUIPMENT_CATEGORIES = [
    ("workstation", "Workstation"),
    ("laptop", "Laptop"),
    ("server", "Server"),
    ("storage", "Storage"),
    ("network", "Network device"),
    ("printer", "Printer"),
    ("phone", "Telephony"),
    ("software", "Software"),
    ("other", "Other"),
]


class MaintenanceContractEquipment(models.Model):
    """A piece of the customer's equipment that a contract may cover."""

    _name = "maintenance.contract.equipment"
    _description = "Covered Equipment"
    _inherit = ["mail.thread"]
    _order = "partner_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    category = fields.Selection(
        EQUIPMENT_CATEGORIES,
        default="workstation",
        required=True,
    )
    brand = fields.Char()
    model = fields.Char()
    serial_number = fields.Char(tracking=True, copy=False)
    location = fields.Char(string="Site / Location")
    installation_date = fields.Date()
    warranty_end_date = fields.Date(string="Warranty End")
    note = fields.Html(string="Notes", groups=USER_GROUP)
    contract_ids = fields.Many2many(
        "maintenance.contract",
        "maintenance_contract_equipment_rel",
        "equipment_id",
        "contract_id",
        string="Contracts",
        check_company=True,
    )
    active_contract_id = fields.Many2one(
        "maintenance.contract",
        string="Covered by",
        compute="_compute_active_contract_id",
        help="The active contract that covers this equipment.",
    )
    contract_count = fields.Integer(compute="_compute_contract_count")

    _sql_constraints = [
        (
            "serial_unique",
            "UNIQUE(company_id, serial_number)",
            "Another equipment already has this serial number.",
        ),
    ]

    @api.depends("contract_ids.state")
    def _compute_active_contract_id(self):
        for equipment in self:
            equipment.active_contract_id = equipment.contract_ids.filtered(
                lambda contract: contract.state == "active"
            )[:1]

    @api.depends("contract_ids")
    def _compute_contract_count(self):
        for equipment in self:
            equipment.contract_count = len(equipment.contract_ids)

    @api.constrains("warranty_end_date", "installation_date")
    def _check_dates(self):
        for equipment in self:
            if (
                equipment.warranty_end_date
                and equipment.installation_date
                and equipment.warranty_end_date < equipment.installation_date
            ):
                raise ValidationError(
                    self.env._(
                        "The warranty of %(equipment)s cannot end before its installation.",
                        equipment=equipment.name,
                    )
                )

    @api.constrains("contract_ids", "partner_id")
    def _check_contracts(self):
        """The contract side's rules whichever side links them: the equipment belongs to the
        contract's customer, and at most one active contract covers it."""
        contracts = self.contract_ids
        contracts._check_equipment_partner()
        contracts._check_equipment_coverage()

    @api.model_create_multi
    def create(self, vals_list):
        equipment = super().create(vals_list)
        self.env["maintenance.contract.equipment.coverage"]._sync_from_links(
            set(), {(c.id, e.id) for e in equipment for c in e.contract_ids}
        )
        return equipment

    def write(self, vals):
        links = "contract_ids" in vals and self.contract_ids._get_equipment_links()
        contracts = self.contract_ids
        res = super().write(vals)
        if links is not False:
            self.env["maintenance.contract.equipment.coverage"]._sync_from_links(
                {(c, e) for c, e in links if e in self.ids},
                {
                    (c, e)
                    for c, e in (contracts | self.contract_ids)._get_equipment_links()
                    if e in self.ids
                },
            )
        return res

    @api.depends("serial_number")
    def _compute_display_name(self):
        for equipment in self:
            if equipment.serial_number:
                equipment.display_name = f"{equipment.name} ({equipment.serial_number})"
            else:
                equipment.display_name = equipment.name

    def action_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_action"
        )
        action["domain"] = [("id", "in", self.contract_ids.ids)]
        return action
