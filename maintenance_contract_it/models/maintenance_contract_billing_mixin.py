import logging
from collections import defaultdict

import psycopg2
from dateutil.relativedelta import relativedelta
from markupsafe import Markup
from psycopg2 import errorcodes

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import (
    float_compare,
    float_round,
    format_amount,
    format_date,
    formatLang,
    is_html_empty,
    plaintext2html,
)

from ..tools.dates import (
    ONE_DAY,
    billing_invoice_date,
    billing_period_bounds,
    billing_periods,
    frequency_months,
    period_of_date,
)
from ..tools.jobs import BATCH_SIZE, _in_test, lock_for_job, lock_for_user, run_batched
from .maintenance_intervention import CONSUMED_STATES
from .maintenance_step_mixin import as_step

_logger = logging.getLogger(__name__)

BILLED_STATES = ("active", "expired", "terminated")
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"
ENDED_STATES = ("expired", "terminated")


# Internal fields, that customers (portal users) must not read.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceContractBillingMixin(models.AbstractModel):
    """Invoicing of a contract through Odoo Accounting, in one place: its billing periods,
    the invoices of the periods due (scheduled job and "Invoice now"), the extras they carry
    (extra work, hours beyond the prepaid balance, SLA service credit), the invoices outside
    the periods (monthly extra work, final invoice, SLA credit note, block of prepaid hours
    and penalty through the same header), the credit note of the days not used when it ends
    early, and its analytic account. The chain and its hooks: readme/DEVELOP.md,
    "Extending"."""

    _name = "maintenance.contract.billing.mixin"
    _description = "Maintenance Contract Billing"

    # defined by the contract, declared here for the fields below
    company_id = fields.Many2one("res.company")
    currency_id = fields.Many2one("res.currency")

    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        copy=False,
        check_company=True,
        help="Set on every invoice line of the contract, for the analytic reports.",
        groups=USER_GROUP,
    )
    period_ids = fields.One2many(
        "maintenance.contract.period",
        "contract_id",
        string="Billing Periods",
        readonly=True,
        groups=USER_GROUP,
    )
    billed_until = fields.Date(
        copy=False,
        tracking=True,
        groups=USER_GROUP,
        help="Last day already invoiced outside this module, for a contract taken over from "
        "another tool: no billing period before the next day is generated or invoiced (a "
        "period running over it is invoiced from the next day, prorated). Only contract "
        "managers set it.",
    )
    # stored and indexed: the invoicing job reads only the contracts due
    next_invoice_date = fields.Date(
        compute="_compute_next_invoice_date",
        store=True,
        index=True,
        groups=USER_GROUP,
        help="Day on which the next billing period of the contract is invoiced: the first "
        "period to invoice, or the next one to generate.",
    )
    next_invoice_amount = fields.Monetary(
        compute="_compute_next_invoice_amount", currency_field="currency_id", groups=USER_GROUP
    )
    next_invoice_units = fields.Text(
        string="Next Period's Units",
        compute="_compute_next_invoice_amount",
        groups=MANAGER_GROUP,
        help="The quantities of the fee lines billed per unit of the next period to invoice, "
        "as they are counted today, and their amounts before taxes.",
    )

    amount_due = fields.Monetary(
        compute="_compute_amount_due",
        currency_field="currency_id",
        help="Left to pay on the posted invoices of the contract, less its posted credit notes; "
        "an invoice grouping several contracts counts for the share of its lines that bill "
        "this contract.",
        groups=USER_GROUP,
    )
    amount_overdue = fields.Monetary(
        compute="_compute_amount_due",
        search="_search_amount_overdue",
        currency_field="currency_id",
        help="Left to pay on the posted invoices of the contract past their due date, less its "
        "posted credit notes past their due date; an invoice grouping several contracts counts "
        "for the share of its lines that bill this contract.",
        groups=USER_GROUP,
    )

    @api.model
    def _amount_due_domain(self, overdue=False):
        """Posted customer invoices and credit notes of contracts (their own or grouped)
        with something left to pay; with ``overdue``, only those past their due date."""
        domain = [
            ("maintenance_contract_ids", "!=", False),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("amount_residual", "!=", 0.0),
        ]
        if overdue:
            domain.append(("invoice_date_due", "<", fields.Date.context_today(self)))
        return domain

    @api.model
    def _flush_contract_invoices(self):
        """Write the pending invoice-contract links (account.move.maintenance_contract_ids, a
        stored computed many2many) before a query reads their table: Odoo flushes the
        tables of the models a query reads, not the tables of their many2many fields."""
        self.env["account.move"].flush_model(["maintenance_contract_ids"])

    @api.model
    def _amounts_due_by_contract(self, domain):
        """{contract id: residual signed (credit notes negative)} in the invoices' currency,
        the contract's, of the moves of ``domain``.

        An invoice of one contract (its *Maintenance Contract* set) counts in full for it, in
        one grouped query. An invoice grouping several contracts (one per customer) shares its
        residual between them in proportion of the total (taxes included) of its lines of
        each contract's billing periods, in two more queries for all of them."""
        self._flush_contract_invoices()
        Move = self.env["account.move"].sudo()
        amounts = defaultdict(float)
        for contract, move_type, residual in Move._read_group(
            [*domain, ("contract_id", "!=", False)],
            ["contract_id", "move_type"],
            ["amount_residual:sum"],
        ):
            amounts[contract.id] += -residual if move_type == "out_refund" else residual
        grouped = Move.search_fetch(
            [*domain, ("contract_id", "=", False)], ["move_type", "amount_residual"]
        )
        if not grouped:
            return amounts
        weights = defaultdict(lambda: defaultdict(float))
        for move, period, total in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [("move_id", "in", grouped.ids), ("maintenance_period_id", "!=", False)],
                ["move_id", "maintenance_period_id"],
                ["price_total:sum"],
            )
        ):
            weights[move.id][period.contract_id.id] += total
        for move in grouped:
            shares = weights[move.id]
            total = sum(shares.values())
            if not total:
                continue
            residual = (
                -move.amount_residual if move.move_type == "out_refund" else move.amount_residual
            )
            for contract_id, weight in shares.items():
                amounts[contract_id] += residual * weight / total
        return amounts

    @api.depends("currency_id")
    def _compute_amount_due(self):
        contract_ids = [contract_id for contract_id in self.ids if contract_id]
        due, overdue = {}, {}
        if contract_ids:
            contracts = [("maintenance_contract_ids", "in", contract_ids)]
            due = self._amounts_due_by_contract([*self._amount_due_domain(), *contracts])
            overdue = self._amounts_due_by_contract(
                [*self._amount_due_domain(overdue=True), *contracts]
            )
        for contract in self:
            currency = contract.currency_id
            contract.amount_due = currency.round(due.get(contract.id, 0.0))
            contract.amount_overdue = currency.round(overdue.get(contract.id, 0.0))

    def _search_amount_overdue(self, operator, value):
        """Contracts whose amount overdue compares to ``value``: the overdue invoices are
        grouped by contract (one query), the comparison is made on those sums; a contract
        without overdue invoice has 0."""
        operators = {
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            "=": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
        }
        if operator not in operators:
            raise UserError(
                self.env._(
                    "The amount overdue cannot be searched with %(operator)s.", operator=operator
                )
            )
        value = value or 0.0
        amounts = self._amounts_due_by_contract(self._amount_due_domain(overdue=True))
        compare = operators[operator]
        matching = [cid for cid, amount in amounts.items() if compare(round(amount, 6), value)]
        if compare(0.0, value):
            # contracts without overdue invoices have 0: all but those that do not match
            return [("id", "not in", [cid for cid in amounts if cid not in matching])]
        return [("id", "in", matching)]

    @api.model
    def _cron_overdue_invoice_activities(self):
        """To-do for the account team of each contract invoice (grouped ones included)
        overdue by the days its company sets (none when 0), once per invoice."""
        today = fields.Date.context_today(self)
        self._flush_contract_invoices()
        Move = as_step(self.env["account.move"])
        moves = Move
        for company in self.env["res.company"].search(
            [("maintenance_overdue_activity_days", ">", 0)]
        ):
            moves |= Move.search(
                [
                    *self._amount_due_domain(),
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("maintenance_overdue_activity_date", "=", False),
                    (
                        "invoice_date_due",
                        "<=",
                        today - ONE_DAY * company.maintenance_overdue_activity_days,
                    ),
                ],
                order="invoice_date_due, id",
            )
        return run_batched(moves, "_maintenance_overdue_activity", today)

    @api.depends(
        "state",
        "date_start",
        "date_end",
        "termination_date",
        "tacit_renewal",
        "billing_frequency",
        "billing_alignment",
        "billing_in_advance",
        "invoice_date_offset",
        "billed_until",
        "period_ids.state",
        "period_ids.invoice_date",
        "period_ids.date_end",
    )
    def _compute_next_invoice_date(self):
        summary = self._billing_period_summary()
        for contract in self:
            first_due, last_end = summary.get(contract._origin.id, (False, False))
            contract.next_invoice_date = contract._get_next_invoice_date(first_due, last_end)

    def _billing_period_summary(self):
        """{contract id: (first invoice date to invoice, last day of the last period)} of
        the contracts' billing periods, in one query whatever their history."""
        ids = [contract_id for contract_id in self._origin.ids if contract_id]
        summary = {}
        if not ids:
            return summary
        for contract, state, first_due, last_end in (
            self.env["maintenance.contract.period"]
            .sudo()
            ._read_group(
                [("contract_id", "in", ids)],
                ["contract_id", "state"],
                ["invoice_date:min", "date_end:max"],
            )
        ):
            due, end = summary.get(contract.id, (False, False))
            if state == "to_invoice":
                due = first_due
            summary[contract.id] = (due, max(end, last_end) if end else last_end)
        return summary

    def _get_next_invoice_date(self, first_due, last_end):
        """Invoice date of the first period to invoice (``first_due``), else of the period
        after ``last_end`` (the last day of the last period generated), False when none."""
        self.ensure_one()
        if self.state not in ("draft", *BILLED_STATES) or not self.date_start:
            return False
        if first_due:
            return first_due
        bounds = self._billing_next_bounds(last_end)
        if not bounds:
            return False
        return billing_invoice_date(
            bounds[0], bounds[1], self.billing_in_advance, self.invoice_date_offset
        )

    @api.depends("next_invoice_date", "amount_period")
    def _compute_next_invoice_amount(self):
        for contract in self:
            contract.next_invoice_amount = contract._get_next_invoice_amount()
            contract.next_invoice_units = contract._get_next_invoice_units_text()

    def _has_unit_fees(self):
        """Whether a fee line of the contract is billed per unit."""
        self.ensure_one()
        return any(line.quantity_mode != "fixed" for line in self.line_ids)

    def _get_next_invoice_amount(self):
        """Fee amount of the next period to invoice (0 when none); the fees billed per unit
        counted as they are today."""
        self.ensure_one()
        if not self.next_invoice_date:
            return 0.0
        pending = self.period_ids.filtered(lambda p: p.state == "to_invoice")
        if pending:
            first = pending.sorted("invoice_date")[0]
            if self._has_unit_fees():
                return self.currency_id.round(
                    sum(
                        self.currency_id.round(values["quantity"] * values["price_unit"])
                        for values in first.sudo()._prepare_fee_line_values()
                    )
                )
            return first.amount_fee or self.currency_id.round(self.amount_period * first.prorata)
        bounds = self._billing_next_bounds()
        if not bounds:
            return 0.0
        if self._has_unit_fees():
            # each line as the period to come would count it (the line's billed quantity)
            return self.currency_id.round(
                sum(
                    self.currency_id.round(
                        line._get_billed_units(*bounds[:2])["quantity"]
                        * line.price_unit
                        * bounds[2]
                    )
                    for line in self._get_recurring_fee_lines()
                )
            )
        return self.currency_id.round(self.amount_period * bounds[2])

    def _get_next_invoice_units_text(self):
        """Per fee line billed per unit: its quantity in the next period to invoice, counted
        as it is today, and its amount (contract managers' forecast)."""
        self.ensure_one()
        if not self.next_invoice_date or not self._has_unit_fees():
            return False
        pending = self.period_ids.filtered(lambda p: p.state == "to_invoice")
        if pending:
            first = pending.sorted("invoice_date")[0]
            bounds = (first.date_start, first.date_end, first.prorata)
        else:
            bounds = self._billing_next_bounds()
        if not bounds:
            return False
        rows = []
        Period = self.env["maintenance.contract.period"]
        for line in self._get_recurring_fee_lines():
            if line.quantity_mode == "fixed":
                continue
            fee = Period._get_fee_snapshot(line)
            units = line._get_billed_units(bounds[0], bounds[1])
            amount = self.currency_id.round(units["quantity"] * fee["price_unit"] * bounds[2])
            label = self._get_units_label(fee, units)
            if units.get("missing"):
                label = self.env._("%(label)s (usage count missing)", label=label)
            rows.append(
                self.env._(
                    "%(fee)s: %(units)s – %(amount)s",
                    fee=fee["name"],
                    units=label,
                    amount=format_amount(self.env, amount, self.currency_id),
                )
            )
        return "\n".join(rows)

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("billed_until") for vals in vals_list):
            self._billing_check_billed_until_access()
        contracts = super().create(vals_list)
        for contract in contracts.filtered("billed_until"):
            contract.message_post(
                body=self.env._(
                    "Billed until %(date)s by another tool: no billing period before the "
                    "next day is invoiced.",
                    date=format_date(self.env, contract.billed_until),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return contracts

    def write(self, vals):
        if "billed_until" in vals:
            self._billing_check_billed_until_access()
        res = super().write(vals)
        if vals.get("billed_until"):
            self._billing_drop_periods_billed()
        return res

    def _billing_check_billed_until_access(self):
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise AccessError(
                self.env._(
                    "Only a contract manager can set the day until which a contract was "
                    "billed by another tool."
                )
            )

    def _billing_drop_periods_billed(self):
        """Delete the periods still to invoice that start on or before the day the contracts
        were billed until: they are made again from the next day, prorated."""
        periods = (
            self.env["maintenance.contract.period"]
            .sudo()
            .search([("contract_id", "in", self.ids), ("state", "=", "to_invoice")])
        )
        periods.filtered(lambda p: p.date_start <= p.contract_id.billed_until).unlink()

    # Periods

    def _billing_months(self):
        self.ensure_one()
        return frequency_months(self.billing_frequency)

    def _get_period_bounds(self, day):
        """First and last day of the contract's period that contains ``day``, as it is
        billed (anchored on its start or calendar periods, the first one from its start):
        the one period of a date of the contract, for its invoices, SLA penalty and credit,
        prepaid hours, consumption, portal and reports."""
        self.ensure_one()
        return period_of_date(self.date_start, day, self._billing_months(), self.billing_alignment)

    def _billing_first_day(self, last_end=None):
        """First day of the next period to generate: after ``last_end`` (the last day of the
        last period generated), never before the contract's start nor on or before the day it
        was billed until by another tool."""
        self.ensure_one()
        since = last_end + ONE_DAY if last_end else self.date_start
        if self.billed_until:
            since = max(since, self.billed_until + ONE_DAY)
        return since

    def _billing_end_date(self):
        """Last day billed: the effective end after notice, the end of a term that does not
        renew by itself, None for an open contract."""
        self.ensure_one()
        if self.termination_date:
            return self.termination_date
        if self.date_end and (self.state in ("expired", "terminated") or not self.tacit_renewal):
            return self.date_end
        return None

    def _billing_next_bounds(self, last_end=None):
        """(first day, last day, prorata) of the period after the last one generated, which
        ends on ``last_end`` (False: no period yet; None: read from the periods)."""
        self.ensure_one()
        if last_end is None:
            last_end = max(self.period_ids.mapped("date_end"), default=False)
        since = self._billing_first_day(last_end)
        end = self._billing_end_date()
        if end and since > end:
            return None
        bounds = billing_periods(
            self.date_start, since, self._billing_months(), self.billing_alignment, end, since
        )
        return bounds[-1] if bounds else None

    def _billing_period_values(self, date, last_end=None):
        """Values of the periods of the contract due on ``date`` (invoice date reached) after
        ``last_end`` (the last day of the last period generated), none before the day after
        ``billed_until``."""
        self.ensure_one()
        since = self._billing_first_day(last_end)
        end = self._billing_end_date()
        # a period is due at most ``offset`` days before its first day
        until = date + ONE_DAY * max(self.invoice_date_offset, 0)
        values = []
        for start, stop, share in billing_periods(
            self.date_start, until, self._billing_months(), self.billing_alignment, end, since
        ):
            invoice_date = billing_invoice_date(
                start, stop, self.billing_in_advance, self.invoice_date_offset
            )
            if invoice_date > date:
                break
            values.append(
                {
                    "contract_id": self.id,
                    "date_start": start,
                    "date_end": stop,
                    "invoice_date": invoice_date,
                    "prorata": share,
                }
            )
        return values

    def _generate_periods(self, date, forecast=True):
        """Create the missing billing periods of the contracts due on ``date`` (one per
        period, catching up the missed ones); idempotent. Return the periods created.

        :param forecast: compute their fee amounts before they are invoiced; the invoicing
            job, which invoices them at once (their amounts are then frozen from their
            invoice lines), computes it only for the ones left to invoice"""
        Period = as_step(self.env["maintenance.contract.period"])
        contracts = self.filtered(lambda c: c.state in BILLED_STATES and c.date_start)
        if not contracts:
            return Period
        last_ends = dict(
            Period._read_group(
                [("contract_id", "in", contracts.ids)], ["contract_id"], ["date_end:max"]
            )
        )
        vals_list = []
        for contract in contracts:
            vals_list += contract._billing_period_values(date, last_ends.get(contract))
        periods = Period.create(vals_list)
        if forecast:
            periods._compute_fee_amount()
        return periods

    def _get_periods_due(self, date):
        """Periods of the contracts to invoice on ``date``, generating the missing ones."""
        self._generate_periods(date)
        return self.env["maintenance.contract.period"].search(
            [
                ("contract_id", "in", self.ids),
                ("state", "=", "to_invoice"),
                ("invoice_date", "<=", date),
            ],
            order="contract_id, date_start",
        )

    # Invoices

    def _billing_check_invoice_access(self):
        if not self.env["account.move"].has_access("create"):
            raise AccessError(
                self.env._(
                    "You are not allowed to create invoices: ask a user with the "
                    "Invoicing rights to invoice the contract."
                )
            )

    def _billing_check_can_invoice(self):
        for contract in self:
            if contract.state not in BILLED_STATES:
                labels = dict(contract._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "The contract %(contract)s is %(state)s: only an active, expired or "
                        "terminated contract is invoiced.",
                        contract=contract.name,
                        state=labels[contract.state],
                    )
                )

    def _billing_get_auto_post(self):
        self.ensure_one()
        if self.invoice_auto_post == "company":
            return self.company_id.maintenance_invoice_auto_post
        return self.invoice_auto_post == "posted"

    def _billing_group_key(self, period):
        """Periods with the same key go on the same invoice."""
        contract = period.contract_id
        if contract.invoice_grouping == "customer":
            return (
                "customer",
                contract.partner_id.id,
                contract.company_id.id,
                contract.currency_id.id,
                contract.journal_id.id,
                contract.payment_term_id.id,
                contract._billing_get_auto_post(),
                period.invoice_date,
            )
        return ("contract", period.id)

    def _invoice_periods(self, periods, raise_errors=True, invoice_date=None):
        """Invoice ``periods`` (to invoice): one invoice per contract and period, or per
        customer and period date for the contracts grouped per customer, all dated
        ``invoice_date`` (default today: the day they are issued), created with ONE batched
        ``account.move.create``. With ``raise_errors`` False (scheduled job), a group whose
        invoice cannot be made is reported on its contracts and skipped. Return the
        invoices."""
        Move = as_step(self.env["account.move"])
        periods = periods.filtered(lambda p: p.state == "to_invoice")
        if not periods:
            return Move
        invoice_date = invoice_date or fields.Date.context_today(self)
        periods.contract_id._billing_check_can_invoice()
        waiting = periods._get_waiting_usage()
        if waiting:
            waiting._notify_usage_missing()
            periods -= waiting
            if not periods:
                if raise_errors:
                    raise UserError(waiting._usage_missing_message())
                return Move
        groups = defaultdict(lambda: periods.browse())
        for period in periods:
            groups[self._billing_group_key(period)] |= period
        # each group reads its contracts, fee lines, customers... for the whole batch at once
        # (a recordset made by union prefetches only itself)
        groups = {key: group.with_prefetch(periods._prefetch_ids) for key, group in groups.items()}
        # what the extras of all the periods need, read once for the batch; journals,
        # addresses, fiscal positions, accounts and lock dates are read once too
        cache = {
            "extras_hints": periods._get_extras_hints(),
            # what the invoices of the fees billed per covered equipment adjust
            "unit_hints": periods.filtered(
                lambda p: "equipment" in p.contract_id.line_ids.mapped("quantity_mode")
            )._get_unit_hints(),
        }
        periods.contract_id._billing_prefetch_headers()

        def prepare(group):
            return group, self._billing_prepare_move_values(group, invoice_date, cache)

        try:
            # one savepoint for the batch; one per invoice only to find a culprit
            with self.env.cr.savepoint():
                prepared = [prepare(group) for group in groups.values()]
        except Exception:  # pylint: disable=broad-except
            if raise_errors:
                raise
            prepared = []
            for group in groups.values():
                try:
                    with self.env.cr.savepoint():
                        prepared.append(prepare(group))
                except Exception as error:  # pylint: disable=broad-except
                    group.contract_id._billing_report_failure(error)
        if not prepared:
            return Move
        try:
            with self.env.cr.savepoint():
                moves = Move._maintenance_create_invoices([values for __, values in prepared])
        except Exception:  # pylint: disable=broad-except
            if raise_errors:
                raise
            # find the culprit: one invoice at a time
            moves, kept = Move, []
            for group, values in prepared:
                try:
                    with self.env.cr.savepoint():
                        moves |= Move._maintenance_create_invoices(values)
                        kept.append((group, values))
                except Exception as error:  # pylint: disable=broad-except
                    group.contract_id._billing_report_failure(error)
            prepared = kept
        to_post = []
        for move, (group, __) in zip(moves, prepared, strict=True):
            group._on_invoice_created(move)
            if group.contract_id[:1]._billing_get_auto_post():
                to_post.append((group, move))
        if to_post and raise_errors:
            Move.union(*(move for __, move in to_post))._post(soft=False)
        for group, move in to_post if not raise_errors else []:
            try:
                with self.env.cr.savepoint():
                    move._post(soft=False)
            except Exception as error:  # pylint: disable=broad-except
                # the invoice stays a draft for the accountant
                group.contract_id._billing_report_failure(error)
        return moves

    def _billing_prepare_move_values(self, periods, invoice_date, cache):
        """Values of the customer invoice of ``periods`` (same contract, or same customer
        and period date) dated ``invoice_date``. Each period's lines are built once
        (:meth:`maintenance.contract.period._prepare_invoice_line_values`) and its frozen
        amounts are their sums by kind, written here, in the call that makes the invoice."""
        lines = []
        hints = cache.get("extras_hints")
        for period in periods.sorted(lambda p: (p.contract_id.name, p.date_start)):
            fees = period._get_fee_lines_in_force()
            # the units of the fees billed per unit, frozen with the invoice (counted again
            # when a former attempt left them)
            unit_hints = cache.get("unit_hints")
            snapshot = period._get_unit_snapshot(fees, unit_hints)
            if snapshot != period.unit_snapshot:
                # a period of fixed fees has none: no write
                as_step(period).write({"unit_snapshot": snapshot})
            period._on_units_adjusted(unit_hints)
            period_lines = period._prepare_invoice_line_values(hints, fees=fees)
            as_step(period).write(period._get_frozen_amounts(period_lines, fees))
            lines += period_lines
        contracts = periods.contract_id
        move_type = contracts._billing_get_move_type(lines)
        if move_type == "out_refund":
            # the same lines on the credit note, each sign reversed
            lines = [dict(line, price_unit=-line["price_unit"]) for line in lines]
        return contracts._prepare_invoice_values(move_type, invoice_date, lines, cache=cache)

    def _billing_get_move_type(self, lines):
        """Move type of the invoice of the period lines ``lines``: a customer invoice, or a
        credit note when they total less than zero (back-dated removals of covered
        equipment worth more than the period's fees): Odoo never posts a customer invoice
        of a negative total, the credit note is what the customer is owed."""
        currency = self[:1].currency_id
        total = sum(currency.round(line["quantity"] * line["price_unit"]) for line in lines)
        return "out_refund" if currency.compare_amounts(total, 0.0) < 0 else "out_invoice"

    # One header for every invoice and credit note of a contract

    def _prepare_invoice_values(self, move_type, invoice_date, lines, cache=None, **extra):
        """Values of an invoice (``move_type`` ``out_invoice``) or credit note
        (``out_refund``) of the contracts ``self``: one contract, or the contracts of one
        customer grouped on one invoice (same company, currency, journal and payment term).
        EVERY invoice and credit note the module makes is prepared here (periods, grouped
        periods, monthly extra work, final invoice, prepaid blocks, early termination
        penalty, unused days, SLA credit note): a module adding a field to all of them
        overrides this method.

        :param invoice_date: the day the invoice is issued (never a past period's date); it
            must be after the company's lock dates
        :param lines: invoice line values (``account.move.line``), each finalized by
            :meth:`_billing_finalize_line_values` of its contract (the contract of its
            ``maintenance_period_id`` on a grouped invoice)
        :param cache: what a batch of invoices reads once (journals, invoice addresses,
            fiscal positions, accounts, exchange rates, lock dates)
        :param extra: values set last, over the ones resolved here
        """
        contract = self[0]
        cache = {} if cache is None else cache
        journal = (
            self.env["account.journal"].browse(extra["journal_id"])
            if extra.get("journal_id")
            else contract._billing_get_journal(cache)
        )
        invoice_partner, fiscal_position = contract._billing_get_invoice_partner(cache)
        if "fiscal_position_id" in extra:
            fiscal_position = self.env["account.fiscal.position"].browse(
                extra["fiscal_position_id"]
            )
        contract._billing_check_currency(invoice_date, cache)
        contract._billing_check_lock_dates(invoice_date, journal, cache)
        commands = []
        for line in lines:
            line_contract = contract
            if len(self) > 1 and line.get("maintenance_period_id"):
                line_contract = (
                    self.env["maintenance.contract.period"]
                    .browse(line["maintenance_period_id"])
                    .contract_id
                )
            commands.append(
                Command.create(
                    line_contract._billing_finalize_line_values(
                        line, fiscal_position, journal, cache
                    )
                )
            )
        values = {
            "move_type": move_type,
            "partner_id": invoice_partner.id,
            "company_id": contract.company_id.id,
            "currency_id": contract.currency_id.id,
            "journal_id": journal.id,
            "fiscal_position_id": fiscal_position.id,
            "invoice_date": invoice_date,
            "invoice_origin": ", ".join(sorted(self.mapped("name"))),
            # a grouped invoice has no contract: its lines' periods link it to its contracts
            # (account.move.maintenance_contract_ids)
            "contract_id": contract.id if len(self) == 1 else False,
            "invoice_line_ids": commands,
        }
        if contract.payment_term_id:
            values["invoice_payment_term_id"] = contract.payment_term_id.id
        if contract.user_id:
            values["invoice_user_id"] = contract.user_id.id
        narration = contract._billing_get_narration(
            move_type,
            invoice_partner.browse(extra["partner_id"])
            if extra.get("partner_id")
            else invoice_partner,
            lines,
            cache,
        )
        if narration is not None:
            values["narration"] = narration
        values.update(extra)
        return values

    def _billing_get_narration(self, move_type, invoice_partner, lines, cache=None):
        """Terms of a contract invoice or credit note (``narration``): the terms Odoo puts on
        the company's invoices (its *Default Terms & Conditions*, as ``account.move`` computes
        them) followed by the company's legal mentions in the customer's language
        (:meth:`res.company._maintenance_get_invoice_legal_mentions`), printed on the PDF and
        carried in the Factur-X XML (``IncludedNote``). A credit note is a corrective invoice:
        it carries the mentions of an invoice. None when the company prints no mentions:
        Odoo then puts its own terms."""
        self.ensure_one()
        cache = {} if cache is None else cache
        company = self.company_id
        lang = invoice_partner.lang or self.env.user.lang
        mentions = company._maintenance_get_invoice_legal_mentions(
            lang, self._billing_get_operation_type(lines)
        )
        if not mentions:
            return None
        key = ("narration", move_type, company.id, invoice_partner.id)
        if key not in cache:
            # the terms account.move computes for this customer (a module extending them
            # is followed), read on a record in memory
            cache[key] = (
                self.env["account.move"]
                .with_company(company)
                .new(
                    {
                        "move_type": move_type,
                        "company_id": company.id,
                        "partner_id": invoice_partner.id,
                    }
                )
                .narration
            )
        terms = cache[key]
        narration = Markup(terms) if terms and not is_html_empty(terms) else Markup()
        return narration + Markup().join(plaintext2html(mention) for mention in mentions)

    def _billing_get_operation_type(self, lines):
        """What the invoice lines ``lines`` (values) sell, for its legal mentions:
        ``services``, ``goods`` or ``mixed``. The rule of Odoo's French invoice (l10n_fr_account):
        a line whose taxes have a scope (*Tax Scope*, set by the French chart: "20% S" for
        services, "20% G" for goods) sells what its taxes say; a line whose taxes have none
        sells services when its product is a service or it has no product (fees, hours), goods
        otherwise (the parts of an intervention)."""
        lines = [line for line in lines if line.get("display_type", "product") == "product"]
        kinds = {self._billing_get_line_operation(line) for line in lines}
        if {"goods", "services"} <= kinds:
            return "mixed"
        return "goods" if "goods" in kinds else "services"

    def _billing_get_line_operation(self, line):
        """``services`` or ``goods``: what the invoice line ``line`` (values) sells."""
        tax_ids = set()
        for item in line.get("tax_ids") or []:
            if isinstance(item, int):
                tax_ids.add(item)
            elif item[0] == Command.SET:
                tax_ids.update(item[2])
            elif item[0] == Command.LINK:
                tax_ids.add(item[1])
        scopes = set(self.env["account.tax"].browse(tax_ids).mapped("tax_scope")) - {False}
        if scopes:
            return "services" if scopes == {"service"} else "goods"
        product = self.env["product.product"].browse(line.get("product_id"))
        return "goods" if product and product.type != "service" else "services"

    def _billing_prefetch_headers(self):
        """Read at once, for the contracts of a batch of invoices, what the header of each
        invoice reads (:meth:`_billing_get_invoice_partner`: the customers, the addresses
        ``address_get`` walks, their fiscal fields): one query for all, not one per
        invoice (each invoice's group of periods is a recordset of its own, whose prefetch
        would only cover itself)."""
        partners = self.partner_id
        partners |= partners.child_ids
        for company in self.company_id:
            # the fiscal position reads the company-dependent fields in the company
            partners.with_company(company).mapped("property_account_position_id")

    def _billing_get_invoice_partner(self, cache=None):
        """(invoice address, fiscal position) of the contract's customer."""
        self.ensure_one()
        cache = {} if cache is None else cache
        partner, company = self.partner_id, self.company_id
        key = ("partner", partner.id, company.id)
        if key not in cache:
            invoice_partner = partner.browse(partner.address_get(["invoice"])["invoice"])
            fiscal_position = (
                self.env["account.fiscal.position"]
                .with_company(company)
                ._get_fiscal_position(invoice_partner)
            )
            cache[key] = (invoice_partner, fiscal_position)
        return cache[key]

    def _billing_check_lock_dates(self, invoice_date, journal, cache=None):
        """Refuse an invoice dated ``invoice_date`` inside a period the company locked (the
        lock of every entry, of sales, the hard lock): it would fall in a closed or declared
        period."""
        self.ensure_one()
        cache = {} if cache is None else cache
        company = self.company_id
        key = ("locks", company.id, journal.type, invoice_date)
        if key not in cache:
            cache[key] = company._get_lock_date_violations(
                invoice_date,
                fiscalyear=True,
                sale=journal.type == "sale",
                purchase=False,
                tax=False,
                hard=True,
            )
        if cache[key]:
            raise UserError(
                self.env._(
                    "The contract %(contract)s cannot be invoiced on %(date)s: the accounting "
                    "of the company %(company)s is locked (%(locks)s).",
                    contract=self.name,
                    date=format_date(self.env, invoice_date),
                    company=company.name,
                    locks=company._format_lock_dates(cache[key]),
                )
            )

    # One mapper from a fee line to an invoice line

    @api.model
    def _billing_prorate(self, quantity, price_unit, share, currency):
        """(quantity, unit price) of an invoice line billing ``share`` of ``quantity`` ×
        ``price_unit``, whose subtotal is exactly round(quantity × price_unit × share) to
        the cent: the subtotal is rounded, never the unit price before the quantity.

        The quantity is kept when a unit price at the *Product Price* precision gives that
        subtotal (always for a quantity of 1); otherwise the line bills a quantity of 1 at
        the prorated amount (its label gives the quantity and the unit price, see
        :meth:`_billing_prorata_label`), so that quantity × unit price is the line's total,
        on the invoice and in its Factur-X XML."""
        if float_compare(share, 1.0, precision_digits=6) == 0:
            return quantity, price_unit
        target = currency.round(quantity * price_unit * share)
        if not quantity:
            return quantity, currency.round(price_unit * share)
        digits = self.env["decimal.precision"].precision_get("Product Price")
        unit = float_round(target / quantity, precision_digits=digits)
        if currency.compare_amounts(quantity * unit, target) == 0:
            return quantity, unit
        return 1.0, target

    def _billing_prorata_label(self, quantity, price_unit, days, total_days, lang=None):
        """Suffix of the label of a prorated line billed as a quantity of 1: what it bills
        (``3.00 × 100.00 × 22/31 days``), numbers in the customer's language."""
        env = self.with_context(lang=lang or self.env.lang).env
        return env._(
            "%(quantity)s × %(price)s × %(days)s/%(total)s days",
            quantity=formatLang(env, quantity, dp="Product Unit of Measure"),
            price=formatLang(env, price_unit, dp="Product Price"),
            days=days,
            total=total_days,
        )

    def _get_fee_quantity(self, fee, period=None):
        """Quantity invoiced of the fee ``fee`` (a dict of
        :meth:`maintenance.contract.period._get_fee_snapshot`) for ``period``: the fee
        line's, or for a line billed per unit the units of the period (frozen on the period
        once invoiced, see :meth:`_get_period_units`). Override point for quantities that
        depend on the period."""
        if period is None or fee.get("quantity_mode", "fixed") == "fixed":
            return fee["quantity"]
        return self._get_period_units(fee, period)["quantity"]

    # Fees billed per unit: covered equipment or usage count

    def _get_unit_count_method(self):
        """How the covered equipment of a period is counted: ``prorated`` (each equipment
        for the days it is covered in the period) or ``first_day`` (the equipment covered
        on the period's first day, in full). A period invoiced in advance is counted on its
        first day (its days are not over): the next invoice adjusts it."""
        self.ensure_one()
        if self.unit_count_method == "first_day" or self.billing_in_advance:
            return "first_day"
        return "prorated"

    def _get_period_units(self, fee, period):
        """The units of ``fee`` billed for ``period``: frozen on the period when its invoice
        was made (``unit_snapshot``), else counted now (:meth:`_get_fee_units`)."""
        frozen = (period.unit_snapshot or {}).get(str(fee["id"]))
        if frozen:
            return frozen
        return self._get_fee_units(fee, period.date_start, period.date_end, period=period)

    def _get_fee_units(self, fee, date_from, date_to, period=None, method=None, hints=None):
        """The units of the fee ``fee`` billed per unit for the days ``date_from`` to
        ``date_to`` (a billing period, or its part billed), as a dict that JSON keeps:

        - ``quantity``: what is invoiced for the whole period (the sum of the covered
          equipment, each one for its share of the days, or the usage count), at least the
          fee's minimum quantity;
        - ``count``: the number of units of the invoice line's label (the equipment covered
          in the period, the usage count; the minimum when it applies);
        - ``units``: ``[equipment id, days covered]`` of the equipment counted, ``days``:
          the days of the period;
        - ``missing``: a usage count not entered yet (the period waits for it);
        - ``adjustments``: what the invoices of periods already invoiced missed, adjusted
          on this period's invoice (see :meth:`_get_unit_adjustments`; ``hints``: of
          :meth:`maintenance.contract.period._get_unit_hints`, read for a batch)."""
        self.ensure_one()
        days = (date_to - date_from).days + 1
        result = {"mode": fee["quantity_mode"], "days": days, "units": [], "missing": False}
        if fee["quantity_mode"] == "usage":
            usage = self._get_usage_quantity(date_from, date_to, fee, period=period)
            result["missing"] = usage is None
            raw = count = usage or 0.0
        else:
            method = method or self._get_unit_count_method()
            result["method"] = method
            units = self._get_covered_unit_days(fee, date_from, date_to, method)
            result["units"] = [[equipment_id, covered] for equipment_id, covered in units]
            raw = sum(covered for __, covered in units) / days
            count = len(units)
            if period:
                adjustments = self._get_unit_adjustments(fee, period, hints)
                if adjustments:
                    result["adjustments"] = adjustments
        minimum = fee.get("min_quantity") or 0.0
        if float_compare(raw, minimum, precision_digits=6) < 0:
            result.update(quantity=minimum, count=minimum, covered=count, minimum=True)
        else:
            result.update(quantity=raw, count=count, minimum=False)
        return result

    def _get_covered_unit_days(self, fee, date_from, date_to, method="prorated"):
        """``[(equipment id, days covered)]`` of the equipment of the fee's categories that
        the contract covered between ``date_from`` and ``date_to``, by name: each one for its
        days covered (``prorated``), or in full if covered on ``date_from`` (``first_day``).
        Equipment linked to the contract without coverage history (recorded before it
        existed) counts as covered from the contract's start."""
        self.ensure_one()
        contract = self.sudo()
        categories = set(fee.get("equipment_categories") or [])
        days = (date_to - date_from).days + 1
        spans = defaultdict(list)
        recorded = set()
        # by the equipment's record in the database (a contract form being edited holds new
        # records of it)
        for coverage in contract.equipment_coverage_ids:
            recorded.add(coverage.equipment_id._origin.id)
            spans[coverage.equipment_id._origin].append((coverage.date_from, coverage.date_to))
        for equipment in contract.equipment_ids:
            if equipment._origin.id not in recorded and contract.date_start:
                spans[equipment._origin].append((contract.date_start, None))
        result = []
        for equipment, periods in sorted(spans.items(), key=lambda item: item[0].name):
            if categories and equipment.category not in categories:
                continue
            if method == "first_day":
                covered = (
                    days
                    if any(
                        start <= date_from and (not end or end >= date_from)
                        for start, end in periods
                    )
                    else 0
                )
            else:
                covered = sum(
                    max((min(end or date_to, date_to) - max(start, date_from)).days + 1, 0)
                    for start, end in periods
                )
            if covered > 0:
                result.append((equipment.id, min(covered, days)))
        return result

    def _get_usage_quantity(self, date_from, date_to, fee, period=None):
        """Usage count of the fee ``fee`` billed per usage count for the period from
        ``date_from`` to ``date_to``: the count entered or imported for it, None when there
        is none (the period waits for it). Override point to read the count elsewhere (a
        monitoring tool, a printer counter)."""
        self.ensure_one()
        usages = (
            self.env["maintenance.contract.usage"]
            .sudo()
            .search(
                [
                    ("line_id", "=", fee["id"]),
                    ("date", "<=", date_to),
                    ("date_end", ">=", date_from),
                ]
            )
        )
        if not usages:
            return None
        return sum(usages.mapped("count"))

    def _get_unit_adjustments(self, fee, period, hints=None):
        """What the invoices of the periods already invoiced before ``period`` missed of the
        fee ``fee`` billed per covered equipment, to adjust on the invoice of ``period``: a
        list of :meth:`_get_unit_adjustment`, oldest period first.

        The periods looked at are the previous one when invoiced in advance (billed with the
        equipment covered on its first day) and those whose coverage was changed after their
        invoice (``units_changed``, see
        :meth:`maintenance.contract.equipment.coverage._flag_invoiced_periods`): the history
        is not counted again on every invoice. What a former adjustment billed for a period
        is counted as billed (recorded in the adjusting period's units): nothing is adjusted
        twice. ``hints``: of :meth:`maintenance.contract.period._get_unit_hints`, when the
        caller read them for a batch of periods."""
        self.ensure_one()
        if hints is not None and period.id in hints["to_adjust"]:
            adjusted, billed = hints["to_adjust"][period.id], hints["billed"]
        else:
            adjusted, billed = period._get_periods_to_adjust(), None
        if not adjusted:
            return []
        if billed is None:
            billed = adjusted._get_units_billed_by_adjustments(exclude=period)
        result = []
        for previous in adjusted:
            frozen = (previous.unit_snapshot or {}).get(str(fee["id"]))
            if not frozen or frozen.get("mode") != "equipment":
                continue
            adjustment = self._get_unit_adjustment(
                fee, previous, billed.get((previous.id, str(fee["id"]))) or frozen
            )
            if adjustment:
                result.append(adjustment)
        return result

    def _get_unit_adjustment(self, fee, previous, billed):
        """The adjustment of the period ``previous`` (invoiced) of the fee ``fee``: the
        difference between the units ``billed`` for it (its frozen units, or the units of
        its last adjustment) and its equipment covered as recorded now, counted prorated
        (first day when the contract counts so and bills in arrears), for their days. A dict
        (``amount``, ``changes``: ``[equipment id, days]`` signed, ``period``: the period
        adjusted, ``quantity`` and ``units``: its units as billed once adjusted) or None."""
        self.ensure_one()
        method = (
            "first_day"
            if self.unit_count_method == "first_day" and not self.billing_in_advance
            else "prorated"
        )
        actual = self._get_fee_units(fee, previous.date_start, previous.date_end, method=method)
        billed_days = dict(map(tuple, billed.get("units") or []))
        actual_days = dict(map(tuple, actual["units"]))
        changes = [
            [equipment_id, actual_days.get(equipment_id, 0) - billed_days.get(equipment_id, 0)]
            for equipment_id in sorted(set(billed_days) | set(actual_days))
            if actual_days.get(equipment_id, 0) != billed_days.get(equipment_id, 0)
        ]
        amount = self.currency_id.round(
            (actual["quantity"] - billed["quantity"]) * fee["price_unit"] * previous.prorata
        )
        if not changes or self.currency_id.is_zero(amount):
            return None
        return {
            "period": previous.id,
            "amount": amount,
            "changes": changes,
            "quantity": actual["quantity"],
            "units": actual["units"],
        }

    def _get_units_label(self, fee, units, lang=None):
        """``14 workstations``: the count of units of a fee billed per unit, in ``lang``."""
        env = self.with_context(lang=lang or self.env.lang).env
        name = fee.get("unit_label")
        if not name and fee.get("uom_id"):
            name = env["uom.uom"].browse(fee["uom_id"]).name
        name = name or env._("units")
        count = formatLang(env, units["count"], dp="Product Unit of Measure")
        if float_compare(units["count"], round(units["count"]), precision_digits=6) == 0:
            count = str(int(round(units["count"])))
        if units.get("minimum"):
            return env._(
                "%(count)s %(unit)s (minimum quantity, %(covered)s counted)",
                count=count,
                unit=name,
                covered=formatLang(env, units.get("covered", 0.0), dp="Product Unit of Measure"),
            )
        return env._("%(count)s %(unit)s", count=count, unit=name)

    def _get_units_list_text(self, units, lang=None):
        """The list of the equipment billed (name, serial number, days covered when not the
        whole period), one a line, in ``lang``: printed under the invoice line."""
        env = self.with_context(lang=lang or self.env.lang).env
        Equipment = env["maintenance.contract.equipment"].sudo()
        rows = []
        for equipment_id, covered in units.get("units", []):
            equipment = Equipment.browse(equipment_id)
            row = equipment.name
            if equipment.serial_number:
                row = env._("%(name)s (S/N %(serial)s)", name=row, serial=equipment.serial_number)
            if covered != units["days"]:
                row = env._(
                    "%(row)s – %(days)s/%(total)s days", row=row, days=covered, total=units["days"]
                )
            rows.append(row)
        return "\n".join(rows)

    def _prepare_unit_adjustment_values(self, fee, period, adjustment, lang=None):
        """Invoice line of the adjustment of a period invoiced before ``period`` (see
        :meth:`_get_unit_adjustment`): its own line naming the period, the equipment and
        days; negative when units were removed (it lowers the invoice's total)."""
        self.ensure_one()
        lang = lang or self._get_customer_lang()
        env = self.with_context(lang=lang).env
        previous = period.browse(adjustment["period"]).sudo()
        Equipment = env["maintenance.contract.equipment"].sudo()
        changes = ", ".join(
            env._(
                "%(sign)s%(equipment)s (%(days)s days)",
                sign="+" if days > 0 else "-",
                equipment=Equipment.browse(equipment_id).name,
                days=abs(days),
            )
            for equipment_id, days in adjustment["changes"]
        )
        name = env._(
            "Adjustment %(start)s to %(end)s: %(changes)s",
            start=format_date(self.env, previous.date_start, lang_code=lang),
            end=format_date(self.env, previous.date_end, lang_code=lang),
            changes=changes,
        )
        product = self.env["product.product"].browse(fee["product_id"])
        taxes = self.env["account.tax"].browse(fee["tax_ids"])
        return {
            "maintenance_line_kind": "fee",
            "display_type": "product",
            "product_id": product.id,
            "name": f"{fee['name'] or product.display_name} – {name}",
            "quantity": 1.0,
            "price_unit": adjustment["amount"],
            "tax_ids": taxes.filtered_domain(taxes._check_company_domain(self.company_id)).ids,
            "maintenance_period_id": period.id,
        }

    def _prepare_fee_invoice_line_values(self, fee, period=None, share=None, lang=None):
        """Invoice line values (``account.move.line``) of the fee ``fee`` (a dict of
        :meth:`maintenance.contract.period._get_fee_snapshot`, also the record of a fee line
        an amendment changed since): the ONE place a fee line becomes an invoice line (the
        periods' fees, the blocks of prepaid hours).

        A fee billed per unit (covered equipment, usage count) bills the units of the period
        (:meth:`_get_period_units`): its label gives their count, the line carries their
        list; its subtotal is round(quantity × unit price × share), through
        :meth:`_billing_prorate`.

        :param period: the billing period invoiced (its dates in the label, linked on the
            line); ``share`` then defaults to its prorata
        :param share: share of the fee billed (prorated by days, see
            :meth:`_billing_prorate`); 1 by default
        :return: values with the fee's taxes as ids, mapped by the fiscal position when the
            invoice is prepared (:meth:`_billing_finalize_line_values`)
        """
        self.ensure_one()
        if share is None:
            share = period.prorata if period else 1.0
        lang = lang or self._get_customer_lang()
        product = self.env["product.product"].with_context(lang=lang).browse(fee["product_id"])
        description = fee["name"] or product.display_name
        units = None
        if period and fee.get("quantity_mode", "fixed") != "fixed":
            units = self._get_period_units(fee, period)
            quantity = units["count"]
            unit_share = share * units["quantity"] / quantity if quantity else share
            billed_quantity, price_unit = self._billing_prorate(
                quantity, fee["price_unit"], unit_share, self.currency_id
            )
            description = f"{description} – {self._get_units_label(fee, units, lang)}"
        else:
            quantity = self._get_fee_quantity(fee, period)
            billed_quantity, price_unit = self._billing_prorate(
                quantity, fee["price_unit"], share, self.currency_id
            )
        name = period._get_line_label(description) if period else description
        if billed_quantity != quantity and period and not units:
            days = (period.date_end - period.date_start).days + 1
            name += " – " + self._billing_prorata_label(
                quantity, fee["price_unit"], days, round(days / share), lang
            )
        taxes = self.env["account.tax"].browse(fee["tax_ids"])
        # the same company filter as the fee line's own taxes
        taxes = taxes.filtered_domain(taxes._check_company_domain(self.company_id))
        if not taxes:
            # never without VAT by accident: the product's, else the company's default
            taxes = taxes._get_maintenance_fee_taxes(product, self.company_id)
        values = {
            "maintenance_line_kind": "fee",
            "display_type": "product",
            "product_id": product.id,
            "name": name,
            "quantity": billed_quantity,
            "price_unit": price_unit,
            "tax_ids": taxes.ids,
        }
        if fee.get("uom_id") and billed_quantity == quantity:
            values["product_uom_id"] = fee["uom_id"]
        if units is not None:
            values["maintenance_unit_list"] = self._get_units_list_text(units, lang) or False
        if period:
            values["maintenance_period_id"] = period.id
        return values

    def _billing_finalize_line_values(self, values, fiscal_position, journal, cache):
        """Map the taxes (given as ids; taxes given as commands are kept as they are) and
        the income account of an invoice line by the fiscal position, and put the
        contract's analytic account on it (unless the line has its own)."""
        self.ensure_one()
        values = dict(values)
        product = self.env["product.product"].browse(values.get("product_id"))
        taxes = values.get("tax_ids")
        if isinstance(taxes, list) and all(isinstance(tax, int) for tax in taxes):
            taxes = self.env["account.tax"].browse(taxes)
            values["tax_ids"] = [Command.set(fiscal_position.map_tax(taxes).ids)]
        if product and "account_id" not in values:
            key = ("account", product.id, fiscal_position.id, self.company_id.id)
            if key not in cache:
                accounts = product.product_tmpl_id.with_company(
                    self.company_id
                ).get_product_accounts(fiscal_pos=fiscal_position)
                cache[key] = accounts["income"]
            if not cache[key]:
                raise UserError(
                    self.env._(
                        "The product %(product)s of the contract %(contract)s has no income "
                        "account: set one on the product or on its category.",
                        product=product.display_name,
                        contract=self.name,
                    )
                )
            values["account_id"] = cache[key].id
        elif not product and "account_id" not in values:
            if not journal.default_account_id:
                raise UserError(
                    self.env._(
                        "The journal %(journal)s has no default income account for the fee "
                        "lines of the contract %(contract)s without product.",
                        journal=journal.display_name,
                        contract=self.name,
                    )
                )
            values["account_id"] = journal.default_account_id.id
        if self.analytic_account_id and "analytic_distribution" not in values:
            values["analytic_distribution"] = {str(self.analytic_account_id.id): 100}
        return values

    def _billing_get_journal(self, cache=None):
        """The contract's sales journal, or the company's first one."""
        self.ensure_one()
        if self.journal_id:
            return self.journal_id
        cache = {} if cache is None else cache
        key = ("journal", self.company_id.id)
        if key not in cache:
            cache[key] = self.env["account.journal"].search(
                [
                    *self.env["account.journal"]._check_company_domain(self.company_id),
                    ("type", "=", "sale"),
                ],
                limit=1,
            )
        if not cache[key]:
            raise UserError(
                self.env._(
                    "No sales journal to invoice the contract %(contract)s: create one in "
                    "the company %(company)s or choose one on the contract.",
                    contract=self.name,
                    company=self.company_id.name,
                )
            )
        return cache[key]

    def _billing_check_currency(self, date, cache=None):
        """A contract in a foreign currency needs an exchange rate on or before ``date``."""
        self.ensure_one()
        currency, company = self.currency_id, self.company_id
        if currency == company.currency_id:
            return
        cache = {} if cache is None else cache
        key = ("rate", currency.id, company.id)
        if key not in cache:
            cache[key] = bool(
                self.env["res.currency.rate"].search_count(
                    [
                        ("currency_id", "=", currency.id),
                        ("name", "<=", date),
                        ("company_id", "in", (False, company.root_id.id, company.id)),
                    ],
                    limit=1,
                )
            )
        if not cache[key]:
            raise UserError(
                self.env._(
                    "The currency %(currency)s of the contract %(contract)s has no exchange "
                    "rate on %(date)s: add one before invoicing.",
                    currency=currency.name,
                    contract=self.name,
                    date=format_date(self.env, date),
                )
            )

    def _billing_report_failure(self, error):
        """Tell the account manager why the contract could not be invoiced, once: an open
        warning activity is updated rather than duplicated."""
        reason = getattr(error, "args", [str(error)])[0] if error else ""
        summary = self.env._("Invoicing failed")
        for contract in self:
            _logger.warning("Contract %s could not be invoiced: %s", contract.name, reason)
            activity = contract.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_warning")
                and a.summary == summary
            )
            if activity:
                activity.note = reason
            else:
                contract.activity_schedule(
                    "mail.mail_activity_data_warning",
                    summary=summary,
                    note=reason,
                    user_id=(contract.user_id or self.env.user).id,
                )

    def _billing_action_view_moves(self, moves):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        if len(moves) == 1:
            action.update(
                {"views": [(self.env.ref("account.view_move_form").id, "form")]},
                res_id=moves.id,
            )
        else:
            action["domain"] = [("id", "in", moves.ids)]
        return action

    # Actions

    def action_invoice_now(self):
        """Invoice the periods due today (catching up the missed ones), or the next period
        when none is due yet."""
        self._billing_check_invoice_access()
        self._billing_check_can_invoice()
        # the invoicing job and another user may be invoicing them: a clear error, never
        # a second invoice of the same period
        lock_for_user(self)
        today = fields.Date.context_today(self)
        periods = self._get_periods_due(today)
        if not periods:
            for contract in self:
                bounds = contract._billing_next_bounds()
                if bounds:
                    invoice_date = billing_invoice_date(
                        bounds[0],
                        bounds[1],
                        contract.billing_in_advance,
                        contract.invoice_date_offset,
                    )
                    contract._generate_periods(invoice_date)
            periods = self.env["maintenance.contract.period"].search(
                [("contract_id", "in", self.ids), ("state", "=", "to_invoice")],
                order="contract_id, date_start",
            )
        if not periods:
            raise UserError(self.env._("There is nothing to invoice on these contracts."))
        moves = self._invoice_periods(periods)
        return self._billing_action_view_moves(moves)

    # Scheduled job

    @api.model
    def _cron_invoice(self):
        """Scheduled job: invoice the periods due of the contracts due today, found by their
        stored next invoice date (indexed): the contracts with nothing due are not read."""
        today = fields.Date.context_today(self)
        return self.search(self._billing_due_domain(today), order="id")._billing_run(today)

    @api.model
    def _billing_due_domain(self, date):
        """Contracts with a billing period to invoice (or to generate) on ``date``."""
        return [("state", "in", BILLED_STATES), ("next_invoice_date", "<=", date)]

    def _billing_run(self, date, batch_size=BATCH_SIZE):
        """Invoice the periods due on ``date`` of the contracts, in batches: each batch
        claims its contracts (a concurrent worker skips them), generates and invoices the
        periods of those due, and commits (outside tests). Return the invoices.

        The cost of a batch does not depend on the number of contracts: each batch is read
        on its own (its prefetch set is the batch, not all the contracts) and the cache is
        emptied after it."""
        total, done = len(self), 0
        move_ids = []
        for start in range(0, total, batch_size):
            batch = lock_for_job(self.browse(self._ids[start : start + batch_size]))
            batch = batch.filtered(lambda c: c.next_invoice_date and c.next_invoice_date <= date)
            if batch:
                move_ids += batch._billing_invoice_batch(date).ids
            done += batch_size
            self.env["ir.cron"]._notify_progress(
                done=min(done, total), remaining=max(total - done, 0)
            )
            if not _in_test():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.flush_all()
            self.env.invalidate_all()
        return self.env["account.move"].browse(move_ids)

    def _billing_invoice_batch(self, date):
        """Generate and invoice the periods due of the claimed contracts; a contract that
        fails is reported on it and skipped."""
        Period = as_step(self.env["maintenance.contract.period"])
        try:
            with self.env.cr.savepoint():
                self._generate_periods(date, forecast=False)
            contracts = self
        except Exception:  # pylint: disable=broad-except
            # one at a time: find the culprit (or the contract another worker just did)
            contracts = self.browse()
            for contract in self:
                try:
                    with self.env.cr.savepoint():
                        contract._generate_periods(date, forecast=False)
                    contracts |= contract
                except psycopg2.Error as error:
                    if error.pgcode == errorcodes.UNIQUE_VIOLATION:
                        _logger.info("%s: periods made by another worker", contract.name)
                    else:
                        contract._billing_report_failure(error)
                except Exception as error:  # pylint: disable=broad-except
                    contract._billing_report_failure(error)
        periods = Period.search(
            [
                ("contract_id", "in", contracts.ids),
                ("state", "=", "to_invoice"),
                ("invoice_date", "<=", date),
            ],
            order="contract_id, date_start",
        )
        moves = contracts._invoice_periods(periods, raise_errors=False, invoice_date=date)
        # the periods left to invoice (a usage count missing, an invoice refused) show what
        # they will invoice
        periods.filtered(lambda p: p.state == "to_invoice")._compute_fee_amount()
        return moves

    # Contract lifecycle hooks

    def _billing_on_activate(self):
        """Create the contract's analytic account when the company asks for it."""
        plan = None
        for contract in self:
            if contract.analytic_account_id or not contract.company_id.maintenance_analytic_account:
                continue
            if plan is None:
                # the default "Projects" plan: its column is the lines' account_id
                plan, __ = self.env["account.analytic.plan"].sudo()._get_all_plans()
            contract.analytic_account_id = (
                self.env["account.analytic.account"]
                .sudo()
                .create(
                    {
                        "name": f"{contract.name} - {contract.partner_id.display_name}",
                        "code": contract.name,
                        "plan_id": plan.id,
                        "partner_id": contract.commercial_partner_id.id,
                        "company_id": contract.company_id.id,
                    }
                )
            )

    def _billing_on_contract_end(self):
        """The contract ends on its billing end date: periods to invoice stop there (prorated
        by days), and the days already invoiced past it get a draft credit note."""
        for contract in self:
            end = contract._billing_end_date()
            if not end:
                continue
            periods = contract.period_ids.filtered(
                lambda p, end=end: p.date_end > end and p.state != "cancelled"
            )
            as_step(
                periods.filtered(lambda p, end=end: p.state == "to_invoice" and p.date_start > end)
            ).unlink()
            for period in periods.exists():
                if period.state == "to_invoice":
                    as_step(period).write(contract._billing_shorten_values(period, end))
                elif period.state == "invoiced" and not period.credit_move_id:
                    contract._billing_credit_unused(period, end)

    def _billing_shorten_values(self, period, end):
        """Values of ``period`` stopped on ``end``: prorata of the full period in days."""
        self.ensure_one()
        full_start, full_end = billing_period_bounds(
            self.date_start, period.date_start, self._billing_months(), self.billing_alignment
        )
        start = period.date_start
        share = ((end - start).days + 1) / ((full_end - full_start).days + 1)
        return {
            "date_end": end,
            "prorata": share,
            "invoice_date": billing_invoice_date(
                start, end, self.billing_in_advance, self.invoice_date_offset
            ),
        }

    def _billing_credit_unused(self, period, end):
        """Draft credit note of the days of ``period`` after ``end``, from the fee lines of
        its invoice (prices as invoiced; the extras it carried are owed), linked on the
        period."""
        self.ensure_one()
        first_unused = max(period.date_start, end + ONE_DAY)
        billed_days = (period.date_end - period.date_start).days + 1
        share = ((period.date_end - first_unused).days + 1) / billed_days
        lines = period.move_id.invoice_line_ids.filtered(
            lambda line: line.maintenance_period_id == period
            and line.maintenance_line_kind == "fee"
            and line.display_type == "product"
        )
        if not lines:
            return
        lang = period.partner_id.lang or self.env.lang
        label = self.with_context(lang=lang).env._(
            "Unused days %(start)s to %(end)s",
            start=format_date(self.env, first_unused, lang_code=lang),
            end=format_date(self.env, period.date_end, lang_code=lang),
        )
        move = period.move_id
        credit_lines = []
        for line in lines:
            quantity, price_unit = self._billing_prorate(
                line.quantity, line.price_unit, share, line.currency_id
            )
            name = f"{line.name} – {label}"
            if quantity != line.quantity:
                name += " – " + self._billing_prorata_label(
                    line.quantity,
                    line.price_unit,
                    (period.date_end - first_unused).days + 1,
                    billed_days,
                    lang,
                )
            credit_lines.append(
                {
                    "maintenance_period_id": period.id,
                    "maintenance_line_kind": "fee",
                    "product_id": line.product_id.id,
                    "name": name,
                    "quantity": quantity,
                    "price_unit": price_unit,
                    # as invoiced: taxes, account and analytic of the line credited
                    "tax_ids": [Command.set(line.tax_ids.ids)],
                    "account_id": line.account_id.id,
                    "analytic_distribution": line.analytic_distribution,
                }
            )
        credit = as_step(self.env["account.move"])._maintenance_create_invoices(
            self._prepare_invoice_values(
                "out_refund",
                fields.Date.context_today(self),
                credit_lines,
                # the credit note follows the invoice it credits
                partner_id=move.partner_id.id,
                currency_id=move.currency_id.id,
                journal_id=move.journal_id.id,
                fiscal_position_id=move.fiscal_position_id.id,
                invoice_payment_term_id=move.invoice_payment_term_id.id,
                reversed_entry_id=move.id if move.state == "posted" else False,
                ref=self.with_context(lang=lang).env._(
                    "Contract %(contract)s ending on %(end)s",
                    contract=self.name,
                    end=format_date(self.env, end, lang_code=lang),
                ),
            )
        )
        values = {"credit_move_id": credit.id}
        if first_unused == period.date_start:
            values.update(state="cancelled", prorata=0.0)
        else:
            values.update(date_end=end, prorata=period.prorata * (1 - share))
        values["amount_fee"] = period.amount_fee - credit.amount_untaxed
        as_step(period).write(values)
        self.message_post(
            body=self.env._(
                "Draft credit note of the days invoiced after the end of the contract "
                "(%(end)s): %(amount)s.",
                end=format_date(self.env, end),
                amount=credit.amount_total,
            )
        )
        return credit

    # Extras (extra work, hours beyond the prepaid balance, SLA service credit) and the
    # invoices outside the periods (monthly extra work, final invoice, SLA credit note)

    def _get_billed_service_period(self, period):
        """Bounds of the last service period over by the time ``period`` is invoiced, whose
        overage and SLA credit ``period``'s invoice carries: the previous period for an
        invoice in advance, the period itself for an invoice in arrears; False if none."""
        self.ensure_one()
        cutoff = period.invoice_date or (period.date_end + ONE_DAY)
        end = self._billing_end_date()

        def bounds(day):
            date_from, date_to = self._get_period_bounds(day)
            # the last period stops with the contract
            return date_from, min(date_to, end) if end else date_to

        date_from, date_to = bounds(cutoff - ONE_DAY)
        if date_to >= cutoff:
            date_from, date_to = bounds(date_from - ONE_DAY)
        if date_to < self.date_start:
            return False
        return date_from, date_to

    def _get_extra_work_bounds(self, period):
        """Dates of the extra work ``period``'s invoice carries: after the cutoff of an earlier
        period still to invoice (it carries the work before), up to the invoice date."""
        self.ensure_one()
        date_to = period.invoice_date or period.date_end
        earlier = self.env["maintenance.contract.period"].search(
            [
                ("contract_id", "=", self.id),
                ("date_start", "<", period.date_start),
                ("state", "=", "to_invoice"),
            ],
            order="date_start desc",
            limit=1,
        )
        date_from = (earlier.invoice_date or earlier.date_end) if earlier else None
        return date_from, date_to

    def _get_customer_lang(self):
        """Language of the invoice lines: the customer's."""
        self.ensure_one()
        return self.partner_id.lang or self.env.lang

    def _get_sla_credit_label(self, date_from, date_to):
        lang = self._get_customer_lang()
        return self.with_context(lang=lang).env._(
            "SLA service credit – period %(start)s – %(end)s",
            start=format_date(self.env, date_from, lang_code=lang),
            end=format_date(self.env, date_to, lang_code=lang),
        )

    def _get_overage_label(self, date_from, date_to):
        lang = self._get_customer_lang()
        return self.with_context(lang=lang).env._(
            "Hours beyond the prepaid balance – period %(start)s – %(end)s",
            start=format_date(self.env, date_from, lang_code=lang),
            end=format_date(self.env, date_to, lang_code=lang),
        )

    def _prepare_sla_credit_values(self, period, date_from, date_to, amount, penalties=None):
        """Invoice line values of the SLA service credit of the service period from
        ``date_from`` to ``date_to``: the breached tickets are listed in its label.
        ``penalties``: of :meth:`_get_sla_penalties` for those dates, when the caller has
        them."""
        self.ensure_one()
        if penalties is None:
            penalties = self._get_sla_penalties(date_from, date_to)
        lang_env = self.with_context(lang=self._get_customer_lang()).env
        target_field = self.env["maintenance.sla.notification"]._fields["target"]
        target_labels = dict(target_field._description_selection(lang_env))
        breaches = [
            lang_env._(
                "%(ticket)s (%(target)s, %(hours)s h late)",
                ticket=breach["ticket"].sudo().display_name,
                target=target_labels[breach["target"]],
                hours=format(breach["delay_hours"], ".2f"),
            )
            for breach in penalties["breaches"]
        ]
        name = self._get_sla_credit_label(date_from, date_to)
        if breaches:
            name += "\n" + "\n".join(breaches)
        return {
            "name": name,
            "quantity": 1.0,
            "price_unit": -amount,
            "tax_ids": self._get_extras_default_taxes().ids,
            "maintenance_period_id": period.id,
            "maintenance_line_kind": "sla_credit",
        }

    def _get_extra_work_to_invoice(self, date_to, date_from=None):
        """Billable done or signed interventions up to ``date_to`` (and after ``date_from`` if
        given), and their parts, that no valid invoice carries yet."""
        self.ensure_one()
        not_invoiced = [
            "|",
            ("invoice_line_id", "=", False),
            ("invoice_line_id.parent_state", "=", "cancel"),
        ]
        # invoicing users need not be contract users: the invoice rights were checked
        interventions = (
            self.env["maintenance.intervention"]
            .sudo()
            .search(
                [
                    ("contract_id", "=", self.id),
                    ("state", "in", CONSUMED_STATES),
                    ("date", "<=", date_to),
                    *([("date", ">", date_from)] if date_from else []),
                ],
                order="date, id",
            )
        )
        billable = interventions.filtered(lambda i: i.coverage == "billable")
        return billable.filtered_domain(not_invoiced), billable.part_ids.filtered_domain(
            not_invoiced
        )

    def _prepare_extra_work_line_values(self, date_to, date_from=None):
        """Invoice line values of the extra work up to ``date_to``, one per intervention and
        one per part, each with the record it invoices: ``[(record, values)]``."""
        self.ensure_one()
        interventions, parts = self._get_extra_work_to_invoice(date_to, date_from)
        company_product = self.company_id.maintenance_extra_product_id
        lang = self._get_customer_lang()
        lang_env = self.with_context(lang=lang).env
        items = []
        for intervention in interventions:
            hours = self._round_hours(intervention.duration)
            product = intervention.product_id or company_product
            values = {
                "name": lang_env._(
                    "Intervention %(reference)s – %(date)s – %(hours)s h",
                    reference=intervention.name,
                    date=format_date(self.env, intervention.date, lang_code=lang),
                    hours=format(hours, ".2f"),
                ),
                "quantity": hours,
                "price_unit": intervention.hourly_rate or self.extra_hourly_rate,
                **intervention._get_invoice_line_link(),
            }
            if product:
                values["product_id"] = product.id
            items.append((intervention, values))
            for part in parts.filtered(lambda p, i=intervention: p.intervention_id == i):
                items.append((part, part._prepare_invoice_line_values()))
        for part in parts.filtered(lambda p: p.intervention_id not in interventions):
            items.append((part, part._prepare_invoice_line_values()))
        for __, values in items:
            values.update(self._prepare_extras_line_defaults(values, "extra"))
        return items

    def _get_extras_default_taxes(self):
        """Taxes of a line of extras without product (extra work, overage, service credit):
        those of the contract's first fee line, else the company's default sales tax, so
        the line never loses its VAT."""
        self.ensure_one()
        return self.line_ids[:1].tax_ids or self.env["account.tax"]._get_maintenance_fee_taxes(
            self.env["product.product"], self.company_id
        )

    def _prepare_extras_line_defaults(self, values, kind):
        """What every line of extras of ``kind`` carries: its kind and, without product,
        the contract's taxes (a product brings its own)."""
        defaults = {"maintenance_line_kind": kind}
        if not values.get("product_id") and "tax_ids" not in values:
            defaults["tax_ids"] = self._get_extras_default_taxes().ids
        return defaults

    @api.model
    def _link_invoiced_records(self, lines):
        """Link the interventions and parts invoiced by ``lines`` to their own line: each line
        of extra work carries the record it invoices (labels may repeat or change)."""
        self.env["maintenance.intervention"].sudo()._link_invoice_lines(lines)
        self.env["maintenance.intervention.part"].sudo()._link_invoice_lines(lines)

    def _prepare_overage_line_values(self, date_from, date_to):
        """Line of the hours beyond the prepaid balance of the service period from
        ``date_from`` to ``date_to`` at the hourly rate; none without such hours."""
        self.ensure_one()
        if self.prepaid_hours_mode == "none":
            return []
        hours = self._get_prepaid_period(date_from, date_to).get("overage", 0.0)
        if not hours or self.currency_id.is_zero(hours * self.extra_hourly_rate):
            return []
        values = {
            "name": self._get_overage_label(date_from, date_to),
            "quantity": hours,
            "price_unit": self.extra_hourly_rate,
            "product_id": self.company_id.maintenance_extra_product_id.id or False,
        }
        values.update(self._prepare_extras_line_defaults(values, "overage"))
        return [values]

    def _has_extra_invoice_until(self, date_to):
        """Whether a valid monthly invoice of extra work already carries the work up to
        ``date_to`` (it is cancelled or deleted: no)."""
        self.ensure_one()
        contract = self.sudo()
        return bool(
            contract.extra_invoiced_until
            and contract.extra_invoiced_until >= date_to
            and contract.extra_move_id.state not in (False, "cancel")
        )

    def _invoice_extra_work(self, date_to):
        """Invoice of its own for the extra work up to ``date_to`` (contracts invoicing extra
        work monthly), once: nothing when a valid invoice already carries the work up to that
        day (work recorded late waits for the next month's invoice) or when there is none."""
        self.ensure_one()
        Move = as_step(self.env["account.move"])
        # one run at a time per contract, or two would invoice the same work: skipped when
        # another run holds the contract (that run invoices the work)
        if self.extra_invoicing != "monthly" or not lock_for_job(self):
            return Move
        if self._has_extra_invoice_until(date_to):
            return Move
        items = self._prepare_extra_work_line_values(date_to)
        if not items:
            return Move
        invoice = Move._maintenance_create_invoices(
            self._prepare_invoice_values(
                "out_invoice",
                fields.Date.context_today(self),
                [values for _record, values in items],
            )
        )
        self._link_invoiced_records(invoice.invoice_line_ids)
        self.sudo().write({"extra_move_id": invoice.id, "extra_invoiced_until": date_to})
        return invoice

    def _has_final_invoice(self):
        """Whether the contract has a valid final invoice (cancelled or deleted: no)."""
        self.ensure_one()
        return self.sudo().final_move_id.state not in (False, "cancel")

    def _get_unbilled_final_overage(self, end):
        """Line values of the hours beyond the prepaid balance of the last service period of
        the contract ended on ``end``, when no period's invoice carries them (a contract
        invoiced in advance: the invoice that would carry them never comes)."""
        self.ensure_one()
        if self.prepaid_hours_mode == "none":
            return []
        date_from, date_to = self._get_period_bounds(end)
        # a period cancelled by the credit note of its unused days was invoiced too
        for period in self.sudo().period_ids.filtered(lambda p: p.move_id):
            service = self._get_billed_service_period(period)
            if service and service[0] == date_from:
                return []
        return self._prepare_overage_line_values(date_from, min(date_to, end))

    def _invoice_final_extras(self, today):
        """Final invoice of an ended contract, once its last period is over and every period
        is invoiced: the hours beyond the prepaid balance of its last period that no invoice
        carries, and the extra work not invoiced yet. Once: the contract keeps its final
        invoice (a cancelled or deleted one is made again); extra work recorded after it goes
        on an invoice of its own. Return the invoice made, if any."""
        self.ensure_one()
        Move = as_step(self.env["account.move"])
        end = self._billing_end_date()
        if self.state not in ENDED_STATES or not end or today <= end:
            return Move
        contract = self.sudo()
        if contract._billing_next_bounds() or contract.period_ids.filtered(
            lambda p: p.state == "to_invoice"
        ):
            return Move  # the periods' invoices come first: they carry what they can
        if not lock_for_job(self):
            return Move
        final = not self._has_final_invoice()
        line_values = self._get_unbilled_final_overage(end) if final else []
        line_values += [values for _record, values in self._prepare_extra_work_line_values(today)]
        if not line_values:
            return Move
        invoice = Move._maintenance_create_invoices(
            self._prepare_invoice_values("out_invoice", today, line_values)
        )
        self._link_invoiced_records(invoice.invoice_line_ids)
        if final:
            self.sudo().final_move_id = invoice
        self.message_post(
            body=self.env._(
                "Invoice %(invoice)s of the extras left to bill after the end of the contract: "
                "%(amount)s.",
                invoice=invoice.display_name,
                amount=format_amount(self.env, invoice.amount_total, invoice.currency_id),
            )
        )
        return invoice

    def _process_billing_extras(self, today):
        """One contract's share of the extras job: monthly invoice of extra work and prepaid
        hours alerts of an active contract; SLA service credit and final invoice of the extras
        of an ended contract. Each step in its own savepoint: one that cannot be done (a
        locked accounting period, a product without income account) is reported on the
        contract (*Invoicing failed*) and the others are done."""
        self.ensure_one()
        if self.state == "active":
            steps = [(self._check_prepaid_thresholds, today)]
            if self.extra_invoicing == "monthly":
                steps.insert(0, (self._invoice_extra_work, today.replace(day=1) - ONE_DAY))
        elif self.state in ENDED_STATES:
            steps = [(self._credit_sla_of_last_period,), (self._invoice_final_extras, today)]
        else:
            return
        for method, *args in steps:
            try:
                with self.env.cr.savepoint():
                    method(*args)
            except UserError as error:
                self._billing_report_failure(error)

    def _credit_sla_of_last_period(self):
        """Draft credit note of the SLA service credit of the last period of an ended contract
        invoiced in advance: no invoice comes to carry it."""
        self.ensure_one()
        end = self.termination_date or self.date_end
        if not end or not self.billing_in_advance:
            return False
        date_from, date_to = self._get_period_bounds(end)
        period = self.env["maintenance.contract.period"].search(
            [("contract_id", "=", self.id), ("date_start", "=", date_from)]
        )
        if not period:
            return False
        credit_note = period.credit_move_id.filtered(lambda m: m.state != "cancel")
        if credit_note and (
            credit_note.state != "draft"
            or credit_note.invoice_line_ids.filtered(
                lambda line: line.maintenance_line_kind == "sla_credit"
            )
        ):
            return False
        penalties = self._get_sla_penalties(date_from, min(date_to, end))
        amount = penalties["amount"]
        if self.currency_id.is_zero(amount):
            return False
        values = self._prepare_sla_credit_values(
            period, date_from, date_to, amount, penalties=penalties
        )
        values["price_unit"] = amount  # a credit note carries a positive amount
        if credit_note:
            # the line joins the credit note of the unused days: taxes mapped by its fiscal
            # position, income account and analytic account, as every line of the header
            values = self._billing_finalize_line_values(
                values, credit_note.fiscal_position_id, credit_note.journal_id, {}
            )
            credit_note.invoice_line_ids = [Command.create(values)]
        else:
            move_values = self._prepare_invoice_values(
                "out_refund", fields.Date.context_today(self), [values]
            )
            credit_note = as_step(self.env["account.move"])._maintenance_create_invoices(
                move_values
            )
            as_step(period).credit_move_id = credit_note
        return credit_note

    @api.model
    def _cron_invoice_billing_extras(self):
        today = fields.Date.context_today(self)
        # ended contracts: their last SLA credit and final invoice, for a quarter after
        # their end
        ended_since = today - relativedelta(months=3)
        contracts = self.search(
            [
                "|",
                ("state", "=", "active"),
                "&",
                ("state", "in", ENDED_STATES),
                "|",
                ("termination_date", ">=", ended_since),
                ("date_end", ">=", ended_since),
            ]
        )
        run_batched(contracts, "_process_billing_extras", today)
