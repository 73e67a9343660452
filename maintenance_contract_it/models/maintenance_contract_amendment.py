import logging

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from ..tools.jobs import lock_for_job, lock_for_user, run_batched
from .maintenance_step_mixin import as_step

_logger = logging.getLogger(__name__)

AMENDMENT_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("applied", "Applied"),
    ("cancelled", "Cancelled"),
]
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"
# Context key of the writes made by the amendment's steps (Confirm, Apply, Cancel, Reset).
# Its value is an object that JSON-RPC cannot send, so no client can pass it.


# Internal fields, that customers (portal users) must not read.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceContractAmendment(models.Model):
    """An amendment (avenant) of a contract: the changes it carries are applied to the
    contract on its effective date, keeping the values before and after."""

    _name = "maintenance.contract.amendment"
    _description = "Contract Amendment"
    _inherit = [
        "maintenance.step.mixin",
        "maintenance.portal.signature.mixin",
        "portal.mixin",
        "mail.thread",
    ]
    _order = "contract_id, number desc"
    _check_company_auto = True
    # signed, an amendment is frozen until it is applied (then by its status)
    _signature_frozen_states = ("draft", "confirmed")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    number = fields.Integer(readonly=True, copy=False, aggregator=False)
    contract_id = fields.Many2one(
        "maintenance.contract",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    commercial_partner_id = fields.Many2one(related="contract_id.commercial_partner_id")
    state = fields.Selection(
        AMENDMENT_STATES, default="draft", required=True, tracking=True, copy=False, index=True
    )
    date_effective = fields.Date(
        string="Effective Date",
        required=True,
        tracking=True,
        default=fields.Date.context_today,
    )
    reason = fields.Text(required=True)
    line_ids = fields.One2many(
        "maintenance.contract.amendment.line",
        "amendment_id",
        string="Fee Changes",
        copy=True,
        # the customer reads them on the printed amendment
        groups=USER_GROUP,
    )
    sla_policy_id = fields.Many2one(
        "maintenance.sla.policy", string="New SLA Policy", check_company=True
    )
    equipment_add_ids = fields.Many2many(
        "maintenance.contract.equipment",
        "maintenance_contract_amendment_equipment_add_rel",
        "amendment_id",
        "equipment_id",
        string="Equipment to Cover",
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    equipment_remove_ids = fields.Many2many(
        "maintenance.contract.equipment",
        "maintenance_contract_amendment_equipment_remove_rel",
        "amendment_id",
        "equipment_id",
        string="Equipment No Longer Covered",
        domain="[('contract_ids', 'in', contract_id)]",
    )
    clause_add_ids = fields.Many2many(
        "maintenance.clause",
        "maintenance_contract_amendment_clause_add_rel",
        "amendment_id",
        "clause_id",
        string="Clauses to Add",
        # the customer reads them on the printed amendment
        groups=USER_GROUP,
    )
    clause_remove_ids = fields.Many2many(
        "maintenance.contract.clause",
        "maintenance_contract_amendment_clause_remove_rel",
        "amendment_id",
        "contract_clause_id",
        string="Clauses to Remove",
        domain="[('contract_id', '=', contract_id), ('mandatory', '=', False)]",
    )
    date_end_new = fields.Date(string="New End Date")
    change_ids = fields.One2many(
        "maintenance.contract.amendment.change",
        "amendment_id",
        string="Changes Applied",
        readonly=True,
        copy=False,
        groups=USER_GROUP,
    )
    change_summary = fields.Text(string="Summary of Changes", readonly=True, copy=False)
    date_applied = fields.Date(readonly=True, copy=False)

    _sql_constraints = [
        (
            "contract_number_unique",
            "UNIQUE(contract_id, number)",
            "The number of an amendment is unique per contract.",
        ),
    ]

    @api.constrains("date_end_new", "contract_id")
    def _check_date_end_new(self):
        for amendment in self:
            contract = amendment.contract_id
            if amendment.date_end_new and amendment.date_end_new < contract.date_start:
                raise ValidationError(
                    self.env._(
                        "The new end date of %(amendment)s is before the start of the contract.",
                        amendment=amendment.name,
                    )
                )

    @api.constrains("date_effective", "contract_id")
    def _check_date_effective(self):
        """An amendment takes effect during the life of its contract."""
        for amendment in self:
            contract = amendment.contract_id
            if contract.date_start and amendment.date_effective < contract.date_start:
                raise ValidationError(
                    self.env._(
                        "The amendment %(amendment)s cannot take effect (%(date)s) before its "
                        "contract starts (%(start)s).",
                        amendment=amendment.name,
                        date=format_date(self.env, amendment.date_effective),
                        start=format_date(self.env, contract.date_start),
                    )
                )
            end = contract.termination_date
            if end and amendment.date_effective > end:
                raise ValidationError(
                    self.env._(
                        "The amendment %(amendment)s cannot take effect (%(date)s) after its "
                        "contract ends (%(end)s).",
                        amendment=amendment.name,
                        date=format_date(self.env, amendment.date_effective),
                        end=format_date(self.env, end),
                    )
                )

    @api.constrains("contract_id", "line_ids")
    def _check_fee_lines_contract(self):
        for amendment in self:
            amendment._check_fee_lines_of_contract(ValidationError)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            contract = self.env["maintenance.contract"].browse(vals["contract_id"])
            vals["number"] = self._next_number(contract)
            vals["name"] = f"{contract.name}/A{vals['number']:02d}"
        return super().create(vals_list)

    def write(self, vals):
        if "contract_id" in vals:
            moved = self.filtered(
                lambda a: a.contract_id.id != vals["contract_id"]
                and (a.line_ids or a.state != "draft")
            )
            if moved:
                raise UserError(
                    self.env._(
                        "The contract of the amendment %(amendment)s cannot be changed once "
                        "it has fee changes or is confirmed: make a new amendment for the "
                        "other contract.",
                        amendment=", ".join(moved.mapped("name")),
                    )
                )
        return super().write(vals)

    def _state_change_message(self):
        return self.env._(
            "The status of an amendment only changes through its buttons (Confirm, Apply Now, "
            "Cancel, Reset to Draft)."
        )

    @api.model
    def _next_number(self, contract):
        """Next amendment number of ``contract``; the contract row is locked so that two
        amendments created at once cannot get the same number (UNIQUE(contract_id, number)
        makes sure of it)."""
        lock_for_user(contract)
        self.flush_model(["contract_id", "number"])
        # MAX over the table, also the amendments the user cannot read: one query
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(MAX(number), 0) FROM maintenance_contract_amendment "
                "WHERE contract_id = %s",
                contract.id,
            )
        )
        return self.env.cr.fetchone()[0] + 1

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if self.filtered(lambda a: a.state in ("confirmed", "applied")):
            raise UserError(
                self.env._("Cancel an amendment before deleting it; applied ones are kept.")
            )

    def action_confirm(self):
        for amendment in self:
            if amendment.state != "draft":
                raise UserError(
                    self.env._(
                        "Only a draft amendment can be confirmed (%(amendment)s).",
                        amendment=amendment.name,
                    )
                )
            if not amendment._has_changes():
                raise UserError(
                    self.env._(
                        "The amendment %(amendment)s changes nothing.", amendment=amendment.name
                    )
                )
        today = fields.Date.context_today(self)
        due = self.filtered(lambda a: a.date_effective <= today and a.contract_id.state == "active")
        if due and not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise UserError(
                self.env._(
                    "The amendment %(amendment)s takes effect on %(date)s: confirming it "
                    "applies it to the contract right away, which only a contract manager "
                    "can do. Ask a contract manager to confirm it, or set a later effective "
                    "date.",
                    amendment=due[0].name,
                    date=format_date(self.env, due[0].date_effective),
                )
            )
        lock_for_user(self)
        lock_for_user(due.contract_id)
        self._write_step({"state": "confirmed"})
        due._apply()
        return True

    def action_cancel(self):
        if self.filtered(lambda a: a.state == "applied"):
            raise UserError(
                self.env._("An applied amendment cannot be cancelled: make a new amendment.")
            )
        self._write_step({"state": "cancelled"})
        return True

    def action_draft(self):
        self.filtered(lambda a: a.state == "cancelled")._write_step({"state": "draft"})
        return True

    def action_apply(self):
        """Apply confirmed amendments now (manager), whatever their effective date."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a contract manager can apply an amendment now."))
        if self.filtered(lambda a: a.state != "confirmed"):
            raise UserError(self.env._("Only confirmed amendments can be applied."))
        lock_for_user(self)
        lock_for_user(self.contract_id)
        self._apply()
        return True

    def action_print(self):
        return self.env.ref(
            "maintenance_contract_it.action_report_maintenance_contract_amendment"
        ).report_action(self)

    def _has_changes(self):
        self.ensure_one()
        return bool(
            self.line_ids
            or self.sla_policy_id
            or self.equipment_add_ids
            or self.equipment_remove_ids
            or self.clause_add_ids
            or self.clause_remove_ids
            or self.date_end_new
        )

    def _apply(self):
        """Apply the changes to the contracts, once: the callers lock the amendments and
        their contracts, the state is checked under the lock."""
        for amendment in self:
            if amendment.state != "confirmed":
                continue
            contract = amendment.contract_id
            if contract.state != "active":
                raise UserError(
                    self.env._(
                        "The amendment %(amendment)s can only be applied to an active contract.",
                        amendment=amendment.name,
                    )
                )
            amendment._check_fee_lines_of_contract(UserError)
            changes = (
                amendment._apply_fee_lines()
                + amendment._apply_sla_policy()
                + amendment._apply_equipment()
                + amendment._apply_clauses()
                + amendment._apply_date_end()
            )
            lines = [f"{label}: {old or '—'} → {new or '—'}" for label, old, new in changes]
            summary = "\n".join(lines)
            amendment._write_step(
                {
                    "state": "applied",
                    "date_applied": fields.Date.context_today(self),
                    "change_summary": summary,
                    "change_ids": [
                        Command.create(
                            {
                                "sequence": index,
                                "field_description": label,
                                "old_value": old or False,
                                "new_value": new or False,
                            }
                        )
                        for index, (label, old, new) in enumerate(changes)
                    ],
                }
            )
            contract.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Amendment %(amendment)s applied:", amendment=amendment.name),
                    Markup().join(Markup("<li>%s</li>") % line for line in lines),
                )
            )

    def _check_fee_lines_of_contract(self, error):
        """Raise ``error`` when a fee change is about a fee line of another contract."""
        self.ensure_one()
        foreign = self.line_ids.contract_line_id.filtered(
            lambda fee: fee.contract_id != self.contract_id
        )
        if foreign:
            raise error(
                self.env._(
                    "The amendment %(amendment)s changes the fee lines %(lines)s, which are "
                    "not lines of its contract %(contract)s.",
                    amendment=self.name,
                    lines=", ".join(foreign.mapped("name")),
                    contract=self.contract_id.name,
                )
            )

    def _format_fee(self, quantity, price, fee=None):
        """What a fee line bills, for the amendment's changes: ``2 × 25.00``, or for a line
        billed per unit (``fee``: a fee line or a fee change) ``25.00 × Per covered
        equipment (minimum 5)``."""
        if not fee or fee.quantity_mode == "fixed":
            return f"{quantity:g} × {price:.2f}"
        mode = dict(fee._fields["quantity_mode"]._description_selection(self.env))
        text = f"{price:.2f} × {mode[fee.quantity_mode]}"
        if fee.min_quantity:
            minimum = f"{fee.min_quantity:g}"
            text = self.env._("%(fee)s (minimum %(minimum)s)", fee=text, minimum=minimum)
        return text

    def _apply_fee_lines(self):
        """Add, update or remove fee lines; return the (label, before, after) changes."""
        self.ensure_one()
        contract = self.contract_id
        changes = []
        for line in self.line_ids:
            label = self.env._("Fee line %(line)s", line=line._describe())
            if line.operation == "add":
                fee = as_step(contract.line_ids).create(
                    {
                        "contract_id": contract.id,
                        "product_id": line.product_id.id,
                        "name": line.name,
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                        **line._get_quantity_mode_values(),
                    }
                )
                # the periods before the effective date are billed without the added line
                line.fee_line_before = {"id": fee.id}
                changes.append((label, "", self._format_fee(line.quantity, line.price_unit, line)))
                continue
            fee = line.contract_line_id
            # the periods before the effective date are billed with the line as it was (its
            # quantity mode included, see maintenance.contract.period._get_fee_snapshot)
            line.fee_line_before = fee.env["maintenance.contract.period"]._get_fee_snapshot(fee)
            before = self._format_fee(fee.quantity, fee.price_unit, fee)
            if line.operation == "update":
                as_step(fee).write(
                    {
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                        **line._get_quantity_mode_values(),
                    }
                )
                changes.append((label, before, self._format_fee(fee.quantity, fee.price_unit, fee)))
            else:
                as_step(fee).unlink()
                changes.append((label, before, ""))
        return changes

    def _apply_sla_policy(self):
        self.ensure_one()
        contract = self.contract_id
        if not self.sla_policy_id or self.sla_policy_id == contract.sla_policy_id:
            return []
        before = contract.sla_policy_id.display_name
        contract.sla_policy_id = self.sla_policy_id
        return [(self.env._("SLA policy"), before, self.sla_policy_id.display_name)]

    def _apply_equipment(self):
        self.ensure_one()
        contract = self.contract_id
        added = self.equipment_add_ids - contract.equipment_ids
        removed = self.equipment_remove_ids & contract.equipment_ids
        if not added and not removed:
            return []
        # covered (coverage history) from the amendment's effective date
        contract.with_context(coverage_date=self.date_effective).equipment_ids = [
            Command.link(e.id) for e in added
        ] + [Command.unlink(e.id) for e in removed]
        label = self.env._("Covered equipment")
        return [(label, "", e.display_name) for e in added] + [
            (label, e.display_name, "") for e in removed
        ]

    def _apply_clauses(self):
        self.ensure_one()
        contract = self.contract_id
        contract_clause = self.env["maintenance.contract.clause"]
        label = self.env._("Clause")
        changes = []
        for clause in self.clause_add_ids - contract.clause_ids.clause_id:
            contract_clause.create(
                dict(contract_clause._prepare_from_clause(clause), contract_id=contract.id)
            )
            changes.append((label, "", clause.name))
        removed = self.clause_remove_ids & contract.clause_ids
        changes += [(label, clause.name, "") for clause in removed]
        removed.unlink()
        return changes

    def _apply_date_end(self):
        self.ensure_one()
        contract = self.contract_id
        if not self.date_end_new or self.date_end_new == contract.date_end:
            return []
        before = contract.date_end
        contract._write_step({"date_end": self.date_end_new})
        return [
            (
                self.env._("End date"),
                before and fields.Date.to_string(before),
                fields.Date.to_string(self.date_end_new),
            )
        ]

    @api.model
    def _cron_apply_amendments(self):
        """Scheduled job: apply the confirmed amendments whose effective date has come."""
        amendments = self.search(
            [
                ("state", "=", "confirmed"),
                ("date_effective", "<=", fields.Date.context_today(self)),
                ("contract_id.state", "=", "active"),
            ],
            order="date_effective, number",
        )
        run_batched(amendments, "_apply_from_job")

    def _apply_from_job(self):
        """Apply the amendment (locked by the job) unless another worker holds its contract:
        the next run applies it then."""
        self.ensure_one()
        if not lock_for_job(self.contract_id):
            _logger.info("%s: contract held by another worker, applied later", self.name)
            return
        # the job's user is nobody: its message is written for the account team
        lang = self.contract_id._get_reminder_user().lang or self.env.lang
        self.with_context(lang=lang)._apply()

    # Signing on the portal (see maintenance.portal.signature.mixin)

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for amendment in self:
            amendment.access_url = (
                f"/my/contracts/{amendment.contract_id.id}/amendments/{amendment.id}"
            )
        return res

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Amendment %(reference)s", reference=self.name)

    def _get_signature_report_xmlid(self):
        return "maintenance_contract_it.action_report_maintenance_contract_amendment"

    def _get_signature_mail_template_xmlid(self):
        return "maintenance_contract_it.mail_template_amendment_signature_request"

    def _get_signature_account_manager(self):
        return self.contract_id.user_id

    def _get_portal_calendar(self):
        return self.contract_id.sla_policy_id.calendar_id

    def _get_signature_activity_record(self):
        # amendments have no activities: the to-do goes on their contract
        return self.contract_id

    def _on_portal_signed(self):
        """The amendment signed by the customer is confirmed."""
        self.action_confirm()

    def _on_signature_reset(self):
        """An unlocked amendment goes back to draft: it is confirmed when signed again."""
        self.filtered(lambda a: a.state == "confirmed")._write_step({"state": "draft"})
