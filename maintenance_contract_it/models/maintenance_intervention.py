from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

INTERVENTION_KINDS = [
    ("preventive", "Preventive"),
    ("curative", "Curative"),
    ("evolutive", "Evolutive"),
]
INTERVENTION_STATES = [
    ("planned", "Planned"),
    ("done", "Done"),
    ("signed", "Signed"),
    ("cancelled", "Cancelled"),
]
# States whose time counts as the contract's consumption.
CONSUMED_STATES = ("done", "signed")


class MaintenanceIntervention(models.Model):
    """An intervention report ("fiche d'intervention"): what a technician did, when, for whom,
    under which contract, signed by the customer."""

    _name = "maintenance.intervention"
    _description = "Intervention Report"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "scheduled_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/", index=True
    )
    summary = fields.Char(string="Subject", tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    ticket_id = fields.Many2one("helpdesk.ticket", index="btree_not_null", check_company=True)
    contract_id = fields.Many2one(
        "maintenance.contract",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('state', '=', 'active'), ('commercial_partner_id', '=', commercial_partner_id)] "
        "if commercial_partner_id else [('state', '=', 'active')]",
        help="Leave empty for work outside any contract: it is then billable.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    equipment_id = fields.Many2one(
        "maintenance.contract.equipment",
        check_company=True,
        compute="_compute_equipment_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    user_ids = fields.Many2many(
        "res.users",
        "maintenance_intervention_user_rel",
        "intervention_id",
        "user_id",
        string="Technicians",
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Lead Technician",
        index=True,
        compute="_compute_user_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', user_ids)]",
    )
    kind = fields.Selection(INTERVENTION_KINDS, required=True, default="curative", tracking=True)
    state = fields.Selection(
        INTERVENTION_STATES,
        default="planned",
        required=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,
    )
    color = fields.Integer()
    plan_id = fields.Many2one(
        "maintenance.preventive.plan",
        string="Preventive Plan",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
    )
    plan_date = fields.Date(
        string="Plan Occurrence",
        readonly=True,
        copy=False,
        help="The date of the preventive plan this visit was created for.",
    )

    # Time
    scheduled_start = fields.Datetime(tracking=True, index=True)
    scheduled_end = fields.Datetime(tracking=True)
    actual_start = fields.Datetime(tracking=True, copy=False)
    actual_end = fields.Datetime(tracking=True, copy=False)
    duration = fields.Float(
        string="Duration (hours)",
        compute="_compute_duration",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        aggregator="sum",
        help="Time spent, from the actual start and end; correct it for breaks.",
    )
    date = fields.Date(
        compute="_compute_date",
        store=True,
        index=True,
        help="Day of the intervention: its actual start, else its scheduled start.",
    )

    # Report
    work_done = fields.Html()
    part_ids = fields.One2many(
        "maintenance.intervention.part", "intervention_id", string="Parts and Material", copy=True
    )

    # Billing
    coverage = fields.Selection(
        [("covered", "Covered by the contract"), ("billable", "Billable")],
        required=True,
        tracking=True,
        compute="_compute_coverage",
        store=True,
        readonly=False,
        precompute=True,
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    hourly_rate = fields.Monetary(
        compute="_compute_hourly_rate",
        store=True,
        readonly=False,
        precompute=True,
        currency_field="currency_id",
        help="The contract's hourly rate for extra services.",
    )
    amount_billable = fields.Monetary(
        string="Billable Amount",
        compute="_compute_amount_billable",
        store=True,
        currency_field="currency_id",
        aggregator="sum",
    )

    # Signature
    signature = fields.Binary(copy=False, attachment=True)
    signed_by = fields.Char(copy=False, tracking=True)
    signed_on = fields.Datetime(copy=False, tracking=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "UNIQUE(name, company_id)",
            "An intervention with this reference already exists in this company.",
        ),
        (
            "plan_date_unique",
            "UNIQUE(plan_id, plan_date)",
            "The preventive plan already has a visit on this date.",
        ),
    ]

    @api.depends("contract_id", "ticket_id")
    def _compute_company_id(self):
        for intervention in self:
            source = intervention.contract_id or intervention.ticket_id
            intervention.company_id = (
                source.company_id or intervention.company_id or self.env.company
            )

    @api.depends("ticket_id")
    def _compute_contract_id(self):
        for intervention in self:
            if intervention.ticket_id:
                intervention.contract_id = intervention.ticket_id.contract_id

    @api.depends("contract_id", "ticket_id")
    def _compute_partner_id(self):
        for intervention in self:
            partner = (
                intervention.contract_id.commercial_partner_id
                or intervention.ticket_id.commercial_partner_id
            )
            if partner:
                intervention.partner_id = partner

    @api.depends("contract_id", "ticket_id")
    def _compute_equipment_id(self):
        for intervention in self:
            ticket = intervention.ticket_id
            equipment = ticket.equipment_id or intervention.contract_id.equipment_ids
            if len(equipment) == 1:
                intervention.equipment_id = equipment
            elif intervention.equipment_id not in intervention.contract_id.equipment_ids:
                intervention.equipment_id = False

    @api.depends("user_ids")
    def _compute_user_id(self):
        for intervention in self:
            if intervention.user_id not in intervention.user_ids:
                intervention.user_id = intervention.user_ids[:1]

    @api.depends("actual_start", "actual_end")
    def _compute_duration(self):
        for intervention in self:
            if intervention.actual_start and intervention.actual_end:
                delta = intervention.actual_end - intervention.actual_start
                intervention.duration = max(delta.total_seconds() / 3600.0, 0.0)

    @api.depends("actual_start", "scheduled_start")
    def _compute_date(self):
        for intervention in self:
            moment = intervention.actual_start or intervention.scheduled_start
            intervention.date = (
                fields.Date.context_today(intervention, timestamp=moment) if moment else False
            )

    @api.depends("contract_id", "kind", "ticket_id")
    def _compute_coverage(self):
        for intervention in self:
            intervention.coverage = (
                "covered" if intervention._is_covered_by_contract() else "billable"
            )

    @api.depends("contract_id.currency_id", "company_id")
    def _compute_currency_id(self):
        for intervention in self:
            intervention.currency_id = (
                intervention.contract_id.currency_id or intervention.company_id.currency_id
            )

    @api.depends("contract_id")
    def _compute_hourly_rate(self):
        for intervention in self:
            intervention.hourly_rate = intervention.contract_id.extra_hourly_rate

    @api.depends("coverage", "duration", "hourly_rate")
    def _compute_amount_billable(self):
        for intervention in self:
            intervention.amount_billable = (
                intervention.duration * intervention.hourly_rate
                if intervention.coverage == "billable"
                else 0.0
            )

    @api.constrains("scheduled_start", "scheduled_end", "actual_start", "actual_end", "duration")
    def _check_times(self):
        for intervention in self:
            for start, end in (
                (intervention.scheduled_start, intervention.scheduled_end),
                (intervention.actual_start, intervention.actual_end),
            ):
                if start and end and end < start:
                    raise ValidationError(
                        self.env._(
                            "The intervention %(reference)s cannot end before it starts.",
                            reference=intervention.name,
                        )
                    )
            if intervention.duration < 0:
                raise ValidationError(self.env._("The duration cannot be negative."))

    @api.constrains("partner_id", "contract_id", "ticket_id", "equipment_id")
    def _check_customer(self):
        for intervention in self:
            customer = intervention.commercial_partner_id
            others = (
                intervention.contract_id.commercial_partner_id
                | intervention.ticket_id.commercial_partner_id
                | intervention.equipment_id.partner_id.commercial_partner_id
            )
            if others - customer:
                raise ValidationError(
                    self.env._(
                        "The contract, ticket and equipment of the intervention %(reference)s "
                        "must all belong to its customer %(customer)s.",
                        reference=intervention.name,
                        customer=customer.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("maintenance.intervention")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        locked = set(vals) & set(self._get_signed_locked_fields())
        if locked and self.filtered(lambda i: i.state == "signed"):
            raise UserError(
                self.env._(
                    "A signed intervention report cannot be changed (%(fields)s).",
                    fields=", ".join(self._fields[name].string for name in sorted(locked)),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done_or_planned(self):
        for intervention in self:
            if intervention.state in CONSUMED_STATES:
                raise UserError(
                    self.env._(
                        "The intervention %(reference)s is done: cancel it instead of "
                        "deleting it.",
                        reference=intervention.name,
                    )
                )
            if intervention.plan_id and intervention.state == "planned":
                raise UserError(
                    self.env._(
                        "The visit %(reference)s comes from a preventive plan, which would "
                        "create it again: cancel it instead.",
                        reference=intervention.name,
                    )
                )

    def action_done(self):
        for intervention in self:
            if intervention.state != "planned":
                raise UserError(
                    self.env._(
                        "Only a planned intervention can be marked as done (%(reference)s).",
                        reference=intervention.name,
                    )
                )
            if not (intervention.actual_start and intervention.actual_end):
                raise UserError(
                    self.env._(
                        "Enter the actual start and end of the intervention %(reference)s "
                        "before marking it as done.",
                        reference=intervention.name,
                    )
                )
        self.state = "done"
        return True

    def action_sign(self):
        for intervention in self:
            if intervention.state != "done":
                raise UserError(
                    self.env._(
                        "Only a done intervention can be signed (%(reference)s).",
                        reference=intervention.name,
                    )
                )
            if not (intervention.signature and intervention.signed_by):
                raise UserError(
                    self.env._(
                        "The customer's signature and the signer's name are required to sign "
                        "the intervention %(reference)s.",
                        reference=intervention.name,
                    )
                )
        for intervention in self:
            intervention.write(
                {"state": "signed", "signed_on": intervention.signed_on or fields.Datetime.now()}
            )
        return True

    def action_cancel(self):
        if self.filtered(lambda i: i.state == "signed"):
            raise UserError(self.env._("A signed intervention report cannot be cancelled."))
        self.state = "cancelled"
        return True

    def action_reset_to_planned(self):
        if self.filtered(lambda i: i.state == "signed"):
            raise UserError(self.env._("A signed intervention report cannot be reopened."))
        self.state = "planned"
        return True

    def _is_covered_by_contract(self):
        """Whether the contract includes this kind of work, for this ticket."""
        self.ensure_one()
        contract = self.contract_id
        if not contract or not contract[f"include_{self.kind}"]:
            return False
        return not self.ticket_id.not_covered

    def _get_signed_locked_fields(self):
        """Fields a signed report freezes: what the customer signed for."""
        return [
            "contract_id",
            "ticket_id",
            "partner_id",
            "equipment_id",
            "user_ids",
            "user_id",
            "kind",
            "actual_start",
            "actual_end",
            "duration",
            "work_done",
            "part_ids",
            "coverage",
            "hourly_rate",
            "signature",
            "signed_by",
            "signed_on",
        ]

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Intervention %(reference)s", reference=self.name)

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for intervention in self:
            intervention.access_url = f"/my/interventions/{intervention.id}"
        return res

    def _portal_sign(self, name, signature):
        """Sign the report online, as the customer ``name`` with the drawn ``signature``
        (base64 image), through :meth:`action_sign`."""
        self.ensure_one()
        if self.state == "signed":
            raise UserError(
                self.env._("The intervention %(reference)s is already signed.", reference=self.name)
            )
        if self.state != "done":
            raise UserError(
                self.env._(
                    "The intervention %(reference)s is not waiting for a signature.",
                    reference=self.name,
                )
            )
        if not (name or "").strip() or not signature:
            raise UserError(self.env._("Your name and your signature are required to sign."))
        self.write(
            {"signed_by": name.strip(), "signature": signature, "signed_on": fields.Datetime.now()}
        )
        return self.action_sign()
