import math

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_date

from ..tools.dates import ONE_DAY
from .maintenance_intervention import CONSUMED_STATES
from .maintenance_step_mixin import as_step

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


class MaintenanceContractPrepaidMixin(models.AbstractModel):
    """Prepaid hours of a contract: the terms of its extra work and prepaid hours, the
    ledger of its balance, the 80 % / 100 % alerts and the purchase of a block of hours.
    Everything that makes an invoice (extra work, overage, SLA credit, final invoice) is in
    ``maintenance.contract.billing.mixin``."""

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
        invoice = as_step(self.env["account.move"])._maintenance_create_invoices(values)
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
        last_end = self._get_period_bounds(day)[1]
        interventions = self._get_prepaid_interventions(last_end)
        # contract users see the balance without access to the invoices
        blocks = self.sudo().prepaid_block_ids.filtered(lambda b: b.move_id.state != "cancel")
        precision = 6
        carried = 0.0
        date_from = self.date_start
        position = 0  # interventions are in date order: each period takes the next ones
        while date_from <= last_end:
            bounds = self._get_period_bounds(date_from)
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

    # Alerts

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
