import logging
from collections import defaultdict

import psycopg2
from psycopg2 import errorcodes

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from ..tools.dates import (
    ONE_DAY,
    billing_invoice_date,
    billing_period_bounds,
    billing_periods,
    frequency_months,
    period_of_date,
)
from ..tools.jobs import BATCH_SIZE, _in_test, lock_for_job, run_batched

_logger = logging.getLogger(__name__)

BILLED_STATES = ("active", "expired", "terminated")
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"


# Internal fields, that customers (portal users) must not read.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceContractBillingMixin(models.AbstractModel):
    """Invoicing of a contract through Odoo Accounting: its billing periods, the invoices of
    the periods due (scheduled job and "Invoice now"), the credit note of the days not used
    when it ends early, and its analytic account."""

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
        Move = self.env["account.move"]
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

    def _get_next_invoice_amount(self):
        """Fee amount of the next period to invoice (0 when none)."""
        self.ensure_one()
        if not self.next_invoice_date:
            return 0.0
        pending = self.period_ids.filtered(lambda p: p.state == "to_invoice")
        if pending:
            first = pending.sorted("invoice_date")[0]
            return first.amount_fee or self.currency_id.round(self.amount_period * first.prorata)
        bounds = self._billing_next_bounds()
        return self.currency_id.round(self.amount_period * bounds[2]) if bounds else 0.0

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

    def _generate_periods(self, date):
        """Create the missing billing periods of the contracts due on ``date`` (one per
        period, catching up the missed ones); idempotent. Return the periods created."""
        Period = self.env["maintenance.contract.period"]
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

    def _invoice_periods(self, periods, raise_errors=True):
        """Invoice ``periods`` (to invoice): one invoice per contract and period, or per
        customer and day for the contracts grouped per customer, created with ONE batched
        ``account.move.create``. With ``raise_errors`` False (scheduled job), a group whose
        invoice cannot be made is reported on its contracts and skipped. Return the
        invoices."""
        Move = self.env["account.move"]
        periods = periods.filtered(lambda p: p.state == "to_invoice")
        if not periods:
            return Move
        periods.contract_id._billing_check_can_invoice()
        groups = defaultdict(lambda: periods.browse())
        for period in periods:
            groups[self._billing_group_key(period)] |= period
        # what the extras of all the periods need, read once for the batch
        cache = {"extras_hints": periods._get_extras_hints()}

        def prepare(group):
            group._compute_fee_amount()
            group._compute_extra_amounts(cache["extras_hints"])
            return group, self._billing_prepare_move_values(group, cache)

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
                moves = Move.create([values for __, values in prepared])
        except Exception:  # pylint: disable=broad-except
            if raise_errors:
                raise
            # find the culprit: one invoice at a time
            moves, kept = Move, []
            for group, values in prepared:
                try:
                    with self.env.cr.savepoint():
                        moves |= Move.create(values)
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

    def _billing_prepare_move_values(self, periods, cache):
        """Values of the customer invoice of ``periods`` (same contract, or same customer
        and day); ``cache`` keeps journals, addresses, fiscal positions and accounts between
        the invoices of a batch."""
        contracts = periods.contract_id
        contract = contracts[0]
        company = contract.company_id
        journal = contract._billing_get_journal(cache)
        partner = contract.partner_id
        key = ("partner", partner.id, company.id)
        if key not in cache:
            invoice_partner = self.env["res.partner"].browse(
                partner.address_get(["invoice"])["invoice"]
            )
            fiscal_position = (
                self.env["account.fiscal.position"]
                .with_company(company)
                ._get_fiscal_position(invoice_partner)
            )
            cache[key] = (invoice_partner, fiscal_position)
        invoice_partner, fiscal_position = cache[key]
        contract._billing_check_currency(max(periods.mapped("invoice_date")), cache)
        lines = []
        for period in periods.sorted(lambda p: (p.contract_id.name, p.date_start)):
            for values in period._prepare_invoice_line_values(cache.get("extras_hints")):
                lines.append(
                    Command.create(
                        period.contract_id._billing_finalize_line_values(
                            values, fiscal_position, journal, cache
                        )
                    )
                )
        values = {
            "move_type": "out_invoice",
            "partner_id": invoice_partner.id,
            "company_id": company.id,
            "currency_id": contract.currency_id.id,
            "journal_id": journal.id,
            "fiscal_position_id": fiscal_position.id,
            "invoice_date": max(periods.mapped("invoice_date")),
            "invoice_origin": ", ".join(sorted(contracts.mapped("name"))),
            # a grouped invoice has no contract: its lines' periods link it to its contracts
            # (account.move.maintenance_contract_ids)
            "contract_id": contract.id if len(contracts) == 1 else False,
            "invoice_line_ids": lines,
        }
        if contract.payment_term_id:
            values["invoice_payment_term_id"] = contract.payment_term_id.id
        if contract.user_id:
            values["invoice_user_id"] = contract.user_id.id
        return values

    def _billing_finalize_line_values(self, values, fiscal_position, journal, cache):
        """Map the taxes and the income account of an invoice line by the fiscal position,
        and put the contract's analytic account on it."""
        self.ensure_one()
        values = dict(values)
        product = self.env["product.product"].browse(values.get("product_id"))
        if "tax_ids" in values:
            taxes = self.env["account.tax"].browse(values["tax_ids"])
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
        if self.analytic_account_id:
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
        Period = self.env["maintenance.contract.period"]
        try:
            with self.env.cr.savepoint():
                self._generate_periods(date)
            contracts = self
        except Exception:  # pylint: disable=broad-except
            # one at a time: find the culprit (or the contract another worker just did)
            contracts = self.browse()
            for contract in self:
                try:
                    with self.env.cr.savepoint():
                        contract._generate_periods(date)
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
        return contracts._invoice_periods(periods, raise_errors=False)

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
            periods.filtered(
                lambda p, end=end: p.state == "to_invoice" and p.date_start > end
            ).unlink()
            for period in periods.exists():
                if period.state == "to_invoice":
                    period.write(contract._billing_shorten_values(period, end))
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
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": move.partner_id.id,
                "company_id": move.company_id.id,
                "currency_id": move.currency_id.id,
                "journal_id": move.journal_id.id,
                "fiscal_position_id": move.fiscal_position_id.id,
                "invoice_payment_term_id": move.invoice_payment_term_id.id,
                "invoice_origin": self.name,
                "reversed_entry_id": move.id if move.state == "posted" else False,
                "contract_id": self.id,
                "ref": self.with_context(lang=lang).env._(
                    "Contract %(contract)s ending on %(end)s",
                    contract=self.name,
                    end=format_date(self.env, end, lang_code=lang),
                ),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "maintenance_period_id": period.id,
                            "maintenance_line_kind": "fee",
                            "product_id": line.product_id.id,
                            "name": f"{line.name} – {label}",
                            "quantity": line.quantity,
                            "price_unit": line.currency_id.round(line.price_unit * share),
                            "tax_ids": [Command.set(line.tax_ids.ids)],
                            "account_id": line.account_id.id,
                            "analytic_distribution": line.analytic_distribution,
                        }
                    )
                    for line in lines
                ],
            }
        )
        values = {"credit_move_id": credit.id}
        if first_unused == period.date_start:
            values.update(state="cancelled", prorata=0.0)
        else:
            values.update(date_end=end, prorata=period.prorata * (1 - share))
        values["amount_fee"] = period.amount_fee - credit.amount_untaxed
        period.write(values)
        self.message_post(
            body=self.env._(
                "Draft credit note of the days invoiced after the end of the contract "
                "(%(end)s): %(amount)s.",
                end=format_date(self.env, end),
                amount=credit.amount_total,
            )
        )
        return credit
