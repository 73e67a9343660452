from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.dates import NOTICE_UNITS, TERM_UNITS, term_end

BILLING_FREQUENCIES = [
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("semiannual", "Half-yearly"),
    ("yearly", "Yearly"),
]
PERIODS_PER_YEAR = {"monthly": 12, "quarterly": 4, "semiannual": 2, "yearly": 1}
CONTRACT_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
    ("cancelled", "Cancelled"),
]


class MaintenanceContract(models.Model):
    """A customer's IT maintenance contract."""

    _name = "maintenance.contract"
    _description = "Maintenance Contract"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    # Identification
    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/", index=True
    )
    title = fields.Char(string="Subject", tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    contact_ids = fields.Many2many(
        "res.partner",
        "maintenance_contract_contact_rel",
        "contract_id",
        "partner_id",
        string="Customer Contacts",
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('is_company', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    template_id = fields.Many2one("maintenance.contract.template", check_company=True)
    state = fields.Selection(
        CONTRACT_STATES,
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,
    )
    color = fields.Integer()

    # Object of the contract
    include_preventive = fields.Boolean(string="Preventive maintenance", tracking=True)
    include_curative = fields.Boolean(string="Curative maintenance", tracking=True)
    include_evolutive = fields.Boolean(string="Evolutive maintenance", tracking=True)
    preventive_description = fields.Html()
    curative_description = fields.Html()
    evolutive_description = fields.Html()
    equipment_ids = fields.Many2many(
        "maintenance.contract.equipment",
        "maintenance_contract_equipment_rel",
        "contract_id",
        "equipment_id",
        string="Covered Equipment",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    equipment_count = fields.Integer(compute="_compute_equipment_count")
    exclusions = fields.Html()
    specific_conditions = fields.Html()

    # Duration
    date_start = fields.Date(
        string="Start Date", required=True, tracking=True, default=fields.Date.context_today
    )
    initial_term = fields.Integer(default=12, required=True)
    initial_term_unit = fields.Selection(TERM_UNITS, default="month", required=True)
    date_end = fields.Date(
        string="End of Current Term",
        compute="_compute_date_end",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
    )
    tacit_renewal = fields.Boolean(default=True, tracking=True)
    renewal_term = fields.Integer(default=12, required=True)
    renewal_term_unit = fields.Selection(TERM_UNITS, default="month", required=True)
    notice_period = fields.Integer(default=3, required=True)
    notice_period_unit = fields.Selection(NOTICE_UNITS, default="month", required=True)

    # Financial terms
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    billing_frequency = fields.Selection(
        BILLING_FREQUENCIES, default="monthly", required=True, tracking=True
    )
    billing_in_advance = fields.Boolean(
        string="Invoice in advance",
        default=True,
        help="Invoice each period at its start (in advance) rather than at its end "
        "(in arrears).",
    )
    payment_term_id = fields.Many2one("account.payment.term", check_company=True)
    journal_id = fields.Many2one(
        "account.journal",
        string="Sales Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
    )
    line_ids = fields.One2many(
        "maintenance.contract.line", "contract_id", string="Recurring Fees", copy=True
    )
    extra_hourly_rate = fields.Monetary(
        string="Hourly Rate for Extra Services", currency_field="currency_id"
    )
    amount_period = fields.Monetary(
        string="Recurring Amount per Period",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_yearly = fields.Monetary(
        string="Yearly Amount",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )

    # Service levels
    sla_policy_id = fields.Many2one(
        "maintenance.sla.policy", string="SLA Policy", tracking=True, check_company=True
    )

    # Clauses
    clause_ids = fields.One2many(
        "maintenance.contract.clause", "contract_id", string="Clauses", copy=True
    )

    internal_note = fields.Html(string="Internal Notes")

    _sql_constraints = [
        (
            "name_company_unique",
            "UNIQUE(name, company_id)",
            "A contract with this reference already exists in this company.",
        ),
    ]

    @api.depends("equipment_ids")
    def _compute_equipment_count(self):
        for contract in self:
            contract.equipment_count = len(contract.equipment_ids)

    @api.depends("date_start", "initial_term", "initial_term_unit")
    def _compute_date_end(self):
        for contract in self:
            if contract.date_start and contract.initial_term > 0:
                contract.date_end = term_end(
                    contract.date_start, contract.initial_term, contract.initial_term_unit
                )
            else:
                contract.date_end = False

    @api.depends("line_ids.price_subtotal", "billing_frequency")
    def _compute_amounts(self):
        for contract in self:
            contract.amount_period = sum(contract.line_ids.mapped("price_subtotal"))
            contract.amount_yearly = contract.amount_period * PERIODS_PER_YEAR.get(
                contract.billing_frequency, 1
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for contract in self:
            contract.access_url = f"/my/contracts/{contract.id}"
        return res

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if (
                contract.date_end
                and contract.date_start
                and contract.date_end < contract.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "The contract %(contract)s cannot end (%(end)s) before it starts "
                        "(%(start)s).",
                        contract=contract.display_name,
                        end=contract.date_end,
                        start=contract.date_start,
                    )
                )

    @api.constrains("initial_term", "renewal_term", "notice_period")
    def _check_terms(self):
        for contract in self:
            if contract.initial_term <= 0:
                raise ValidationError(self.env._("The initial term must be positive."))
            if contract.renewal_term <= 0:
                raise ValidationError(self.env._("The renewal term must be positive."))
            if contract.notice_period < 0:
                raise ValidationError(self.env._("The notice period cannot be negative."))

    @api.constrains("equipment_ids", "state")
    def _check_equipment_coverage(self):
        """An equipment is covered by at most one active contract at a time."""
        equipment = self.filtered(lambda c: c.state == "active").equipment_ids
        for item in equipment:
            active = item.contract_ids.filtered(lambda c: c.state == "active")
            if len(active) > 1:
                raise ValidationError(
                    self.env._(
                        "The equipment %(equipment)s is already covered by the active "
                        "contract %(contract)s.",
                        equipment=item.display_name,
                        contract=(active - self)[:1].name or active[0].name,
                    )
                )

    @api.constrains("equipment_ids", "partner_id")
    def _check_equipment_partner(self):
        for contract in self:
            foreign = contract.equipment_ids.filtered(
                lambda e, c=contract: e.partner_id.commercial_partner_id != c.commercial_partner_id
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "The equipment %(equipment)s does not belong to the customer "
                        "%(customer)s.",
                        equipment=", ".join(foreign.mapped("display_name")),
                        customer=contract.partner_id.display_name,
                    )
                )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        """Fill the contract from the template: its terms and fee lines replace the current
        ones, its clauses replace the library clauses; mandatory clauses and the clauses
        written for this contract stay."""
        if not self.template_id:
            return
        values = self.template_id._prepare_contract_values(self.partner_id)
        for fname in ("partner_id", "company_id", "line_ids", "clause_ids"):
            values.pop(fname)
        self.update(values)
        self.line_ids = [Command.clear()] + [
            line._prepare_contract_line_command() for line in self.template_id.line_ids
        ]
        kept = self.clause_ids.filtered(lambda clause: clause.mandatory or not clause.clause_id)
        new_clauses = self.env["maintenance.contract.clause"]
        for command in self.template_id._prepare_contract_clause_commands(
            self._get_clause_lang(), exclude=kept.clause_id
        ):
            new_clauses |= new_clauses.new(command[2])
        self.clause_ids = kept | new_clauses

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("maintenance.contract", sequence_date=vals.get("date_start"))
                    or "/"
                )
        contracts = super().create(vals_list)
        contracts._add_mandatory_clauses()
        return contracts

    def write(self, vals):
        res = super().write(vals)
        if vals.get("template_id"):
            self._add_mandatory_clauses()
        return res

    def _add_mandatory_clauses(self):
        """Add the template's mandatory clauses that a contract is missing, in the
        customer's language."""
        contract_clause = self.env["maintenance.contract.clause"]
        vals_list = []
        for contract in self.filtered("template_id"):
            lang = contract._get_clause_lang()
            missing = contract.template_id._mandatory_clauses() - contract.clause_ids.clause_id
            vals_list += [
                {
                    **contract_clause._prepare_from_clause(clause, lang=lang),
                    "contract_id": contract.id,
                }
                for clause in missing
            ]
        return contract_clause.create(vals_list)

    def action_view_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_equipment_action"
        )
        action["domain"] = [("id", "in", self.equipment_ids.ids)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def action_print_contract(self):
        report = self.env.ref("maintenance_contract_it.maintenance_contract_report_action")
        return report.report_action(self, config=False)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Contract %(reference)s", reference=self.name)
