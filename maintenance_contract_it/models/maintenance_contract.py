from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from ..tools.dates import (
    ONE_DAY,
    anchored_term_end,
    months_between,
    notice_deadline,
    term_end,
    to_months,
)
from ..tools.jobs import claim_once, lock_for_user, run_batched
from .maintenance_contract_terms import PERIODS_PER_YEAR
from .maintenance_step_mixin import as_step

CONTRACT_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
    ("cancelled", "Cancelled"),
]
NOTICE_GIVERS = [("customer", "Customer"), ("provider", "Provider")]
NOTICE_CHANNELS = [
    ("registered_letter", "Registered letter"),
    ("email", "Email"),
    ("portal", "Customer portal"),
]
PENALTY_TYPES = [
    ("none", "No penalty"),
    ("fixed", "Fixed amount"),
    ("percent", "Percentage of the remaining fees"),
]
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"
# Internal fields, that customers (portal users) must not read.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"
# What the contract's steps record (activation, renewal, notice, expiry...): only they write it.
LIFECYCLE_FIELDS = (
    "state",
    "renewal_count",
    "notice_date",
    "notice_given_by",
    "notice_channel",
    "termination_reason_id",
    "termination_date",
    "early_termination",
    "notice_attachment_id",
)
# The term of the contract in force: changed by a renewal or an amendment, never by hand.
TERM_FIELDS = ("date_start", "date_end", "initial_term", "initial_term_unit")
# What happens at the end of the term of a contract in force: a contract manager may change it.
RENEWAL_FIELDS = (
    "tacit_renewal",
    "renewal_term",
    "renewal_term_unit",
    "notice_period",
    "notice_period_unit",
    "termination_penalty_type",
    "termination_penalty_fixed",
    "termination_penalty_percent",
)
# Fields that define the first term, counted from the start: fixed once the contract renewed.
FIRST_TERM_FIELDS = ("date_start", "initial_term", "initial_term_unit")


class MaintenanceContract(models.Model):
    """A customer's IT maintenance contract."""

    _name = "maintenance.contract"
    _description = "Maintenance Contract"
    # The contract's capabilities are mixins, one file each (see readme/DEVELOP.md); they
    # come first so that their overrides run before mail.thread's.
    _inherit = [
        "maintenance.step.mixin",
        "maintenance.contract.terms",
        "maintenance.contract.document.mixin",
        "maintenance.contract.revision.mixin",
        "maintenance.contract.sla.mixin",
        "maintenance.contract.intervention.mixin",
        "maintenance.contract.preventive.mixin",
        "maintenance.contract.billing.mixin",
        "maintenance.contract.prepaid.mixin",
        "maintenance.contract.profitability.mixin",
        "maintenance.portal.signature.mixin",
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
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
    template_id = fields.Many2one(
        "maintenance.contract.template", check_company=True, groups=USER_GROUP
    )
    state = fields.Selection(
        CONTRACT_STATES,
        string="Status",
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,
    )
    color = fields.Integer(groups=USER_GROUP)

    # Object of the contract (the other terms are in maintenance.contract.terms)
    include_preventive = fields.Boolean(tracking=True)
    include_curative = fields.Boolean(tracking=True)
    include_evolutive = fields.Boolean(tracking=True)
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
    equipment_coverage_ids = fields.One2many(
        "maintenance.contract.equipment.coverage",
        "contract_id",
        string="Coverage History",
        help="From which day to which day each equipment was covered: the fees billed per "
        "covered equipment count each period with it.",
    )

    # Duration
    date_start = fields.Date(
        string="Start Date", required=True, tracking=True, default=fields.Date.context_today
    )
    date_end = fields.Date(
        string="End of Current Term",
        compute="_compute_date_end",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
    )
    tacit_renewal = fields.Boolean(tracking=True)
    can_edit_renewal_terms = fields.Boolean(
        compute="_compute_can_edit_renewal_terms",
        help="Renewal, notice and penalty terms of a contract in force: contract managers only.",
    )
    notice_deadline = fields.Date(
        compute="_compute_notice_deadline",
        store=True,
        index=True,
        help="Last day on which notice can be given to end the contract at the end of its "
        "current term: the end of the term minus the notice period.",
    )
    renewal_count = fields.Integer(
        string="Renewals", readonly=True, copy=False, help="Number of terms after the first one."
    )
    term_ids = fields.One2many(
        "maintenance.contract.term",
        "contract_id",
        string="Terms",
        readonly=True,
        copy=False,
        groups=USER_GROUP,
    )
    signed_copy = fields.Binary(
        attachment=True, copy=False, help="The contract signed by the customer (scan or PDF)."
    )
    signed_copy_filename = fields.Char(copy=False)
    has_signed_copy = fields.Boolean(compute="_compute_has_signed_copy", store=True)

    # Notice and termination
    notice_date = fields.Date(string="Notice Received On", readonly=True, copy=False, tracking=True)
    notice_given_by = fields.Selection(NOTICE_GIVERS, readonly=True, copy=False, tracking=True)
    notice_channel = fields.Selection(NOTICE_CHANNELS, readonly=True, copy=False)
    termination_reason_id = fields.Many2one(
        "maintenance.termination.reason",
        readonly=True,
        copy=False,
        tracking=True,
        groups=USER_GROUP,
    )
    termination_date = fields.Date(
        string="Effective End Date",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Last day of the contract after notice was given; the contract is terminated the "
        "day after.",
    )
    early_termination = fields.Boolean(readonly=True, copy=False)
    notice_attachment_id = fields.Many2one(
        "ir.attachment", string="Proof of Notice", readonly=True, copy=False, groups=USER_GROUP
    )
    termination_penalty_type = fields.Selection(
        PENALTY_TYPES,
        string="Early Termination Penalty",
        default="none",
        required=True,
        tracking=True,
        groups=USER_GROUP,
    )
    termination_penalty_fixed = fields.Monetary(
        string="Penalty Amount", currency_field="currency_id", groups=USER_GROUP
    )
    termination_penalty_percent = fields.Float(
        string="Penalty Rate (%)",
        groups=USER_GROUP,
        help="Percentage of the recurring fees remaining from the early end date to the end of "
        "the current term.",
    )

    # Financial terms
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    billing_frequency = fields.Selection(tracking=True)
    journal_id = fields.Many2one(
        "account.journal",
        string="Sales Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        groups=USER_GROUP,
    )
    line_ids = fields.One2many(
        "maintenance.contract.line", "contract_id", string="Recurring Fees", copy=True
    )
    amount_period = fields.Monetary(
        string="Recurring Amount per Period",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    zero_fee_reason = fields.Char(
        string="Reason for No Fee",
        groups=USER_GROUP,
        help="Why this contract has no recurring fee (e.g. included in a hardware sale). "
        "A contract without fee lines can only be activated with a reason.",
    )
    invoice_count = fields.Integer(
        compute="_compute_invoice_count",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    period_start = fields.Date(
        string="Current Period Start",
        compute="_compute_period",
        help="First day of the billing period that contains today.",
    )
    period_end = fields.Date(string="Current Period End", compute="_compute_period")
    amount_yearly = fields.Monetary(
        string="Yearly Amount",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )

    # Service levels
    sla_policy_id = fields.Many2one(tracking=True)

    # Clauses
    clause_ids = fields.One2many(
        "maintenance.contract.clause", "contract_id", string="Clauses", copy=True
    )

    internal_note = fields.Html(string="Internal Notes", groups=USER_GROUP)

    _sql_constraints = [
        (
            "name_company_unique",
            "UNIQUE(name, company_id)",
            "A contract with this reference already exists in this company.",
        ),
        (
            "termination_penalty_percent_range",
            "CHECK(termination_penalty_percent >= 0 AND termination_penalty_percent <= 100)",
            "The early termination penalty rate must be between 0 and 100%.",
        ),
        (
            "termination_penalty_fixed_positive",
            "CHECK(termination_penalty_fixed IS NULL OR termination_penalty_fixed >= 0)",
            "The early termination penalty amount cannot be negative.",
        ),
    ]

    @api.depends("equipment_ids")
    def _compute_equipment_count(self):
        for contract in self:
            contract.equipment_count = len(contract.equipment_ids)

    @api.depends("date_start", "initial_term", "initial_term_unit")
    def _compute_date_end(self):
        for contract in self:
            # out of bounds, the terms are refused by their constraint
            if contract.date_start and contract.initial_term > 0 and contract._terms_in_bounds():
                contract.date_end = term_end(
                    contract.date_start, contract.initial_term, contract.initial_term_unit
                )
            else:
                contract.date_end = False

    @api.depends("date_end", "notice_period", "notice_period_unit")
    def _compute_notice_deadline(self):
        for contract in self:
            bounded = contract.date_end and contract._terms_in_bounds()
            contract.notice_deadline = bounded and notice_deadline(
                contract.date_end, contract.notice_period, contract.notice_period_unit
            )

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_edit_renewal_terms(self):
        manager = self.env.su or self.env.user.has_group(MANAGER_GROUP)
        for contract in self:
            contract.can_edit_renewal_terms = manager or contract.state == "draft"

    @api.depends("signed_copy")
    def _compute_has_signed_copy(self):
        for contract in self:
            contract.has_signed_copy = bool(contract.signed_copy)

    @api.depends("date_start", "billing_frequency", "billing_alignment")
    @api.depends_context("tz")
    def _compute_period(self):
        today = fields.Date.context_today(self)
        for contract in self:
            if contract.date_start:
                # a contract not started yet shows its first period
                contract.period_start, contract.period_end = contract._get_period_bounds(
                    max(today, contract.date_start)
                )
            else:
                contract.period_start = contract.period_end = False

    @api.depends(
        "line_ids.price_subtotal",
        "line_ids.is_prepaid_hours",
        "prepaid_hours_mode",
        "billing_frequency",
    )
    def _compute_amounts(self):
        for contract in self:
            contract.amount_period = sum(
                contract._get_recurring_fee_lines().mapped("price_subtotal")
            )
            contract.amount_yearly = contract.amount_period * PERIODS_PER_YEAR.get(
                contract.billing_frequency, 1
            )

    def _compute_invoice_count(self):
        """Invoices and credit notes of the contract, grouped invoices (one per customer)
        included."""
        self._flush_contract_invoices()
        counts = dict(
            self.env["account.move"]._read_group(
                [("maintenance_contract_ids", "in", self.ids)],
                ["maintenance_contract_ids"],
                ["__count"],
            )
        )
        for contract in self:
            contract.invoice_count = counts.get(contract, 0)

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

    def _get_terms_check_start(self):
        self.ensure_one()
        return self.date_start or fields.Date.context_today(self)

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
        self.update(
            self.template_id.with_context(lang=self._get_clause_lang())._prepare_terms_values()
        )
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
        if not contracts._is_step():
            for contract in contracts:
                recorded = [
                    fname
                    for fname in LIFECYCLE_FIELDS
                    if contract[fname] and (fname != "state" or contract.state != "draft")
                ]
                if recorded:
                    raise UserError(contract._protected_fields_message(recorded))
        contracts._add_mandatory_clauses()
        self.env["maintenance.contract.equipment.coverage"]._sync_from_links(
            set(), contracts._get_equipment_links()
        )
        return contracts

    def write(self, vals):
        self._check_protected_write(vals)
        links = "equipment_ids" in vals and self._get_equipment_links()
        starts = "date_start" in vals and {
            contract: contract.date_start for contract in self if contract.state == "draft"
        }
        res = super().write(vals)
        if vals.get("template_id"):
            self._add_mandatory_clauses()
        if links is not False:
            self.env["maintenance.contract.equipment.coverage"]._sync_from_links(
                links, self._get_equipment_links()
            )
        if starts:
            self._coverage_follow_start(starts)
        return res

    def _get_equipment_links(self):
        """The covered equipment of the contracts, as a set of (contract id, equipment id)."""
        return {
            (contract.id, equipment.id) for contract in self for equipment in contract.equipment_ids
        }

    def _coverage_start(self, day):
        """First day covered of an equipment added on ``day``: that day for a contract in
        force (not before its start), its start for a draft; None without start."""
        self.ensure_one()
        if not self.date_start:
            return None
        if self.state == "draft":
            return self.date_start
        return max(day, self.date_start)

    def _coverage_follow_start(self, starts):
        """The coverage of a draft from its former start (``starts``: {contract: former
        start}) begins on its new start."""
        for contract, former in starts.items():
            if not contract.date_start or contract.date_start == former:
                continue
            coverages = contract.sudo().equipment_coverage_ids.filtered(
                lambda c, f=former: c.date_from == f
            )
            coverages.with_context(coverage_sync=True).date_from = contract.date_start

    def _state_change_message(self):
        return self._protected_fields_message(["state"])

    def _get_changed_fields(self, vals, fnames):
        """The fields among ``fnames`` that ``vals`` changes on at least one contract."""
        changed = []
        for fname in fnames:
            if fname not in vals:
                continue
            field = self._fields[fname]
            for contract in self:
                value = field.convert_to_record(
                    field.convert_to_cache(vals[fname], contract), contract
                )
                if value != contract[fname]:
                    changed.append(fname)
                    break
        return changed

    def _protected_fields_message(self, fnames):
        return self.env._(
            "These fields of a contract only change through its actions (Activate, Cancel, "
            "Renew, Give Notice, amendments): %(fields)s.",
            fields=", ".join(self._fields[f]._description_string(self.env) for f in fnames),
        )

    def _check_protected_write(self, vals):
        """Refuse the writes that would bypass the contract's lifecycle (see the field lists
        at the top of this file)."""
        renewed = self.filtered("renewal_count")
        first_term = renewed._get_changed_fields(vals, FIRST_TERM_FIELDS)
        if first_term:
            raise UserError(
                self.env._(
                    "The contract %(contract)s has been renewed: its start date and initial "
                    "term can no longer be changed (they would move the end of its current "
                    "term back to the end of the first one). Make an amendment to change its "
                    "end date.",
                    contract=", ".join(renewed.mapped("name")),
                )
            )
        if self._is_step():
            return
        lifecycle = self._get_changed_fields(vals, LIFECYCLE_FIELDS)
        if lifecycle:
            raise UserError(self._protected_fields_message(lifecycle))
        in_force = self.filtered(lambda c: c.state != "draft")
        term = in_force._get_changed_fields(vals, TERM_FIELDS)
        if term:
            raise UserError(
                self.env._(
                    "These fields of a contract that is no longer a draft only change "
                    "through a renewal or an amendment: %(fields)s.",
                    fields=", ".join(self._fields[f]._description_string(self.env) for f in term),
                )
            )
        renewal = in_force._get_changed_fields(vals, RENEWAL_FIELDS)
        if renewal and not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise AccessError(
                self.env._(
                    "Only a contract manager can change %(fields)s of a contract that is no "
                    "longer a draft.",
                    fields=", ".join(
                        self._fields[f]._description_string(self.env) for f in renewal
                    ),
                )
            )

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

    def action_activate(self):
        for contract in self:
            contract._check_state(
                ("draft",),
                self.env._("Only a draft contract can be activated: %(contract)s is %(state)s."),
            )
            issues = contract._get_activation_issues()
            if issues:
                raise UserError(
                    self.env._(
                        "The contract %(contract)s cannot be activated yet, it lacks:\n"
                        "%(issues)s",
                        contract=contract.name,
                        issues="\n".join(f"- {issue}" for issue in issues),
                    )
                )
        self._write_step({"state": "active"})
        for contract in self:
            contract._as_step().env["maintenance.contract.term"].create(
                contract._prepare_initial_term_values()
            )
            contract.message_post(
                body=self.env._(
                    "Contract activated: it runs from %(start)s to %(end)s.",
                    start=format_date(self.env, contract.date_start),
                    end=format_date(self.env, contract.date_end),
                )
            )
        self._billing_on_activate()
        return True

    def action_cancel(self):
        for contract in self:
            contract._check_state(
                ("draft",),
                self.env._("Only a draft contract can be cancelled: %(contract)s is %(state)s."),
            )
        self._write_step({"state": "cancelled"})
        return True

    def action_reset_to_draft(self):
        self._check_manager(self.env._("reset a cancelled contract to draft"))
        for contract in self:
            contract._check_state(
                ("cancelled",),
                self.env._(
                    "Only a cancelled contract can be reset to draft: %(contract)s is %(state)s."
                ),
            )
        self._write_step({"state": "draft"})
        return True

    def action_open_notice_wizard(self):
        self.ensure_one()
        self._check_manager(self.env._("record a notice of termination"))
        self._check_can_give_notice()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Give Notice"),
            "res_model": "maintenance.contract.notice.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_open_renew_wizard(self):
        self.ensure_one()
        self._check_manager(self.env._("renew a contract"))
        self._check_can_renew()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Renew Contract"),
            "res_model": "maintenance.contract.renew.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_open_fee_correction_wizard(self):
        self.ensure_one()
        self._check_manager(self.env._("correct the fees of a contract"))
        self._check_can_correct_fees()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct Fees"),
            "res_model": "maintenance.contract.fee.correction.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def _check_can_correct_fees(self):
        """The fees of a draft change directly; a cancelled contract is never billed."""
        self.ensure_one()
        if self.state in ("draft", "cancelled"):
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Only the fees of a contract in force are corrected: %(contract)s is "
                    "%(state)s.",
                    contract=self.name,
                    state=labels[self.state],
                )
            )

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("maintenance_contract_ids", "in", self.id)]
        action["context"] = {
            "default_move_type": "out_invoice",
            "default_partner_id": self.partner_id.id,
            "default_contract_id": self.id,
        }
        return action

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Contract %(reference)s", reference=self.name)

    # Checks

    def _check_state(self, states, message):
        """Refuse with ``message`` (translated, with the placeholders ``%(contract)s`` and
        ``%(state)s``) unless the contract is in one of ``states``."""
        self.ensure_one()
        if self.state not in states:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(message % {"contract": self.name, "state": labels[self.state]})

    def _check_manager(self, what):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a contract manager can %(what)s.", what=what))

    def _check_can_give_notice(self):
        self.ensure_one()
        self._check_state(
            ("active",),
            self.env._(
                "Notice can only be given on an active contract: %(contract)s is %(state)s."
            ),
        )
        if self.termination_date:
            raise UserError(
                self.env._(
                    "Notice was already given on %(date)s for the contract %(contract)s: it "
                    "ends on %(end)s.",
                    date=format_date(self.env, self.notice_date),
                    contract=self.name,
                    end=format_date(self.env, self.termination_date),
                )
            )

    def _check_can_renew(self):
        self.ensure_one()
        self._check_state(
            ("active", "expired"),
            self.env._(
                "Only an active or expired contract can be renewed: %(contract)s is %(state)s."
            ),
        )
        if self.termination_date:
            raise UserError(
                self.env._(
                    "Notice was given for the contract %(contract)s: it cannot be renewed.",
                    contract=self.name,
                )
            )

    def _get_activation_issues(self):
        """What the contract lacks to be activated, as a list of readable items."""
        self.ensure_one()
        issues = []
        if not self.partner_id:
            issues.append(self.env._("a customer"))
        if not self.date_start or not self.date_end:
            issues.append(self.env._("a start date and an end date"))
        if not self.line_ids and not self.zero_fee_reason:
            issues.append(
                self.env._("at least one fee line, or the reason why the contract has no fee")
            )
        if not self.sla_policy_id:
            issues.append(self.env._("an SLA policy"))
        untaxed = self._get_untaxed_fee_lines()
        if untaxed:
            issues.append(
                self.env._(
                    "taxes on the fee lines %(lines)s (nothing is invoiced without VAT: set "
                    "taxes on the line or its product, or a default sales tax on the company)",
                    lines=", ".join(f"“{line}”" for line in untaxed.mapped("name")),
                )
            )
        missing = self._get_missing_mandatory_clauses()
        if missing:
            issues.append(
                self.env._(
                    "the mandatory clauses %(clauses)s",
                    clauses=", ".join(missing.mapped("name")),
                )
            )
        return issues

    def _get_untaxed_fee_lines(self):
        """Fee lines that would be invoiced without tax: no tax of their own, of their
        product or of the company (see ``_prepare_fee_invoice_line_values``)."""
        self.ensure_one()
        company_domain = self.env["account.tax"]._check_company_domain(self.company_id)
        return self.line_ids.filtered(
            lambda line: not line.tax_ids.filtered_domain(company_domain)
            and not self.env["account.tax"]._get_maintenance_fee_taxes(
                line.product_id, self.company_id
            )
        )

    def _get_missing_mandatory_clauses(self):
        self.ensure_one()
        return self.template_id._mandatory_clauses() - self.clause_ids.clause_id

    # Terms and renewals

    def _prepare_initial_term_values(self):
        self.ensure_one()
        anchor, months = self.date_start, to_months(self.initial_term, self.initial_term_unit)
        if anchored_term_end(anchor, months) != self.date_end:
            # end date set by hand: later terms count from the day after it
            anchor, months = self.date_end + ONE_DAY, 0
        return {
            "contract_id": self.id,
            "sequence": 0,
            "renewal_type": "initial",
            "date_start": self.date_start,
            "date_end": self.date_end,
            "anchor_date": anchor,
            "anchor_months": months,
        }

    def _prepare_next_term_values(self, months=None):
        """Values of the term following the current one, ``months`` long (the renewal term by
        default). Its end is counted from the anchor of the current term, never chained from
        the current end, so month ends are kept (31 Jan, 28 Feb, 31 Mar...)."""
        self.ensure_one()
        current = self.term_ids.sorted("sequence")[-1:]
        if current and current.date_end == self.date_end:
            anchor, offset = current.anchor_date, current.anchor_months
        else:
            # no term history or end date changed since: count from the day after the end
            anchor, offset = self.date_end + ONE_DAY, 0
        if months is None:
            months = to_months(self.renewal_term, self.renewal_term_unit)
        offset += months
        return {
            "contract_id": self.id,
            "sequence": self.renewal_count + 1,
            "date_start": self.date_end + ONE_DAY,
            "date_end": anchored_term_end(anchor, offset),
            "anchor_date": anchor,
            "anchor_months": offset,
        }

    def _get_next_term_end(self):
        """End of the term that would follow the current one by tacit renewal."""
        self.ensure_one()
        return self._prepare_next_term_values()["date_end"]

    def _renew(self, renewal_type="tacit", months=None, date_end=False):
        """Extend the contract by one term; the unique (contract, sequence) index of the terms
        makes a renewal that runs twice concurrently fail instead of extending twice."""
        self.ensure_one()
        lock_for_user(self)  # already held when the job renews
        values = self._prepare_next_term_values(months)
        if date_end:
            values.update(date_end=date_end, anchor_date=date_end + ONE_DAY, anchor_months=0)
        values["renewal_type"] = renewal_type
        term = self._as_step().env["maintenance.contract.term"].create(values)
        self._write_step({"date_end": term.date_end, "renewal_count": term.sequence})
        if renewal_type == "tacit":
            body = self.env._(
                "Contract renewed by tacit renewal until %(end)s (renewal %(count)s).",
                end=format_date(self.env, term.date_end),
                count=term.sequence,
            )
        else:
            body = self.env._(
                "Contract renewed until %(end)s (renewal %(count)s).",
                end=format_date(self.env, term.date_end),
                count=term.sequence,
            )
        self.message_post(body=body)
        if self.company_id.maintenance_auto_send_renewal_notice:
            self._send_customer_email("maintenance_contract_it.mail_template_renewal_notice")
        return term

    def _renews_tacitly(self):
        """Whether the current term renews by itself at its end."""
        self.ensure_one()
        return self.tacit_renewal and (
            not self.termination_date or self.termination_date > self.date_end
        )

    def _expire(self):
        self.ensure_one()
        self._write_step({"state": "expired"})
        self._billing_on_contract_end()
        self.message_post(
            body=self.env._(
                "Contract expired on %(end)s without renewal.",
                end=format_date(self.env, self.date_end),
            )
        )

    def _terminate(self):
        self.ensure_one()
        self._write_step({"state": "terminated"})
        self.message_post(
            body=self.env._(
                "Contract terminated: notice given on %(notice)s, last day %(end)s.",
                notice=format_date(self.env, self.notice_date),
                end=format_date(self.env, self.termination_date),
            )
        )

    def _process_term_end(self, today):
        """Terminate, renew or expire the active contract whose effective end or current term
        is over on ``today``; catches up several terms when the job did not run."""
        self.ensure_one()
        while self.state == "active":
            if (
                self.termination_date
                and self.termination_date < today
                and self.termination_date <= self.date_end
            ):
                self._terminate()
            elif self.date_end and self.date_end < today:
                if self._renews_tacitly():
                    self._renew()
                else:
                    self._expire()
            else:
                break

    # Notice and early termination

    def _get_notice_end_date(self, notice_date):
        """Effective end of the contract for a notice received on ``notice_date``: the end of
        the current term when in time, else the end of the next term (tacit renewal)."""
        self.ensure_one()
        if not self.tacit_renewal or notice_date <= self.notice_deadline:
            return self.date_end
        return self._get_next_term_end()

    def _get_remaining_fees(self, date_effective, date_end):
        """Recurring fees that would have been due from the day after ``date_effective`` to
        ``date_end`` included."""
        self.ensure_one()
        months = months_between(date_effective + ONE_DAY, date_end + ONE_DAY)
        return self.amount_yearly / 12 * months

    def _get_early_termination_penalty(self, date_effective, date_end):
        """Penalty for ending the contract on ``date_effective`` instead of ``date_end``."""
        self.ensure_one()
        if date_effective >= date_end:
            return 0.0
        if self.termination_penalty_type == "fixed":
            return self.termination_penalty_fixed
        if self.termination_penalty_type == "percent":
            return self.currency_id.round(
                self._get_remaining_fees(date_effective, date_end)
                * self.termination_penalty_percent
                / 100
            )
        return 0.0

    def _record_notice(self, values):
        """Record a notice of termination (``values`` of the notice fields) and terminate the
        contract right away when its effective end is already past."""
        self.ensure_one()
        self._check_can_give_notice()
        self._write_step(values)
        self._billing_on_contract_end()
        if self.notice_given_by == "customer":
            body = self.env._(
                "Notice of termination received from the customer on %(date)s: the contract "
                "ends on %(end)s.",
                date=format_date(self.env, self.notice_date),
                end=format_date(self.env, self.termination_date),
            )
        else:
            body = self.env._(
                "Notice of termination given to the customer on %(date)s: the contract ends "
                "on %(end)s.",
                date=format_date(self.env, self.notice_date),
                end=format_date(self.env, self.termination_date),
            )
        self.message_post(body=body, attachment_ids=self.notice_attachment_id.ids)
        self.activity_unlink(
            [
                "maintenance_contract_it.mail_activity_type_notice_deadline",
                "maintenance_contract_it.mail_activity_type_renewal",
            ]
        )
        if self.termination_date < fields.Date.context_today(self):
            self._terminate()

    def _prepare_penalty_invoice_values(self, amount):
        """Values of the penalty invoice, issued today with the conventions of the
        contract's invoices (:meth:`_prepare_invoice_values`)."""
        self.ensure_one()
        line = {
            "name": self.env._(
                "Early termination penalty, contract %(contract)s ending on "
                "%(end)s instead of %(term_end)s",
                contract=self.name,
                end=format_date(self.env, self.termination_date),
                term_end=format_date(self.env, self.date_end),
            ),
            "quantity": 1.0,
            "price_unit": amount,
            "tax_ids": [],
        }
        return self._prepare_invoice_values("out_invoice", fields.Date.context_today(self), [line])

    def _create_penalty_invoice(self, amount):
        """Draft customer invoice of an early termination penalty."""
        self.ensure_one()
        invoice = as_step(self.env["account.move"])._maintenance_create_invoices(
            self._prepare_penalty_invoice_values(amount)
        )
        self.message_post(
            body=self.env._(
                "Draft invoice of the early termination penalty created: %(amount)s.",
                amount=invoice.amount_total,
            )
        )
        return invoice

    def _send_customer_email(self, template_xmlid):
        """Post the email of ``template_xmlid`` to the customer in the chatter."""
        for contract in self:
            contract.message_post_with_source(
                template_xmlid, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    # Automation rules

    def _get_account_team(self, managers_only=False):
        """Users told about the contract's important events and given its activities, the
        account manager first: the account manager and the contract managers of its company.

        :param managers_only: leave out the account manager when he is not a contract
            manager (work only a manager can do)
        """
        self.ensure_one()
        manager_group = self.env.ref(MANAGER_GROUP)
        managers = manager_group.users.filtered(
            lambda u: u.active and not u.share and self.company_id in u.company_ids
        )
        account_manager = self.user_id
        if managers_only and account_manager not in manager_group.users:
            account_manager = self.env["res.users"]
        return (account_manager | managers) - self.env.ref("base.user_root")

    def _notify_account_team_termination(self):
        for contract in self:
            team = contract._get_account_team()
            contract.message_post(
                body=self.env._(
                    "The contract %(contract)s of %(customer)s is terminated (last day "
                    "%(end)s).",
                    contract=contract.name,
                    customer=contract.partner_id.display_name,
                    end=format_date(self.env, contract.termination_date or contract.date_end),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=team.partner_id.ids,
            )

    # Reminders

    def _get_reminders(self):
        """Reminders due for the contract: (activity type xml id, date, delay in days before
        the date, summary)."""
        self.ensure_one()
        company = self.company_id
        reminders = []
        if self.tacit_renewal and not self.termination_date and self.notice_deadline:
            reminders.append(
                (
                    "maintenance_contract_it.mail_activity_type_notice_deadline",
                    self.notice_deadline,
                    company.maintenance_notice_reminder_days,
                    self.env._(
                        "Last day to give notice: the contract renews by itself on %(date)s.",
                        date=format_date(self.env, self.date_end + ONE_DAY),
                    ),
                )
            )
        if not self.tacit_renewal and not self.termination_date and self.date_end:
            reminders.append(
                (
                    "maintenance_contract_it.mail_activity_type_renewal",
                    self.date_end,
                    company.maintenance_notice_reminder_days,
                    self.env._("Renew the contract with the customer or let it expire."),
                )
            )
        end = self.termination_date or (not self.tacit_renewal and self.date_end)
        if end:
            reminders.append(
                (
                    "maintenance_contract_it.mail_activity_type_contract_end",
                    end,
                    company.maintenance_end_reminder_days,
                    self.env._("The contract ends on %(date)s.", date=format_date(self.env, end)),
                )
            )
        return reminders

    def _send_reminders(self, today):
        self.ensure_one()
        contract = self._with_reminder_lang()
        for xmlid, date, delay, summary in contract._get_reminders():
            if date - relativedelta(days=delay) <= today <= date:
                contract._schedule_reminder(xmlid, date, summary)

    def _get_reminder_user(self, managers_only=False):
        """Who gets the contract's reminders: the first of its account team."""
        self.ensure_one()
        return self._get_account_team(managers_only=managers_only)[:1] or self.env.user

    def _with_reminder_lang(self, managers_only=False):
        """The contract in the language of the user who gets its reminders, to write them in
        it (the scheduled job runs in its own user's language)."""
        user = self._get_reminder_user(managers_only=managers_only)
        return self.with_context(lang=user.lang or self.env.lang)

    def _schedule_reminder(
        self,
        activity_type_xmlid,
        date,
        summary=None,
        note=None,
        date_deadline=None,
        managers_only=False,
    ):
        """Schedule the activity of ``activity_type_xmlid`` about ``date`` (due on
        ``date_deadline``, default ``date``) for the account team, once: the reminder log
        (unique per contract, type and date) is claimed first, so the reminder is made once
        even after its activity is done and when two jobs run at once; an open activity of
        that type is moved instead of duplicated.

        :return: whether the reminder was made by this call
        """
        self.ensure_one()
        activity_type = self.env.ref(activity_type_xmlid)
        claimed = claim_once(
            self.env["maintenance.contract.reminder"].sudo(),
            {
                "contract_id": self.id,
                "company_id": self.company_id.id,
                "activity_type_id": activity_type.id,
                "date": date,
            },
        )
        if not claimed:
            return False
        date_deadline = date_deadline or date
        user = self._get_reminder_user(managers_only=managers_only)
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            self.activity_reschedule(
                [activity_type_xmlid], date_deadline=date_deadline, new_user_id=user.id
            )
        else:
            self.activity_schedule(
                activity_type_xmlid,
                date_deadline=date_deadline,
                summary=summary or "",
                note=note or "",
                user_id=user.id,
            )
        return True

    # Scheduled jobs

    @api.model
    def _cron_process_term_ends(self):
        """Renewals, expirations and terminations on their effective date."""
        today = fields.Date.context_today(self)
        contracts = self.search(
            [
                ("state", "=", "active"),
                "|",
                ("date_end", "<", today),
                ("termination_date", "<", today),
            ]
        )
        run_batched(contracts, "_process_term_end", today)

    @api.model
    def _cron_send_reminders(self):
        today = fields.Date.context_today(self)
        contracts = self.search([("state", "=", "active")])
        run_batched(contracts, "_send_reminders", today)

    # Signing and notice on the portal (see maintenance.portal.signature.mixin)

    notice_partner_id = fields.Many2one(
        "res.partner",
        string="Notice Given By (Contact)",
        readonly=True,
        copy=False,
        help="The customer's contact who gave notice on the portal.",
    )

    def _get_signature_report_xmlid(self):
        return "maintenance_contract_it.maintenance_contract_report_action"

    def _get_signature_mail_template_xmlid(self):
        return "maintenance_contract_it.mail_template_contract_signature_request"

    def _get_signature_account_manager(self):
        return self.user_id

    def _on_portal_signed(self):
        """Activate the signed contract when its company says so and it can be; else its
        account manager gets a to-do to activate it."""
        self.ensure_one()
        note = None
        if self.company_id.maintenance_activate_on_signature:
            try:
                with self.env.cr.savepoint():
                    self.action_activate()
                return
            except (UserError, ValidationError) as error:
                note = self.env._(
                    "The contract could not be activated automatically: %(error)s",
                    error=error.args[0],
                )
        self._schedule_signature_activity(self.env._("Signed by the customer: activate"), note=note)

    def _get_portal_calendar(self):
        return self.sla_policy_id.calendar_id

    def _portal_proposal_status(self):
        """What a customer's contact reads of a draft: ``to_sign`` (a proposal awaiting their
        signature), ``signed`` (signed, awaiting activation), or False (not a proposal)."""
        self.ensure_one()
        contract = self.sudo()
        if contract.state != "draft":
            return False
        return "signed" if contract.signature else "to_sign"

    def _portal_notice_refusal(self, partner):
        """Why ``partner`` (a contact of the customer) may not give notice on the portal, as
        a message code of the notice page, or False when they may:

        - ``notice_given``: notice was already given;
        - ``not_active``: the contract is not in force;
        - ``no_tacit_renewal``: it ends by itself at the end of its term;
        - ``not_allowed``: the contact is not one of those allowed to give notice."""
        self.ensure_one()
        if self.termination_date:
            return "notice_given"
        if self.state != "active":
            return "not_active"
        if not self.tacit_renewal:
            return "no_tacit_renewal"
        if not (
            partner
            and partner.commercial_partner_id == self.commercial_partner_id
            and partner.sudo().maintenance_can_give_notice
        ):
            return "not_allowed"
        return False

    def _portal_can_give_notice(self, partner):
        """Whether ``partner`` (a contact of the customer) may give notice on the portal."""
        self.ensure_one()
        return not self._portal_notice_refusal(partner)

    def _portal_get_notice_end_date(self):
        """Effective end of the contract if the customer gives notice today."""
        self.ensure_one()
        return self._get_notice_end_date(fields.Date.context_today(self))

    def _portal_give_notice(self, partner):
        """Record the notice that ``partner`` gives on the portal today, as the internal
        notice wizard would, send the customer a receipt and tell the account manager.
        ``self`` is sudo, after the caller's access checks."""
        self.ensure_one()
        self._lock_for_portal_update()
        self._check_can_give_notice()
        if not self.tacit_renewal:
            raise UserError(
                self.env._(
                    "The contract %(contract)s ends by itself on %(end)s: no notice is needed.",
                    contract=self.name,
                    end=format_date(self.env, self.date_end),
                )
            )
        if not self._portal_can_give_notice(partner):
            raise AccessError(
                self.env._(
                    "%(contact)s is not allowed to give notice on the contract %(contract)s.",
                    contact=partner.display_name,
                    contract=self.name,
                )
            )
        wizard = self.env["maintenance.contract.notice.wizard"].create(
            {
                "contract_id": self.id,
                "notice_date": fields.Date.context_today(self),
                "given_by": "customer",
                "channel": "portal",
            }
        )
        wizard._check_dates()
        self._record_notice(dict(wizard._prepare_notice_values(), notice_partner_id=partner.id))
        self._send_customer_email("maintenance_contract_it.mail_template_portal_notice_receipt")
        self._schedule_signature_activity(
            self.env._(
                "Notice given online by %(contact)s: the contract ends on %(end)s",
                contact=partner.display_name,
                end=format_date(self.env, self.termination_date),
            )
        )
        return True
