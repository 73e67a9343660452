import math

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount, format_date

from ..tools.dates import ONE_DAY, billing_period_bounds
from ..tools.jobs import lock_for_job, run_batched
from .maintenance_intervention import CONSUMED_STATES

# Kinds of covered work that draw the prepaid balance down (preventive visits are planned
# by the contract itself and never do).
PREPAID_KINDS = ("curative", "evolutive")
PREPAID_THRESHOLDS = (
    (80, "maintenance_contract_it.mail_activity_type_prepaid_hours_80"),
    (100, "maintenance_contract_it.mail_activity_type_prepaid_hours_100"),
)


def round_up_hours(hours, minutes):
    """``hours`` rounded up to the started step of ``minutes`` (no rounding when 0):
    50 min at 15 gives 60 min, 61 min gives 75 min."""
    if not minutes or minutes <= 0:
        return hours
    # round to the second first, so that 45 min stored as 0.7499999 h stays 45 min
    seconds = round(hours * 3600)
    step = minutes * 60
    return math.ceil(seconds / step) * step / 3600.0


# Internal fields, that customers (portal users) must not read (the prepaid terms and
# balance are the customer's business: the portal shows them).
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"
INVOICE_GROUPS = "account.group_account_invoice,account.group_account_readonly"
ENDED_STATES = ("expired", "terminated")


class MaintenanceContractPrepaidMixin(models.AbstractModel):
    _name = "maintenance.contract.prepaid.mixin"
    _description = "Contract Extra Work and Prepaid Hours"

    # Extra work
    extra_invoicing = fields.Selection(
        [("next_invoice", "On the next invoice"), ("monthly", "Monthly invoice of extra work")],
        string="Extra Work Invoicing",
        default="next_invoice",
        required=True,
        help="Billable interventions and their parts go on the contract's next invoice, or on "
        "their own invoice at the start of each month.",
    )
    extra_move_id = fields.Many2one(
        "account.move",
        string="Last Extra Work Invoice",
        readonly=True,
        copy=False,
        groups=INVOICE_GROUPS,
        help="Last invoice of the extra work of a month (contracts invoicing extra work "
        "monthly): one per month.",
    )
    extra_invoiced_until = fields.Date(
        string="Extra Work Invoiced Until",
        readonly=True,
        copy=False,
        groups=INVOICE_GROUPS,
        help="Last day of the extra work the last monthly invoice of extra work carries.",
    )
    final_move_id = fields.Many2one(
        "account.move",
        string="Final Invoice",
        readonly=True,
        copy=False,
        groups=INVOICE_GROUPS,
        help="Invoice of what was left to bill once the contract ended: the hours beyond the "
        "prepaid balance of its last period and the extra work no invoice carried.",
    )
    extra_rounding_minutes = fields.Integer(
        string="Hours Rounding (minutes)",
        default=15,
        help="Time is counted by started steps of this many minutes, for extra work and for "
        "prepaid hours (15: 50 minutes count as one hour). 0: no rounding.",
    )

    # Prepaid hours
    prepaid_hours_mode = fields.Selection(
        [("none", "None"), ("period", "Hours per period"), ("block", "Block of hours")],
        string="Prepaid Hours",
        default="none",
        required=True,
        tracking=True,
        help="Hours of covered curative and evolutive work included in the contract: a number "
        "of hours every billing period, or blocks of hours bought in advance.",
    )
    prepaid_hours_per_period = fields.Float(string="Hours per Period", tracking=True)
    prepaid_rollover = fields.Boolean(
        string="Roll Unused Hours Over",
        help="Hours left unused at the end of a period are added to the next period (once: "
        "they expire at the end of that period). Otherwise they expire.",
    )
    prepaid_rollover_cap = fields.Float(
        string="Rollover Cap (hours)", help="Most hours carried over to the next period; 0: no cap."
    )
    prepaid_hours_total = fields.Float(
        string="Prepaid Hours this Period",
        compute="_compute_prepaid_hours",
        help="Hours of this period, hours carried over and blocks bought included.",
    )
    prepaid_hours_used = fields.Float(
        compute="_compute_prepaid_hours",
        help="Covered hours drawn from the balance this period (rounded as the contract says).",
    )
    prepaid_hours_left = fields.Float(compute="_compute_prepaid_hours")
    prepaid_hours_overage = fields.Float(
        string="Hours beyond the Balance",
        compute="_compute_prepaid_hours",
        help="Covered hours of this period beyond the balance: billed at the hourly rate.",
    )
    prepaid_block_ids = fields.One2many(
        "maintenance.contract.prepaid.block",
        "contract_id",
        string="Blocks of Hours Bought",
        groups=USER_GROUP,
    )

    @api.depends_context("tz")
    def _compute_prepaid_hours(self):
        today = fields.Date.context_today(self)
        for contract in self:
            period = False
            if contract.id and contract.date_start and contract.prepaid_hours_mode != "none":
                period = contract._get_prepaid_ledger(today)["periods"][-1:]
            if period:
                period = period[0]
                contract.prepaid_hours_total = period["available"]
                contract.prepaid_hours_used = period["drawn"]
                contract.prepaid_hours_left = period["available"] - period["drawn"]
                contract.prepaid_hours_overage = period["overage"]
            else:
                contract.prepaid_hours_total = contract.prepaid_hours_used = 0.0
                contract.prepaid_hours_left = contract.prepaid_hours_overage = 0.0

    @api.constrains("prepaid_hours_per_period", "prepaid_rollover_cap", "extra_rounding_minutes")
    def _check_prepaid_hours(self):
        for contract in self:
            if (
                contract.prepaid_hours_per_period < 0
                or contract.prepaid_rollover_cap < 0
                or contract.extra_rounding_minutes < 0
            ):
                raise UserError(
                    self.env._(
                        "The prepaid hours, the rollover cap and the rounding of the contract "
                        "%(contract)s cannot be negative.",
                        contract=contract.name,
                    )
                )

    def action_buy_prepaid_block(self):
        """Invoice one block of prepaid hours (the fee lines flagged as prepaid hours) and add
        its hours to the balance."""
        self.ensure_one()
        self.check_access("write")
        if self.prepaid_hours_mode != "block" or self.state != "active":
            raise UserError(
                self.env._(
                    "The contract %(contract)s is not an active contract selling blocks of "
                    "prepaid hours.",
                    contract=self.name,
                )
            )
        lines = self.line_ids.filtered("is_prepaid_hours")
        hours = sum(line.quantity * line.prepaid_hours_quantity for line in lines)
        if not hours:
            raise UserError(
                self.env._(
                    "Add a fee line flagged as prepaid hours, with its number of hours, to the "
                    "contract %(contract)s before buying a block.",
                    contract=self.name,
                )
            )
        Period = self.env["maintenance.contract.period"]
        values = self._prepare_invoice_values(
            "out_invoice",
            fields.Date.context_today(self),
            [
                self._prepare_fee_invoice_line_values(Period._get_fee_snapshot(line))
                for line in lines
            ],
        )
        # the user's own rights on invoices apply
        invoice = self.env["account.move"].create(values)
        self.env["maintenance.contract.prepaid.block"].sudo().create(
            {
                "contract_id": self.id,
                "date": fields.Date.context_today(self),
                "hours": hours,
                "move_id": invoice.id,
            }
        )
        self.message_post(
            body=self.env._(
                "Block of %(hours)s prepaid hours bought: invoice %(invoice)s.",
                hours=hours,
                invoice=invoice.display_name,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }

    # Hours

    def _get_recurring_fee_lines(self):
        """The fee lines invoiced every period: all of them, except the lines selling blocks
        of prepaid hours of a contract in block mode (a block is invoiced when it is
        bought)."""
        self.ensure_one()
        if self.prepaid_hours_mode == "block":
            return self.line_ids.filtered(lambda line: not line.is_prepaid_hours)
        return self.line_ids

    def _get_service_period(self, day):
        """First and last day of the billing period containing ``day``, as the contract is
        billed (anchored on its start or calendar periods), from the contract's start."""
        self.ensure_one()
        start, end = billing_period_bounds(
            self.date_start, day, self._billing_months(), self.billing_alignment
        )
        return max(start, self.date_start), end

    def _round_hours(self, hours):
        self.ensure_one()
        return round_up_hours(hours, self.extra_rounding_minutes)

    def _get_prepaid_interventions(self, date_to):
        """Covered interventions that draw the prepaid balance down, up to ``date_to``."""
        self.ensure_one()
        # the balance is shown to every contract user, whoever did the work
        return (
            self.env["maintenance.intervention"]
            .sudo()
            .search(
                [
                    ("contract_id", "=", self.id),
                    ("state", "in", CONSUMED_STATES),
                    ("coverage", "=", "covered"),
                    ("kind", "in", PREPAID_KINDS),
                    ("date", ">=", self.date_start),
                    ("date", "<=", date_to),
                ],
                order="date, id",
            )
        )

    def _get_prepaid_ledger(self, day):
        """The prepaid hours of every billing period from the contract's start to the one
        containing ``day``, in order.

        Hours carried over from a period are used first and expire at the end of the next
        period: they are never carried twice. Blocks of hours stay until used.

        :return: dict ``periods``: list of dicts ``date_from``, ``date_to``, ``own`` (hours of
            the period or blocks bought in it), ``carried`` (hours carried over or block
            balance brought in), ``available``, ``used``, ``drawn``, ``overage``,
            ``carry_out``; ``drawn``: ``{intervention: hours drawn from the balance}``
        """
        self.ensure_one()
        result = {"periods": [], "drawn": {}}
        if self.prepaid_hours_mode == "none" or not self.date_start or day < self.date_start:
            return result
        last_end = self._get_service_period(day)[1]
        interventions = self._get_prepaid_interventions(last_end)
        # contract users see the balance without access to the invoices
        blocks = self.sudo().prepaid_block_ids.filtered(lambda b: b.move_id.state != "cancel")
        precision = 6
        carried = 0.0
        date_from = self.date_start
        position = 0  # interventions are in date order: each period takes the next ones
        while date_from <= last_end:
            bounds = self._get_service_period(date_from)
            date_to = bounds[1]
            first = position
            while position < len(interventions) and interventions[position].date <= date_to:
                position += 1
            if self.prepaid_hours_mode == "period":
                own = self.prepaid_hours_per_period
            else:
                own = sum(blocks.filtered(lambda b, d=date_to: b.date <= d).mapped("hours")) - sum(
                    blocks.filtered(lambda b, d=date_from: b.date < d).mapped("hours")
                )
            available = own + carried
            remaining = available
            used = 0.0
            for intervention in interventions[first:position]:
                hours = self._round_hours(intervention.duration)
                drawn = min(hours, max(remaining, 0.0))
                result["drawn"][intervention] = drawn
                remaining -= drawn
                used += hours
            drawn = available - remaining
            overage = used - drawn
            if self.prepaid_hours_mode == "block":
                carry_out = remaining
            elif self.prepaid_rollover:
                # carried-over hours are used first: what is left of the period's own hours
                carry_out = max(own - max(used - carried, 0.0), 0.0)
                if self.prepaid_rollover_cap:
                    carry_out = min(carry_out, self.prepaid_rollover_cap)
            else:
                carry_out = 0.0
            result["periods"].append(
                {
                    "date_from": date_from,
                    "date_to": date_to,
                    "own": round(own, precision),
                    "carried": round(carried, precision),
                    "available": round(available, precision),
                    "used": round(used, precision),
                    "drawn": round(drawn, precision),
                    "overage": round(overage, precision),
                    "carry_out": round(carry_out, precision),
                }
            )
            carried = carry_out
            date_from = date_to + ONE_DAY
        return result

    def _get_prepaid_period(self, date_from, date_to):
        """The ledger entry of the billing period from ``date_from`` to ``date_to``."""
        self.ensure_one()
        for period in self._get_prepaid_ledger(date_to)["periods"]:
            if period["date_from"] == date_from:
                return period
        return {}

    # Billing of a period (called by the hooks of maintenance.contract.period)

    def _get_billed_service_period(self, period):
        """Bounds of the last service period over by the time ``period`` is invoiced, whose
        overage and SLA credit ``period``'s invoice carries: the previous period for an
        invoice in advance, the period itself for an invoice in arrears; False if none."""
        self.ensure_one()
        cutoff = period.invoice_date or (period.date_end + ONE_DAY)
        end = self._billing_end_date()

        def bounds(day):
            date_from, date_to = self._get_service_period(day)
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
        those of the contract's first fee line, so the line never loses its VAT."""
        self.ensure_one()
        return self.line_ids[:1].tax_ids

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
        Move = self.env["account.move"]
        # one run at a time per contract, or two would invoice the same work: skipped when
        # another run holds the contract (that run invoices the work)
        if self.extra_invoicing != "monthly" or not lock_for_job(self):
            return Move
        if self._has_extra_invoice_until(date_to):
            return Move
        items = self._prepare_extra_work_line_values(date_to)
        if not items:
            return Move
        invoice = Move.create(
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
        date_from, date_to = self._get_service_period(end)
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
        Move = self.env["account.move"]
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
        invoice = Move.create(self._prepare_invoice_values("out_invoice", today, line_values))
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

    def _check_prepaid_thresholds(self, today):
        """Activity to the account manager when the prepaid hours of the current period are
        80 % and 100 % used, once each per period (kept in the reminder log, through
        :meth:`_schedule_reminder`: the one way to remind once)."""
        self.ensure_one()
        if self.prepaid_hours_mode == "none" or self.state != "active":
            return
        period = self._get_prepaid_ledger(today)["periods"][-1:]
        if not period or not period[0]["available"]:
            return
        period = period[0]
        used = period["used"] / period["available"] * 100
        for threshold, xmlid in PREPAID_THRESHOLDS:
            if float_compare(used, threshold, precision_digits=2) < 0:
                continue
            # once per threshold and period, also when two interventions are done at once:
            # the reminder log is claimed in a savepoint (tools/jobs.py claim_once)
            self._schedule_reminder(
                xmlid,
                period["date_from"],
                summary=self.env._(
                    "%(percent)s %% of the prepaid hours used (%(used)s h of %(total)s h, "
                    "period from %(start)s).",
                    percent=threshold,
                    used=format(period["used"], ".2f"),
                    total=format(period["available"], ".2f"),
                    start=format_date(self.env, period["date_from"]),
                ),
                date_deadline=today,
            )

    def _process_billing_extras(self, today):
        """One contract's share of the extras job: monthly invoice of extra work and prepaid
        hours alerts of an active contract; SLA service credit and final invoice of the extras
        of an ended contract."""
        self.ensure_one()
        if self.state == "active":
            if self.extra_invoicing == "monthly":
                self._invoice_extra_work(today.replace(day=1) - ONE_DAY)
            self._check_prepaid_thresholds(today)
        elif self.state in ENDED_STATES:
            self._credit_sla_of_last_period()
            self._invoice_final_extras(today)

    def _credit_sla_of_last_period(self):
        """Draft credit note of the SLA service credit of the last period of an ended contract
        invoiced in advance: no invoice comes to carry it."""
        self.ensure_one()
        end = self.termination_date or self.date_end
        if not end or not self.billing_in_advance:
            return False
        date_from, date_to = self._get_service_period(end)
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
            credit_note.invoice_line_ids = [Command.create(values)]
        else:
            move_values = self._prepare_invoice_values(
                "out_refund", fields.Date.context_today(self), [values]
            )
            credit_note = self.env["account.move"].create(move_values)
            period.credit_move_id = credit_note
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
