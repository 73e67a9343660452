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
# Internal fields, that customers (portal users) must not read.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"
# Context key of the writes made by the report's own steps (Done, Sign, Cancel, Reset, Unlock).
# Its value is an object that JSON-RPC cannot send, so no client can pass it.


class MaintenanceIntervention(models.Model):
    """An intervention report ("fiche d'intervention"): what a technician did, when, for whom,
    under which contract, signed by the customer."""

    _name = "maintenance.intervention"
    _description = "Intervention Report"
    _inherit = [
        "maintenance.signed.document.mixin",
        "maintenance.step.mixin",
        "maintenance.invoiced.mixin",
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _invoice_line_link_field = "maintenance_intervention_id"
    _step_initial_state = "planned"
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
    color = fields.Integer(groups=USER_GROUP)
    plan_id = fields.Many2one(
        "maintenance.preventive.plan",
        string="Preventive Plan",
        readonly=True,
        groups=USER_GROUP,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
    )
    plan_date = fields.Date(
        string="Plan Occurrence",
        readonly=True,
        groups=USER_GROUP,
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

    # Costs, for the profitability of the contract (contract managers only)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency", groups=MANAGER_GROUP
    )
    labour_hourly_cost = fields.Monetary(
        string="Technicians' Hourly Cost",
        compute="_compute_labour_hourly_cost",
        store=True,
        currency_field="company_currency_id",
        groups=MANAGER_GROUP,
        help="Sum of the hourly costs of the technicians (each one's own, else the company's "
        "default), taken when the intervention is marked as done: a later change of a cost "
        "does not change it.",
    )
    labour_cost = fields.Monetary(
        compute="_compute_labour_cost",
        store=True,
        currency_field="company_currency_id",
        aggregator="sum",
        groups=MANAGER_GROUP,
        help="Duration × the technicians' hourly cost: every technician of the intervention "
        "is counted for its whole duration.",
    )
    parts_cost = fields.Monetary(
        compute="_compute_parts_cost",
        store=True,
        currency_field="company_currency_id",
        aggregator="sum",
        groups=MANAGER_GROUP,
        help="Quantity × unit cost of the parts and material used.",
    )

    # Signature
    signature = fields.Binary(copy=False, attachment=True)
    signed_by = fields.Char(copy=False, tracking=True)
    signed_on = fields.Datetime(copy=False, tracking=True)

    # Invoicing
    product_id = fields.Many2one(
        "product.product",
        string="Service Product",
        check_company=True,
        domain=[("type", "=", "service")],
        help="Product of the invoice line of this billable intervention; empty: the "
        "company's product for extra work.",
        groups=USER_GROUP,
    )
    invoice_status = fields.Selection(
        [("none", "Nothing to invoice"), ("to_invoice", "To invoice"), ("invoiced", "Invoiced")],
        compute="_compute_invoice_status",
        store=True,
        help="Billable work done is invoiced once, on the contract's next invoice or on the "
        "monthly invoice of extra work; a cancelled invoice frees it.",
        groups=USER_GROUP,
    )
    hours_rounded = fields.Float(
        string="Hours Counted",
        compute="_compute_hours_rounded",
        help="Duration rounded as the contract says: the hours invoiced or drawn from the "
        "prepaid balance.",
        groups=USER_GROUP,
    )
    prepaid_hours = fields.Float(
        string="Prepaid Hours Drawn",
        compute="_compute_prepaid_hours",
        help="Hours this covered intervention drew from the contract's prepaid balance; the "
        "rest is billed as hours beyond the balance.",
        groups=USER_GROUP,
    )

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

    @api.depends("coverage", "duration", "hourly_rate", "contract_id.extra_rounding_minutes")
    def _compute_amount_billable(self):
        for intervention in self:
            hours = (
                intervention.contract_id._round_hours(intervention.duration)
                if intervention.contract_id
                else intervention.duration
            )
            intervention.amount_billable = (
                hours * intervention.hourly_rate if intervention.coverage == "billable" else 0.0
            )

    @api.depends("user_ids", "company_id")
    def _compute_labour_hourly_cost(self):
        # also recomputed by action_done, so that the costs of that day are kept
        for intervention in self:
            company = intervention.company_id or self.env.company
            intervention.labour_hourly_cost = sum(
                user._get_maintenance_hourly_cost(company) for user in intervention.user_ids
            )

    @api.depends("duration", "labour_hourly_cost")
    def _compute_labour_cost(self):
        for intervention in self:
            intervention.labour_cost = intervention.duration * intervention.labour_hourly_cost

    @api.depends("part_ids.quantity", "part_ids.cost_unit")
    def _compute_parts_cost(self):
        for intervention in self:
            intervention.parts_cost = sum(
                part.quantity * part.cost_unit for part in intervention.part_ids
            )

    @api.depends("state", "coverage", "contract_id", "invoice_line_id.parent_state")
    def _compute_invoice_status(self):
        for intervention in self:
            if (
                intervention.invoice_line_id
                and intervention.invoice_line_id.parent_state != "cancel"
            ):
                intervention.invoice_status = "invoiced"
            elif (
                intervention.coverage == "billable"
                and intervention.contract_id
                and intervention.state in CONSUMED_STATES
            ):
                intervention.invoice_status = "to_invoice"
            else:
                intervention.invoice_status = "none"

    @api.depends("duration", "contract_id.extra_rounding_minutes")
    def _compute_hours_rounded(self):
        for intervention in self:
            intervention.hours_rounded = (
                intervention.contract_id._round_hours(intervention.duration)
                if intervention.contract_id
                else intervention.duration
            )

    def _compute_prepaid_hours(self):
        # one ledger per contract, up to its last intervention shown
        last_days = {}
        for intervention in self.filtered(lambda i: i.contract_id and i.date):
            contract = intervention.contract_id
            last_days[contract] = max(last_days.get(contract, intervention.date), intervention.date)
        drawn = {}
        for contract, day in last_days.items():
            drawn.update(contract._get_prepaid_ledger(day)["drawn"])
        for intervention in self:
            intervention.prepaid_hours = drawn.get(intervention._origin, 0.0)

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

    def _state_change_message(self):
        return self.env._(
            "The status of an intervention report only changes through its buttons (Mark as "
            "Done, Mark as Signed, Back to Planned, Cancel, Unlock)."
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done_or_planned(self):
        for intervention in self:
            if intervention.state == "signed":
                raise UserError(
                    self.env._(
                        "The intervention report %(reference)s is signed: it cannot be deleted.",
                        reference=intervention.name,
                    )
                )
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
        self._write_step({"state": "done"})
        # the technicians' costs of the day the work is done (a recomputed field does not
        # mark the fields depending on it: the labour cost is recomputed after it)
        for fname in ("labour_hourly_cost", "labour_cost"):
            self.env.add_to_compute(self._fields[fname], self)
            self._recompute_recordset([fname])
        self._check_prepaid_thresholds()
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
            intervention._write_step(
                {"state": "signed", "signed_on": intervention.signed_on or fields.Datetime.now()}
            )
        return True

    def action_cancel(self):
        if self.filtered(lambda i: i.state == "signed"):
            raise UserError(self.env._("A signed intervention report cannot be cancelled."))
        self._check_not_invoiced()
        self._write_step({"state": "cancelled"})
        return True

    def action_reset_to_planned(self):
        if self.filtered(lambda i: i.state == "signed"):
            raise UserError(self.env._("A signed intervention report cannot be reopened."))
        self._check_not_invoiced()
        self._write_step({"state": "planned"})
        return True

    def action_unlock(self):
        """Manager only: reopen a signed report for a correction. The customer's signature is
        removed (the corrected report must be signed again) and the unlock is logged."""
        return self.action_reset_signature()

    def _check_not_invoiced(self):
        invoiced = self.filtered(lambda i: i.invoice_status == "invoiced")
        if invoiced:
            raise UserError(
                self.env._(
                    "The intervention %(reference)s is invoiced (%(invoice)s): cancel the "
                    "invoice first.",
                    reference=invoiced[0].name,
                    invoice=invoiced[0].sudo().invoice_id.display_name,
                )
            )

    def _check_prepaid_thresholds(self):
        """Tell the account manager when the prepaid hours run low."""
        today = fields.Date.context_today(self)
        for contract in self.contract_id.filtered(lambda c: c.prepaid_hours_mode != "none"):
            contract.sudo()._check_prepaid_thresholds(today)

    def _is_covered_by_contract(self):
        """Whether the contract includes this kind of work, for this ticket."""
        self.ensure_one()
        contract = self.contract_id
        if not contract or not contract[f"include_{self.kind}"]:
            return False
        return not self.ticket_id.not_covered

    def _check_parts_editable(self):
        """Refuse a change of the parts of a signed report."""
        signed = self.filtered(lambda i: i.state == "signed")
        if signed and not self._is_step():
            raise UserError(
                self.env._(
                    "The intervention report %(reference)s is signed: its parts cannot be "
                    "changed.",
                    reference=", ".join(signed.mapped("name")),
                )
            )

    def _get_signed_writable_fields(self):
        """Fields that stay writable on a signed report: its chatter, activities, color,
        portal access token and the invoice line that bills it; everything the customer signed
        for, and the status, is frozen."""
        return (
            set(self.env["mail.thread"]._fields)
            | set(self.env["mail.activity.mixin"]._fields)
            | {"color", "invoice_line_id", "access_token"}
        )

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
        name = self._check_signature_input(name, signature)
        self._lock_for_signing()
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
        self._record_signature(name, signature)
        return self.action_sign()

    # Hooks of maintenance.signed.document.mixin

    def _is_signed(self):
        self.ensure_one()
        return self.state == "signed"

    def _get_user_signature_fields(self):
        # the technician has the report signed on site (signature widget), then marks it
        # as signed: the signature is frozen from then on
        self.ensure_one()
        if self.state in ("planned", "done"):
            return {"signature", "signed_by"}
        return set()

    def _get_signature_reset_user(self):
        return self.user_id

    def _on_signature_reset(self):
        self._write_step({"state": "done"})

    def _signed_write_message(self, frozen, labels):
        return self.env._(
            "A signed intervention report cannot be changed (%(reference)s: %(fields)s); a "
            "contract manager can unlock it.",
            reference=", ".join(frozen.mapped("name")),
            fields=labels,
        )

    def _signature_reset_messages(self):
        return {
            "access": self.env._(
                "Only a contract manager can unlock a signed intervention report."
            ),
            "state": self.env._("Only a signed intervention report can be unlocked."),
            "log": self.env._(
                "Report unlocked by %(user)s: the signature of %(signer)s of %(date)s was "
                "removed; the report must be signed again."
            ),
        }
