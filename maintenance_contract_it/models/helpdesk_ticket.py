from collections import defaultdict
from datetime import datetime

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.jobs import claim_once, run_batched
from ..tools.sla import WorkingTime, clock_end, target_result
from .maintenance_sla_notification import SLA_TARGETS, SLA_WARNING_LEVELS

SLA_STATUSES = [
    ("running", "Running"),
    ("paused", "Paused"),
    ("at_risk", "At risk"),
    ("met", "Met"),
    ("breached", "Breached"),
]
SLA_RESULTS = [("paused", "Paused"), ("met", "Met"), ("breached", "Breached")]
# Fields that the batched recomputation stores with one UPDATE, with their SQL types.
SLA_STORED_COLUMNS = {
    "sla_policy_id": "int4",
    "sla_response_target": "float8",
    "sla_response_deadline": "timestamp",
    "sla_response_risk_date": "timestamp",
    "sla_response_result": "varchar",
    "sla_response_work_hours": "float8",
    "sla_resolution_target": "float8",
    "sla_resolution_deadline": "timestamp",
    "sla_resolution_risk_date": "timestamp",
    "sla_resolution_result": "varchar",
    "sla_resolution_work_hours": "float8",
}
# Fields whose company is checked by batch (see _check_company).
COMPANY_CHECKED_FIELDS = ("contract_id", "sla_policy_id")
# Fields whose change recomputes the SLA clocks.
SLA_TRIGGER_FIELDS = {
    "stage_id",
    "priority",
    "contract_id",
    "excluded",
    "partner_id",
    "equipment_id",
    "company_id",
}
# The coverage and SLA bookkeeping of a ticket is internal: employees read it, customers
# (portal users, who read their tickets) do not.
EMPLOYEE_GROUP = "base.group_user"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"
    _check_company_auto = True

    # Contract coverage
    contract_id = fields.Many2one(
        "maintenance.contract",
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('state', '=', 'active')]",
        help="Set automatically: the customer's active contract covering the equipment, or "
        "without equipment the customer's only active contract.",
    )
    equipment_id = fields.Many2one(
        "maintenance.contract.equipment",
        index=True,
        tracking=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    excluded = fields.Boolean(
        string="Excluded from the Contract",
        tracking=True,
        help="The request falls in the contract's exclusions: billable extra work.",
        groups=EMPLOYEE_GROUP,
    )
    exclusion_reason = fields.Char(tracking=True, groups=EMPLOYEE_GROUP)
    not_covered = fields.Boolean(
        compute="_compute_not_covered",
        store=True,
        help="No active contract, or excluded from it: the work is billable at the "
        "contract's hourly rate for extra services.",
        groups=EMPLOYEE_GROUP,
    )
    contract_currency_id = fields.Many2one(related="contract_id.currency_id")
    extra_hourly_rate = fields.Monetary(
        related="contract_id.extra_hourly_rate", currency_field="contract_currency_id"
    )

    # Interventions
    intervention_ids = fields.One2many(
        "maintenance.intervention", "ticket_id", string="Interventions"
    )
    intervention_count = fields.Integer(
        compute="_compute_intervention_count", groups=EMPLOYEE_GROUP
    )

    # SLA clocks
    sla_policy_id = fields.Many2one(
        "maintenance.sla.policy",
        string="SLA Policy",
        readonly=True,
        copy=False,
        index=True,
        groups=EMPLOYEE_GROUP,
        check_company=True,
    )
    sla_start_date = fields.Datetime(
        string="SLA Start",
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
        help="When the SLA clocks started: the ticket's creation.",
        groups=EMPLOYEE_GROUP,
    )
    sla_pause_ids = fields.One2many(
        "maintenance.sla.pause",
        "ticket_id",
        string="Clock Stops",
        readonly=True,
        groups=EMPLOYEE_GROUP,
    )
    sla_paused_since = fields.Datetime(
        readonly=True,
        copy=False,
        help="Start of the running clock stop.",
        groups=EMPLOYEE_GROUP,
    )
    sla_response_target = fields.Float(
        string="Response Time Allowed (h)",
        readonly=True,
        copy=False,
        groups=EMPLOYEE_GROUP,
    )
    sla_response_deadline = fields.Datetime(
        string="Response Deadline",
        readonly=True,
        copy=False,
        index=True,
        groups=EMPLOYEE_GROUP,
    )
    sla_response_risk_date = fields.Datetime(
        string="Response at Risk From",
        readonly=True,
        copy=False,
        groups=EMPLOYEE_GROUP,
    )
    sla_response_reached = fields.Datetime(
        string="Responded On",
        readonly=True,
        copy=False,
        help="First public reply to the customer by an internal user.",
        groups=EMPLOYEE_GROUP,
    )
    sla_response_result = fields.Selection(
        SLA_RESULTS, readonly=True, copy=False, groups=EMPLOYEE_GROUP
    )
    sla_response_work_hours = fields.Float(
        string="Response Time (working h)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Working hours from the creation to the first reply, clock stops excluded.",
        groups=EMPLOYEE_GROUP,
    )
    sla_response_hours_used = fields.Float(
        string="Response: Working Hours Used",
        compute="_compute_sla_hours_used",
        groups=EMPLOYEE_GROUP,
    )
    sla_response_status = fields.Selection(
        SLA_STATUSES,
        string="Response SLA",
        compute="_compute_sla_status",
        search="_search_sla_response_status",
        groups=EMPLOYEE_GROUP,
    )
    sla_response_notified = fields.Selection(
        SLA_WARNING_LEVELS,
        string="Response Warning Sent",
        readonly=True,
        copy=False,
        groups=EMPLOYEE_GROUP,
    )
    sla_resolution_target = fields.Float(
        string="Resolution Time Allowed (h)",
        readonly=True,
        copy=False,
        groups=EMPLOYEE_GROUP,
    )
    sla_resolution_deadline = fields.Datetime(
        string="Resolution Deadline",
        readonly=True,
        copy=False,
        index=True,
        groups=EMPLOYEE_GROUP,
    )
    sla_resolution_risk_date = fields.Datetime(
        string="Resolution at Risk From",
        readonly=True,
        copy=False,
        groups=EMPLOYEE_GROUP,
    )
    sla_resolution_reached = fields.Datetime(
        string="Resolved On",
        readonly=True,
        copy=False,
        help="When the ticket reached a closed stage.",
        groups=EMPLOYEE_GROUP,
    )
    sla_resolution_result = fields.Selection(
        SLA_RESULTS, readonly=True, copy=False, groups=EMPLOYEE_GROUP
    )
    sla_resolution_work_hours = fields.Float(
        string="Resolution Time (working h)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Working hours from the creation to the closing, clock stops excluded.",
        groups=EMPLOYEE_GROUP,
    )
    sla_resolution_hours_used = fields.Float(
        string="Resolution: Working Hours Used",
        compute="_compute_sla_hours_used",
        groups=EMPLOYEE_GROUP,
    )
    sla_resolution_status = fields.Selection(
        SLA_STATUSES,
        string="Resolution SLA",
        compute="_compute_sla_status",
        search="_search_sla_resolution_status",
        groups=EMPLOYEE_GROUP,
    )
    sla_resolution_notified = fields.Selection(
        SLA_WARNING_LEVELS,
        string="Resolution Warning Sent",
        readonly=True,
        copy=False,
        groups=EMPLOYEE_GROUP,
    )
    sla_notification_ids = fields.One2many(
        "maintenance.sla.notification",
        "ticket_id",
        string="SLA Warnings",
        readonly=True,
        groups=EMPLOYEE_GROUP,
    )

    @api.depends("commercial_partner_id", "equipment_id", "company_id")
    def _compute_contract_id(self):
        contracts = self._select_contracts()
        for ticket in self:
            ticket.contract_id = contracts[ticket.id]

    @api.depends("contract_id", "excluded")
    def _compute_not_covered(self):
        for ticket in self:
            ticket.not_covered = not ticket.contract_id or ticket.excluded

    @api.depends(
        "sla_start_date",
        "sla_paused_since",
        "sla_response_reached",
        "sla_resolution_reached",
        "sla_pause_ids.date_start",
        "sla_pause_ids.date_end",
    )
    def _compute_sla_hours_used(self):
        """The working hours used so far, the one computation of them: the ticket form
        shows them and the contract's penalties charge the delay beyond the target."""
        now = fields.Datetime.now()
        self.sla_response_hours_used = self.sla_resolution_hours_used = 0.0
        for calendar, tickets in self._sla_group_by_calendar().items():
            working_time = WorkingTime(calendar, min(tickets.mapped("sla_start_date")))
            for ticket in tickets:
                stops = ticket._sla_stops()
                for target, _label in SLA_TARGETS:
                    end = clock_end(ticket[f"sla_{target}_reached"], ticket.sla_paused_since, now)
                    ticket[f"sla_{target}_hours_used"] = working_time.hours(
                        ticket.sla_start_date, end, stops
                    )

    @api.depends(
        "sla_response_deadline",
        "sla_response_risk_date",
        "sla_response_result",
        "sla_resolution_deadline",
        "sla_resolution_risk_date",
        "sla_resolution_result",
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for ticket in self:
            for target, _label in SLA_TARGETS:
                ticket[f"sla_{target}_status"] = ticket._sla_status(target, now)

    def _search_sla_response_status(self, operator, value):
        return self._sla_status_domain("response", operator, value)

    def _search_sla_resolution_status(self, operator, value):
        return self._sla_status_domain("resolution", operator, value)

    @api.constrains("contract_id", "commercial_partner_id", "company_id")
    def _check_contract_id(self):
        for ticket in self.filtered("contract_id"):
            contract = ticket.contract_id
            if (
                contract.state != "active"
                or contract.commercial_partner_id != ticket.commercial_partner_id
                or contract.company_id != ticket.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "The ticket %(ticket)s can only be under an active contract of its "
                        "customer %(customer)s in its company %(company)s; %(contract)s is not.",
                        ticket=ticket.display_name,
                        customer=ticket.commercial_partner_id.display_name or "-",
                        company=ticket.company_id.display_name or "-",
                        contract=contract.display_name,
                    )
                )

    @api.constrains("excluded", "exclusion_reason")
    def _check_exclusion_reason(self):
        for ticket in self:
            if ticket.excluded and not ticket.exclusion_reason:
                raise ValidationError(
                    self.env._(
                        "Give the reason why the ticket %(ticket)s is excluded from the "
                        "contract.",
                        ticket=ticket.display_name,
                    )
                )

    def _check_company(self, fnames=None):
        """The company check of the contract and the SLA policy, by batch: Odoo evaluates
        a domain per ticket and field (measured in bench/: 3 % of the time of creating a
        ticket), here only the tickets whose contract or policy has another company than
        theirs go through it (it also accepts the parent companies)."""
        if fnames is None or {"company_id", "company_ids"} & set(fnames):
            fnames = list(self._fields)
        batched = [name for name in COMPANY_CHECKED_FIELDS if name in fnames]
        others = [
            name
            for name in fnames
            if name not in batched and name not in ("company_id", "company_ids")
        ]
        if others:
            super()._check_company(others)
        suspects = (
            self.sudo().filtered(
                lambda ticket: any(
                    ticket[name].company_id not in (ticket.company_id, ticket.company_id.browse())
                    for name in batched
                )
            )
            if batched
            else self.browse()
        )
        return super(HelpdeskTicket, suspects.with_env(self.env))._check_company(
            batched if suspects else []
        )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._sla_update_stops()
        tickets._sla_recompute()
        return tickets

    def write(self, vals):
        if not SLA_TRIGGER_FIELDS.intersection(vals):
            return super().write(vals)
        old_contracts = {ticket: ticket.contract_id for ticket in self}
        res = super().write(vals)
        if "stage_id" in vals:
            self._sla_update_stops()
        self._sla_recompute()
        for ticket in self.filtered(lambda t: t.contract_id != old_contracts[t]):
            ticket._sla_post_change_note(old_contracts[ticket].display_name or "-")
        return res

    def _message_post_after_hook(self, message, msg_vals):
        if self._sla_is_reply_to_customer(message):
            first = self.filtered(lambda ticket: not ticket.sla_response_reached)
            if first:
                first.sla_response_reached = fields.Datetime.now()
                first._sla_recompute()
        return super()._message_post_after_hook(message, msg_vals)

    # Contract coverage

    def _select_contracts(self):
        """The contract of each ticket: among its customer's active contracts of its
        company, the one covering its equipment, or without equipment the only one.

        :return: dict ticket id -> contract (in the tickets' environment)

        The candidates are read once for the whole batch and indexed by customer and
        company and by equipment, so that the cost per ticket does not grow with the number
        of customers or contracts of the batch."""
        contract_model = self.env["maintenance.contract"]
        partners = self.commercial_partner_id
        # helpdesk agents need not have access to the contracts to get them assigned
        candidates = (
            contract_model.sudo().search(
                [("commercial_partner_id", "in", partners.ids), ("state", "=", "active")]
            )
            if partners
            else contract_model.sudo()
        )
        by_customer = defaultdict(list)
        by_equipment = {}
        for contract in candidates:
            key = (contract.commercial_partner_id.id, contract.company_id.id)
            by_customer[key].append(contract.id)
            for equipment_id in contract.equipment_ids.ids:
                by_equipment.setdefault((key, equipment_id), contract.id)
        result = {}
        for ticket in self:
            key = (ticket.commercial_partner_id.id, ticket.company_id.id)
            if ticket.equipment_id:
                contract_id = by_equipment.get((key, ticket.equipment_id.id))
            else:
                customer_contracts = by_customer.get(key, ())
                contract_id = customer_contracts[0] if len(customer_contracts) == 1 else None
            result[ticket.id] = contract_model.browse(contract_id)
        return result

    # SLA clocks

    def _sla_get_policies(self):
        """The SLA policy that applies to each ticket: its covering contract's.

        :return: dict ticket id -> policy (sudo: agents need not read the policies), read
            once for the batch."""
        policy_model = self.env["maintenance.sla.policy"].sudo()
        contract_policies = {
            contract.id: contract.sla_policy_id for contract in self.contract_id.sudo()
        }
        return {
            ticket.id: policy_model
            if ticket.not_covered
            else contract_policies.get(ticket.contract_id.id, policy_model)
            for ticket in self
        }

    def _sla_get_policy(self):
        """The SLA policy that applies: the covering contract's."""
        self.ensure_one()
        return self._sla_get_policies()[self.id]

    def _sla_group_by_calendar(self):
        groups = defaultdict(list)
        policies = self.sla_policy_id.sudo()
        calendars = {policy.id: policy.calendar_id for policy in policies}
        for ticket in self:
            if ticket.sla_policy_id:
                groups[calendars[ticket.sla_policy_id.id]].append(ticket.id)
        return {calendar: self.browse(ids) for calendar, ids in groups.items()}

    def _sla_stops(self):
        self.ensure_one()
        return [(stop.date_start, stop.date_end or None) for stop in self.sla_pause_ids]

    def _sla_stop_kinds(self):
        """Whether the current stage of each ticket stops its clocks: ``closed``, ``pause``
        or ``False``, as a dict by ticket id (policies and pause stages read once)."""
        policies = self._sla_get_policies()
        pause_stages = {policy.id: set(policy.pause_stage_ids.ids) for policy in policies.values()}
        kinds = {}
        for ticket in self:
            stage = ticket.stage_id
            if stage.closed:
                kinds[ticket.id] = "closed"
            elif stage.id in pause_stages.get(policies[ticket.id].id, ()):
                kinds[ticket.id] = "pause"
            else:
                kinds[ticket.id] = False
        return kinds

    def _sla_stop_kind(self):
        """Whether the current stage stops the clocks: ``closed``, ``pause`` or ``False``."""
        self.ensure_one()
        return self._sla_stop_kinds()[self.id]

    def _sla_update_stops(self):
        """Open or close the clock stops after a stage change."""
        if not self:
            return
        now = fields.Datetime.now()
        kinds = self._sla_stop_kinds()
        # clock stops are bookkeeping of the stage changes any agent makes
        stop_model = self.env["maintenance.sla.pause"].sudo()
        running_stops = {
            stop.ticket_id.id: stop for stop in self.sudo().sla_pause_ids if not stop.date_end
        }
        new_stops = []
        ended_stops = []
        updates = defaultdict(list)
        for ticket in self:
            kind = kinds[ticket.id]
            running = running_stops.get(ticket.id, stop_model)
            if running and running.kind != kind:
                ended_stops.append(running.id)
                running = stop_model
            if kind and not running:
                new_stops.append(
                    {
                        "ticket_id": ticket.id,
                        "kind": kind,
                        "stage_id": ticket.stage_id.id,
                        "date_start": now,
                    }
                )
            paused_since = running.date_start if running else (now if kind else False)
            reached = paused_since if kind == "closed" else False
            if ticket.sla_paused_since != paused_since or ticket.sla_resolution_reached != reached:
                updates[(paused_since, reached)].append(ticket.id)
        stop_model.browse(ended_stops).date_end = now
        for (paused_since, reached), ticket_ids in updates.items():
            self.browse(ticket_ids).write(
                {"sla_paused_since": paused_since, "sla_resolution_reached": reached}
            )
        stop_model.create(new_stops)

    def _sla_recompute(self):
        """Recompute the policy, targets, deadlines and results of the tickets, one calendar
        at a time (its work intervals fetched once), and store them with one UPDATE."""
        if not self:
            return
        policies = self._sla_get_policies()
        lines = {
            (line.policy_id.id, line.priority): line
            for line in self.env["maintenance.sla.policy"].sudo().union(*policies.values()).line_ids
        }
        rows = {}
        by_calendar = defaultdict(list)
        for ticket in self:
            policy = policies[ticket.id]
            line = lines.get((policy.id, ticket.priority)) if policy else None
            if line:
                by_calendar[policy.calendar_id].append((ticket, policy, line))
            else:
                rows[ticket.id] = dict.fromkeys(SLA_STORED_COLUMNS)
        for calendar, items in by_calendar.items():
            working_time = WorkingTime(calendar, min(item[0].sla_start_date for item in items))
            for ticket, policy, line in items:
                rows[ticket.id] = ticket._sla_prepare_values(working_time, policy, line)
        self._sla_store(rows)

    def _sla_prepare_values(self, working_time, policy, line):
        """The SLA values of this ticket under ``line`` of ``policy``."""
        self.ensure_one()
        start = self.sla_start_date
        stops = self._sla_stops()
        ended_stops = [stop for stop in stops if stop[1]]
        values = {"sla_policy_id": policy.id}
        for target, allowed in (
            ("response", line.response_hours),
            ("resolution", line.resolution_hours),
        ):
            reached = self[f"sla_{target}_reached"]
            # a result only once the clock stopped: reached, or in a running stop
            end = reached or self.sla_paused_since
            used = working_time.hours(start, end, stops) if end else None
            result = target_result(used, allowed, reached)
            values.update(
                {
                    f"sla_{target}_target": allowed,
                    f"sla_{target}_deadline": working_time.plan(start, allowed, ended_stops),
                    f"sla_{target}_risk_date": working_time.plan(
                        start, allowed * policy.at_risk_percent / 100, ended_stops
                    ),
                    f"sla_{target}_result": result,
                    f"sla_{target}_work_hours": used if reached else None,
                }
            )
        return values

    def _sla_store(self, rows):
        """Write the recomputed SLA values of all tickets with a single query.

        Raw SQL because it was measured to matter: writing these 11 fields ticket by ticket
        through ``write()`` (the values differ per ticket: start, priority, stops) took
        2,280 ms for 500 tickets against 90 ms for this one ``UPDATE ... FROM (VALUES ...)``
        (``bench/sla_bench.py store``, bench/README.md): 4.4 ms more per ticket created,
        a quarter of the time plain helpdesk_mgmt takes to create one. The fields are
        read-only computed values: no tracking, no automation listens to them. What
        ``write()`` would have checked is checked here: the policy's company
        (``check_company``)."""
        self.flush_recordset(list(SLA_STORED_COLUMNS))
        columns = list(SLA_STORED_COLUMNS)
        row_sql = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
        values = SQL(", ").join(
            SQL(
                row_sql,
                ticket_id,
                *(
                    value.replace(microsecond=0) if isinstance(value, datetime) else value
                    for value in (row[column] for column in columns)
                ),
            )
            for ticket_id, row in rows.items()
        )
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket AS ticket SET %s FROM (VALUES %s) AS v(id, %s) "
                "WHERE ticket.id = v.id",
                SQL(", ").join(
                    SQL(
                        "%s = v.%s::%s",
                        SQL.identifier(column),
                        SQL.identifier(column),
                        SQL(SLA_STORED_COLUMNS[column]),
                    )
                    for column in columns
                ),
                values,
                SQL(", ").join(SQL.identifier(column) for column in columns),
            )
        )
        self.invalidate_recordset(columns)
        self._check_company(["sla_policy_id"])

    def _sla_post_change_note(self, old_contract_name):
        self.ensure_one()
        self.message_post(
            body=self.env._(
                "Contract changed from %(old)s to %(new)s: the SLA deadlines were recomputed "
                "(policy: %(policy)s).",
                old=old_contract_name,
                new=self.contract_id.display_name or "-",
                policy=self.sla_policy_id.display_name or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _sla_status(self, target, now):
        """The status of ``target`` (response or resolution) at ``now``."""
        self.ensure_one()
        result = self[f"sla_{target}_result"]
        deadline = self[f"sla_{target}_deadline"]
        if result or not deadline:
            return result or False
        if deadline <= now:
            return "breached"
        risk_date = self[f"sla_{target}_risk_date"]
        if risk_date and risk_date <= now:
            return "at_risk"
        return "running"

    @api.model
    def _sla_status_domain(self, target, operator, value):
        """Search domain of the statuses, evaluated against the current time: the same rules
        as :meth:`_sla_status` on stored fields, so a ticket is breached as soon as its
        deadline passes, whatever the warning job did."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on an SLA status."))
        statuses = [value] if not isinstance(value, list | tuple) else value
        now = fields.Datetime.now()
        result = f"sla_{target}_result"
        deadline = f"sla_{target}_deadline"
        risk_date = f"sla_{target}_risk_date"
        running = [(result, "=", False), (deadline, "!=", False), (deadline, ">", now)]
        by_status = {
            "met": [(result, "=", "met")],
            "paused": [(result, "=", "paused")],
            "breached": expression.OR(
                [
                    [(result, "=", "breached")],
                    [(result, "=", False), (deadline, "!=", False), (deadline, "<=", now)],
                ]
            ),
            "at_risk": running + [(risk_date, "<=", now)],
            "running": running + ["|", (risk_date, "=", False), (risk_date, ">", now)],
            False: [(result, "=", False), (deadline, "=", False)],
        }
        domain = expression.OR([by_status[status] for status in statuses if status in by_status])
        if operator in ("!=", "not in"):
            return ["!"] + domain
        return domain

    def _sla_is_reply_to_customer(self, message):
        """A public message (or email) written by an internal user, not a note nor a
        tracking message, nor an automatic SLA email."""
        if self.env.context.get("mail_sla_automatic"):
            return False
        return (
            message.message_type in ("comment", "email")
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and any(user._is_internal() for user in message.author_id.user_ids)
        )

    # Warning job

    @api.model
    def _sla_warning_domain(self):
        """Tickets with a warning to send: at risk or breached, not yet warned of it."""
        return expression.OR(
            [
                [
                    (f"sla_{target}_status", "=", "at_risk"),
                    (f"sla_{target}_notified", "=", False),
                ]
                for target, _label in SLA_TARGETS
            ]
            + [
                [
                    (f"sla_{target}_status", "=", "breached"),
                    (f"sla_{target}_notified", "!=", "breached"),
                ]
                for target, _label in SLA_TARGETS
            ]
        )

    @api.model
    def _cron_sla_warnings(self, batch_size=200):
        """Warn of the SLA targets at risk and breached, once per ticket, target and level.

        Idempotent: a warning is sent only by the run that claims its marker (unique index),
        so two runs, even concurrent, never warn twice; a ticket another worker holds is
        skipped. Each ticket is processed in its own savepoint; a failure is logged and does
        not block the others."""
        tickets = self.search(self._sla_warning_domain(), order="id")
        failed = run_batched(tickets, "_sla_send_warnings", batch_size=batch_size)
        return len(tickets) - len(failed)

    def _sla_send_warnings(self):
        self.ensure_one()
        now = fields.Datetime.now()
        for target, _label in SLA_TARGETS:
            status = self._sla_status(target, now)
            notified = self[f"sla_{target}_notified"]
            if status not in ("at_risk", "breached") or notified in (status, "breached"):
                continue
            if self._sla_claim_warning(target, status):
                self[f"sla_{target}_notified"] = status
                if status == "at_risk":
                    self._sla_warn_at_risk(target)
                else:
                    self._sla_warn_breached(target)

    def _sla_claim_warning(self, target, level):
        """Claim this warning in the SLA warning log; False if it was already sent."""
        claimed = claim_once(
            self.env["maintenance.sla.notification"].sudo(),
            {
                "ticket_id": self.id,
                "company_id": self.company_id.id,
                "target": target,
                "level": level,
            },
        )
        self.invalidate_recordset(["sla_notification_ids"])
        return bool(claimed)

    def _sla_warn_at_risk(self, target):
        deadline = self[f"sla_{target}_deadline"]
        summary = self.env._(
            "SLA at risk: %(target)s due %(deadline)s",
            target=self._sla_target_name(target),
            deadline=self._sla_format_deadline(deadline),
        )
        self.message_post(body=summary, subtype_xmlid="mail.mt_note")
        user = self.user_id or self.team_id.user_id
        if user:
            self.activity_schedule(
                "maintenance_contract_it.mail_activity_type_sla_warning",
                date_deadline=fields.Date.context_today(self),
                summary=summary,
                user_id=user.id,
            )

    def _sla_warn_breached(self, target):
        summary = self.env._(
            "SLA breached: %(target)s was due %(deadline)s",
            target=self._sla_target_name(target),
            deadline=self._sla_format_deadline(self[f"sla_{target}_deadline"]),
        )
        self.message_post(body=summary, subtype_xmlid="mail.mt_note")
        user = self.team_id.user_id or self.user_id
        if user:
            self.activity_schedule(
                "maintenance_contract_it.mail_activity_type_sla_warning",
                date_deadline=fields.Date.context_today(self),
                summary=summary,
                user_id=user.id,
            )
        policy = self.sla_policy_id
        if policy.notify_customer_on_breach and policy.breach_email_template_id and self.partner_id:
            self.with_context(mail_sla_automatic=True).message_post_with_source(
                policy.breach_email_template_id,
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _sla_format_deadline(self, deadline):
        """The deadline in the support calendar's timezone, for messages."""
        return tools.format_datetime(
            self.env, deadline, tz=self.sla_policy_id.sudo().calendar_id.tz, dt_format="short"
        )

    def _sla_target_name(self, target):
        if target == "response":
            return self.env._("response")
        return self.env._("resolution")

    # Interventions

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
