from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools.dates import ONE_DAY
from ..tools.jobs import lock_for_user
from .maintenance_intervention import CONSUMED_STATES
from .maintenance_step_mixin import as_step, is_step

PERIOD_STATES = [
    ("to_invoice", "To invoice"),
    ("invoiced", "Invoiced"),
    ("cancelled", "Cancelled"),
]


class MaintenanceContractPeriod(models.Model):
    """One billing period of a contract: the unit of everything invoiced. Its amounts are
    frozen once it is invoiced, so that a later fee change never alters a past period."""

    _name = "maintenance.contract.period"
    _description = "Maintenance Contract Billing Period"
    _order = "date_start desc, id desc"
    _rec_name = "date_start"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="contract_id.currency_id", store=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True, index=True)
    date_start = fields.Date(string="First Day", required=True, readonly=True)
    date_end = fields.Date(string="Last Day", required=True, readonly=True)
    invoice_date = fields.Date(required=True, index=True, readonly=True)
    state = fields.Selection(
        PERIOD_STATES,
        default="to_invoice",
        required=True,
        readonly=True,
        index=True,
        copy=False,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    credit_move_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="account.group_account_invoice,account.group_account_readonly",
        help="Credit note of the days not used when the contract ended during a period "
        "already invoiced, or of the service credits of the period.",
    )
    amount_fee = fields.Monetary(string="Fees", readonly=True)
    amount_fee_full = fields.Monetary(
        string="Fees of the Full Period",
        readonly=True,
        help="The fees of the whole period before prorating, frozen with the fees: the "
        "recurring revenue of the period.",
    )
    amount_extra = fields.Monetary(string="Extra Services", readonly=True)
    amount_overage = fields.Monetary(string="Overage", readonly=True)
    amount_sla_credit = fields.Monetary(string="SLA Credit", readonly=True)
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_total", store=True)
    unit_snapshot = fields.Json(
        string="Units Billed",
        readonly=True,
        copy=False,
        help="The units of the fee lines billed per unit (covered equipment and their days, "
        "usage counts), frozen when the period is invoiced.",
    )
    units_changed = fields.Boolean(
        string="Coverage Changed Since Invoiced",
        readonly=True,
        copy=False,
        index=True,
        help="The covered equipment of the period was changed after its invoice: the next "
        "invoice of the contract adjusts it.",
    )
    usage_ids = fields.One2many(
        "maintenance.contract.usage",
        "period_id",
        string="Usage Counts",
        help="The usage counts of the fee lines billed per usage count of the period, "
        "entered before it is invoiced (frozen afterwards).",
    )
    usage_missing_line_ids = fields.Many2many(
        "maintenance.contract.line",
        string="Usage Counts Missing",
        compute="_compute_usage_missing_line_ids",
        help="The fee lines billed per usage count of the period whose count is not entered "
        "yet: the period waits for them.",
    )
    unit_summary = fields.Text(string="Units", compute="_compute_unit_summary")
    has_usage_fee = fields.Boolean(compute="_compute_unit_summary")
    prorata = fields.Float(
        string="Share Billed",
        default=1.0,
        readonly=True,
        help="Share of the full period billed, counted in days: 1 for a full period.",
    )

    _sql_constraints = [
        (
            "contract_date_start_unique",
            "UNIQUE(contract_id, date_start)",
            "A contract has only one billing period starting on a given day.",
        ),
        (
            "dates_order",
            "CHECK(date_end >= date_start)",
            "A billing period cannot end before it starts.",
        ),
        (
            "invoiced_has_move",
            "CHECK(state != 'invoiced' OR move_id IS NOT NULL)",
            "An invoiced billing period has its invoice.",
        ),
    ]

    @api.depends("amount_fee", "amount_extra", "amount_overage", "amount_sla_credit")
    def _compute_amount_total(self):
        for period in self:
            period.amount_total = (
                period.amount_fee
                + period.amount_extra
                + period.amount_overage
                - period.amount_sla_credit
            )

    @api.depends("unit_snapshot", "state", "date_start", "date_end")
    def _compute_unit_summary(self):
        for period in self:
            contract = period.contract_id
            rows = []
            for fee in period._get_fee_lines_in_force() if contract else []:
                if fee["quantity_mode"] == "fixed":
                    continue
                units = contract._get_period_units(fee, period)
                rows.append(f"{fee['name']}: {contract._get_units_label(fee, units)}")
            period.unit_summary = "\n".join(rows) or False
            period.has_usage_fee = any(
                line.quantity_mode == "usage" for line in contract.sudo().line_ids
            )

    @api.depends("usage_ids.count", "usage_ids.line_id", "state", "date_start", "date_end")
    def _compute_usage_missing_line_ids(self):
        Line = self.env["maintenance.contract.line"]
        for period in self:
            period.usage_missing_line_ids = Line.browse(
                period._get_usage_missing_fee_ids() if period.state == "to_invoice" else []
            )

    def _get_usage_missing_fee_ids(self):
        """Ids of the fee lines billed per usage count in force in the period whose count
        is not entered yet (the period waits for them)."""
        self.ensure_one()
        contract = self.contract_id
        if not any(line.quantity_mode == "usage" for line in contract.sudo().line_ids):
            return []
        return [
            fee["id"]
            for fee in self._get_fee_lines_in_force()
            if fee.get("quantity_mode") == "usage"
            and contract._get_usage_quantity(self.date_start, self.date_end, fee, period=self)
            is None
        ]

    @api.depends("contract_id", "date_start", "date_end")
    def _compute_display_name(self):
        for period in self:
            period.display_name = self.env._(
                "%(contract)s: %(start)s to %(end)s",
                contract=period.contract_id.name,
                start=format_date(self.env, period.date_start),
                end=format_date(self.env, period.date_end),
            )

    # Made, frozen and freed by the billing code only

    def _check_billing_step(self, operation):
        """Billing periods are created, changed and deleted by the contract's billing only
        (its steps, or the superuser in its jobs): whatever their accounting rights, users
        neither make a period by hand, nor put an invoiced one back to invoice, nor rewrite
        its frozen amounts."""
        if self.env.su or is_step(self.env):
            return
        self.check_access(operation)
        raise UserError(
            self.env._(
                "Billing periods are made, invoiced and credited by the contract's invoicing "
                "only: they cannot be created, changed or deleted by hand."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_billing_step("create")
        periods = super().create(vals_list)
        # the counts entered before their period was made are its counts
        usages = (
            self.env["maintenance.contract.usage"]
            .sudo()
            .search([("contract_id", "in", periods.contract_id.ids), ("period_id", "=", False)])
        )
        if usages:
            self.env.add_to_compute(usages._fields["period_id"], usages)
        return periods

    def write(self, vals):
        # the usage counts of the period are entered on its form by the invoicing users
        # (their own rights and rules, frozen once invoiced: see the usage count)
        if set(vals) != {"usage_ids"}:
            self._check_billing_step("write")
        return super().write(vals)

    def unlink(self):
        self._check_billing_step("unlink")
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        if any(period.state == "invoiced" for period in self):
            raise UserError(self.env._("An invoiced billing period cannot be deleted."))

    def action_invoice(self):
        """Invoice the selected periods now (list "To invoice")."""
        periods = self.filtered(lambda p: p.state == "to_invoice")
        self.env["maintenance.contract"]._billing_check_invoice_access()
        # the invoicing job or another user may be invoicing them (see the contract's
        # action_invoice_now)
        lock_for_user(periods.contract_id)
        periods = periods.filtered(lambda p: p.state == "to_invoice")
        moves = periods.contract_id._invoice_periods(periods)
        return periods.contract_id._billing_action_view_moves(moves)

    @api.model
    def _action_to_invoice(self):
        """List "To invoice": the periods due today, made first for every contract billed."""
        self.env["maintenance.contract"]._billing_check_invoice_access()
        today = fields.Date.context_today(self)
        Contract = self.env["maintenance.contract"]
        contracts = Contract.search(Contract._billing_due_domain(today))
        contracts._generate_periods(today)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_period_action_due"
        )

    def action_view_usage(self):
        """The usage counts of the period, to enter before it is invoiced."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_usage_action"
        )
        lines = self.contract_id.line_ids.filtered(lambda line: line.quantity_mode == "usage")
        action["domain"] = [
            ("contract_id", "=", self.contract_id.id),
            ("date", "<=", self.date_end),
            ("date_end", ">=", self.date_start),
        ]
        action["context"] = {
            "default_date": fields.Date.to_string(self.date_start),
            "default_line_id": lines.id if len(lines) == 1 else False,
        }
        return action

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # Amounts

    def _compute_fee_amount(self):
        """Forecast the fees of the periods (before they are invoiced) from the contract's fee
        lines in force on their first day, prorated, and the fees of their full period
        (recurring revenue): the same lines as their invoice will carry, whose sums are
        frozen when it is made (:meth:`_get_frozen_amounts`): an invoiced period keeps
        them."""
        for period in self.filtered(lambda p: p.state != "invoiced"):
            fees = period._get_fee_lines_in_force()
            amounts = period._get_frozen_amounts(period._prepare_fee_line_values(fees), fees)
            as_step(period).write({key: amounts[key] for key in ("amount_fee", "amount_fee_full")})

    def _get_extras_hints(self):
        """What the extras of the periods need to know, read for all of them at once (the
        invoicing job prepares a batch of invoices): the contracts that have billable work
        not invoiced yet, and the periods whose SLA credit an invoice line already carries.
        :meth:`_compute_extra_amounts` and :meth:`_prepare_invoice_line_values` skip the
        searches of the others; and the contracts with an SLA breach in the service
        periods they credit."""
        contracts = self.contract_id
        not_invoiced = [
            "|",
            ("invoice_line_id", "=", False),
            ("invoice_line_id.parent_state", "=", "cancel"),
        ]
        work = set()
        if contracts:
            Intervention = self.env["maintenance.intervention"].sudo()
            consumed = [
                ("contract_id", "in", contracts.ids),
                ("state", "in", CONSUMED_STATES),
                ("coverage", "=", "billable"),
            ]
            work.update(
                contract.id
                for (contract,) in Intervention._read_group(
                    [*consumed, *not_invoiced], ["contract_id"]
                )
            )
            work.update(
                intervention.contract_id.id
                for (intervention,) in self.env["maintenance.intervention.part"]
                .sudo()
                ._read_group(
                    [
                        *not_invoiced,
                        ("intervention_id", "any", consumed),
                    ],
                    ["intervention_id"],
                )
            )
        credited = {
            period.id
            for (period,) in self.env["account.move.line"]._read_group(
                [
                    ("maintenance_period_id", "in", self.ids),
                    ("maintenance_line_kind", "=", "sla_credit"),
                ],
                ["maintenance_period_id"],
            )
        }
        # the contracts with a breach in the service periods the invoices credit, from the
        # earliest: the others credit nothing, without a search each
        starts = [
            contract._sla_period_bounds(*service)[0]
            for period in self
            for contract in period.contract_id.filtered("sla_policy_id")
            for service in [contract._get_billed_service_period(period)]
            if service
        ]
        breached = contracts._get_breached_contract_ids(min(starts)) if starts else set()
        return {"work": work, "credited": credited, "breached": breached}

    def _compute_extra_amounts(self, hints=None):
        """Forecast amount_extra, amount_overage and amount_sla_credit (extras) from the
        lines the period's invoice would carry today. The SLA credit is frozen once an
        invoice carried it: it is never recomputed afterwards. ``hints``: of
        :meth:`_get_extras_hints` (read here when not given)."""
        hints = self._get_extras_hints() if hints is None else hints
        for period in self:
            lines = period._prepare_extras_line_values(hints)
            amounts = period._get_frozen_amounts(lines)
            del amounts["amount_fee"], amounts["amount_fee_full"]
            as_step(period).write(amounts)

    def _get_frozen_amounts(self, line_values, fees=None):
        """The amounts of the period frozen with its invoice: the sums of the subtotals of
        its invoice lines ``line_values`` by kind (``maintenance_line_kind``; the SLA credit
        as a positive amount), and the fees of the full period from ``fees`` (dicts of
        :meth:`_get_fee_snapshot`) before prorating."""
        self.ensure_one()
        currency = self.currency_id
        sums = defaultdict(float)
        for values in line_values:
            sums[values.get("maintenance_line_kind")] += currency.round(
                values["quantity"] * values["price_unit"]
            )
        contract = self.contract_id
        return {
            "amount_fee": currency.round(sums["fee"]),
            "amount_fee_full": currency.round(
                sum(contract._get_fee_quantity(fee, self) * fee["price_unit"] for fee in fees or [])
            ),
            "amount_extra": currency.round(sums["extra"]),
            "amount_overage": currency.round(sums["overage"]),
            "amount_sla_credit": -currency.round(sums["sla_credit"]),
        }

    # Invoice lines

    def _get_line_label(self, description):
        """Label of an invoice line of the period, dates in the customer's language."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        # the periods of a batch share their dates: formatted once per transaction (Odoo's
        # transaction cache, as ir.fields does), not twice per invoice line
        key = ("maintenance.contract.period dates", lang, self.date_start, self.date_end)
        cache = self.env.cr.cache
        if key not in cache:
            cache[key] = self.with_context(lang=lang).env._(
                "%(start)s to %(end)s",
                start=format_date(self.env, self.date_start, lang_code=lang),
                end=format_date(self.env, self.date_end, lang_code=lang),
            )
        return f"{description} – {cache[key]}"

    def _prepare_invoice_line_values(self, hints=None, fees=None):
        """Values of the invoice lines of the period (``account.move.line``), each with
        ``maintenance_period_id`` and ``maintenance_line_kind``: fees, extra work, overage,
        service credits, built once per invoice. ``hints``: of :meth:`_get_extras_hints`,
        when the caller read them for several periods; ``fees``: of
        :meth:`_get_fee_lines_in_force`, when the caller read them."""
        self.ensure_one()
        return self._prepare_fee_line_values(fees) + self._prepare_extras_line_values(hints)

    def _prepare_extras_line_values(self, hints=None):
        """Values of the invoice lines of the extras of the period: extra work, overage,
        service credits."""
        self.ensure_one()
        if hints is None:
            hints = self._get_extras_hints()
        return (
            self._prepare_extra_line_values(hints)
            + self._prepare_overage_line_values()
            + self._prepare_sla_credit_line_values(hints)
        )

    @api.model
    def _get_fee_snapshot(self, line):
        """What a period invoices of the fee line ``line`` (``maintenance.contract.line``),
        as a dict that JSON keeps: also the record of a line before an amendment changes it."""
        return {
            "id": line.id,
            "sequence": line.sequence,
            "product_id": line.product_id.id,
            "name": line.name,
            "quantity": line.quantity,
            "price_unit": line.price_unit,
            "tax_ids": line.tax_ids.ids,
            "is_prepaid_hours": line.is_prepaid_hours,
            "quantity_mode": line.quantity_mode,
            "equipment_categories": line.equipment_category_ids.mapped("code"),
            "min_quantity": line.min_quantity,
            "uom_id": line.uom_id.id,
            "unit_label": line.unit_label,
        }

    def _get_fee_lines_in_force(self):
        """The contract's recurring fee lines as they were on the period's first day (a fee
        change applies from the first period starting on or after its effective date), as
        dicts of :meth:`_get_fee_snapshot`, in their order.

        From the current lines, the changes effective after that day are undone, the latest
        first: the price revisions (their prices before) and the applied amendments that
        recorded the lines before them (a line added is left out, a line updated or removed
        is as it was). An amendment applied before this record existed cannot be undone:
        its change counts from the start."""
        self.ensure_one()
        contract = self.contract_id
        day = self.date_start
        fees = {
            line.id: self._get_fee_snapshot(line) for line in contract._get_recurring_fee_lines()
        }
        changes = [
            (revision.revision_date, 0, revision.id, revision)
            for revision in contract.sudo().revision_ids
            if revision.revision_date > day
        ] + [
            (amendment.date_effective, 1, amendment.id, amendment)
            for amendment in contract.sudo().amendment_ids
            if amendment.state == "applied" and amendment.date_effective > day
        ]
        for __, kind, __, change in sorted(changes, key=lambda c: c[:3], reverse=True):
            if kind == 0:
                for line in change.line_ids:
                    fee = fees.get(line.contract_line_id.id)
                    if fee:
                        fee["price_unit"] = line.price_before
                continue
            for line in reversed(change.line_ids):
                before = line.fee_line_before
                if not before:
                    continue
                if line.operation == "add":
                    fees.pop(before["id"], None)
                elif line.operation == "update" and before["id"] not in fees:
                    continue
                else:
                    fees[before["id"]] = dict(before)
        if contract.prepaid_hours_mode == "block":
            fees = {key: fee for key, fee in fees.items() if not fee["is_prepaid_hours"]}
        return sorted(fees.values(), key=lambda fee: (fee["sequence"], fee["id"]))

    def _prepare_fee_line_values(self, fees=None):
        """One line per fee line in force on the period's first day (``fees``, default
        :meth:`_get_fee_lines_in_force`), prorated by days: the contract's fee mapper
        (:meth:`maintenance.contract._prepare_fee_invoice_line_values`)."""
        self.ensure_one()
        if fees is None:
            fees = self._get_fee_lines_in_force()
        contract = self.contract_id
        lang = self.partner_id.lang or self.env.lang
        lines = []
        for fee in fees:
            lines.append(contract._prepare_fee_invoice_line_values(fee, period=self, lang=lang))
            if fee.get("quantity_mode", "fixed") == "equipment":
                for adjustment in self._get_unit_adjustments_of(
                    contract._get_period_units(fee, self)
                ):
                    lines.append(
                        contract._prepare_unit_adjustment_values(fee, self, adjustment, lang)
                    )
        return lines

    # Fees billed per unit

    def _get_unit_snapshot(self, fees, hints=None):
        """The units of the fees billed per unit of ``fees`` (snapshots), counted now, to
        freeze with the period's invoice: {fee line id: units}, False when none.
        ``hints``: of :meth:`_get_unit_hints`, when the caller read them for a batch of
        periods."""
        self.ensure_one()
        contract = self.contract_id
        snapshot = {
            str(fee["id"]): contract._get_fee_units(
                fee, self.date_start, self.date_end, period=self, hints=hints
            )
            for fee in fees
            if fee.get("quantity_mode", "fixed") != "fixed"
        }
        return snapshot or False

    @api.model
    def _get_unit_adjustments_of(self, units):
        """The adjustments of periods invoiced before carried by the units ``units`` of a
        period (a list; one ``adjustment`` in the units frozen before there could be
        several)."""
        adjustments = list(units.get("adjustments") or [])
        if units.get("adjustment"):
            adjustments.append(units["adjustment"])
        return adjustments

    def _get_periods_to_adjust(self):
        """The periods invoiced before this one whose units its invoice adjusts: the
        previous period when the contract bills in advance (billed with the equipment
        covered on its first day), and those whose coverage was changed after their
        invoice (``units_changed``), oldest first."""
        self.ensure_one()
        return self._map_periods_to_adjust()[self.id]

    def _get_unit_hints(self):
        """What the invoices of the periods ``self`` (a batch) need to adjust the units of
        their fees billed per covered equipment, read for all of them at once:
        ``to_adjust`` ({period id: the periods its invoice adjusts}, see
        :meth:`_map_periods_to_adjust`) and ``billed`` (what former adjustments billed for
        those, see :meth:`_get_units_billed_by_adjustments`). :meth:`_on_units_adjusted`
        keeps them right while the batch is invoiced."""
        to_adjust = self._map_periods_to_adjust()
        adjusted = self.browse().union(*to_adjust.values())
        return {"to_adjust": to_adjust, "billed": adjusted._get_units_billed_by_adjustments()}

    def _map_periods_to_adjust(self):
        """{period id: the periods its invoice adjusts (see :meth:`_get_periods_to_adjust`)}
        of the periods ``self``, found with one search for all (the invoicing job reads it
        once per batch)."""
        result = {period.id: self.browse() for period in self}
        if not self:
            return result
        previous_ends = {
            period.date_start - ONE_DAY for period in self if period.contract_id.billing_in_advance
        }
        candidates = self.sudo().search(
            [
                ("contract_id", "in", self.contract_id.ids),
                ("state", "=", "invoiced"),
                ("unit_snapshot", "!=", False),
                ("date_start", "<", max(self.mapped("date_start"))),
                "|",
                ("units_changed", "=", True),
                ("date_end", "in", sorted(previous_ends)),
            ],
            order="date_start, id",
        )
        by_contract = defaultdict(list)
        for candidate in candidates:
            by_contract[candidate.contract_id.id].append(candidate)
        for period in self:
            in_advance = period.contract_id.billing_in_advance
            result[period.id] = self.browse(
                [
                    candidate.id
                    for candidate in by_contract[period.contract_id.id]
                    if candidate.date_start < period.date_start
                    and (
                        candidate.units_changed
                        or (in_advance and candidate.date_end == period.date_start - ONE_DAY)
                    )
                ]
            ).sudo()
        return result

    def _get_units_billed_by_adjustments(self, exclude=None):
        """The units billed last for the periods ``self`` by the adjustments other invoices
        made (recorded in their units, see :meth:`_get_unit_adjustments_of`), read with one
        query: {(period id, fee line id as a string): adjustment}, the latest one of each.
        ``exclude``: the period being invoiced (its own units are being counted)."""
        if not self:
            return {}
        self.flush_model(["contract_id", "state", "date_start", "unit_snapshot"])
        self.env.cr.execute(
            """
            SELECT f.key, a.value
              FROM maintenance_contract_period p
             CROSS JOIN LATERAL jsonb_each(p.unit_snapshot) f
             CROSS JOIN LATERAL jsonb_array_elements(
                    CASE WHEN jsonb_typeof(f.value -> 'adjustments') = 'array'
                         THEN f.value -> 'adjustments' ELSE '[]'::jsonb END
                    || CASE WHEN jsonb_typeof(f.value -> 'adjustment') = 'object'
                         THEN jsonb_build_array(f.value -> 'adjustment') ELSE '[]'::jsonb END
                  ) a
             WHERE p.contract_id = ANY(%s)
               AND p.state = 'invoiced'
               AND p.id != %s
               AND p.date_start > %s
               AND jsonb_typeof(p.unit_snapshot) = 'object'
               AND jsonb_typeof(f.value) = 'object'
               AND (a.value ->> 'period')::int = ANY(%s)
             ORDER BY p.date_start, p.id
            """,
            [
                self.contract_id.ids,
                exclude.id if exclude else 0,
                min(self.mapped("date_start")),
                self.ids,
            ],
        )
        billed = {}
        for fee_key, adjustment in self.env.cr.fetchall():
            period = self.browse(adjustment["period"])
            if "units" not in adjustment:
                # an adjustment recorded before the units were: its period's units changed
                base = billed.get((period.id, fee_key)) or (period.unit_snapshot or {}).get(
                    fee_key, {}
                )
                days = dict(map(tuple, base.get("units") or []))
                for equipment_id, change in adjustment.get("changes", []):
                    days[equipment_id] = days.get(equipment_id, 0) + change
                adjustment = dict(
                    adjustment, units=[[key, value] for key, value in days.items() if value > 0]
                )
            billed[(period.id, fee_key)] = adjustment
        return billed

    def _on_units_adjusted(self, hints=None):
        """Hook when the units of the periods are frozen for their invoice (with their
        adjustments, see :meth:`_get_periods_to_adjust`): the periods they looked at are up
        to date (a coverage change after now flags them again)."""
        periods = self.browse()
        for period in self:
            if any(
                isinstance(units, dict) and units.get("mode") == "equipment"
                for units in (period.unit_snapshot or {}).values()
            ):
                adjusted = (
                    hints["to_adjust"][period.id]
                    if hints is not None and period.id in hints["to_adjust"]
                    else period._get_periods_to_adjust()
                )
                periods |= adjusted.filtered("units_changed")
        if periods:
            as_step(periods).write({"units_changed": False})
            if hints is not None:
                # the other periods of the batch do not adjust them again (never the period
                # just before one of them: that one is invoiced in the batch)
                for key, adjusted in hints["to_adjust"].items():
                    if key not in self.ids:
                        hints["to_adjust"][key] = adjusted - periods

    def _get_waiting_usage(self):
        """The periods that wait for a usage count of one of their fee lines billed per
        usage count."""
        return self.filtered(lambda period: period._get_usage_missing_fee_ids())

    def _usage_missing_message(self):
        return self.env._(
            "The usage count of %(periods)s is missing: enter it (on the billing period, or "
            "Invoicing > Usage Counts) and invoice again.",
            periods=", ".join(self.mapped("display_name")),
        )

    def _notify_usage_missing(self):
        """Ask the account manager of each contract for the usage counts missing, once per
        period (the contract's reminder log)."""
        for period in self:
            period.contract_id._schedule_reminder(
                "maintenance_contract_it.mail_activity_type_usage_missing",
                period.date_start,
                summary=self.env._("Enter the usage count"),
                note=period._usage_missing_message(),
            )

    def _prepare_extra_line_values(self, hints=None):
        """Lines of the billable interventions and their parts (extras): one per
        intervention, its time rounded as the contract says at its hourly rate, one per
        part; none when the contract invoices extra work monthly on its own invoice."""
        self.ensure_one()
        contract = self.contract_id
        if contract.extra_invoicing != "next_invoice":
            return []
        if hints is not None and contract.id not in hints["work"]:
            return []
        date_from, date_to = contract._get_extra_work_bounds(self)
        return [
            dict(values, maintenance_period_id=self.id)
            for _record, values in contract._prepare_extra_work_line_values(date_to, date_from)
        ]

    def _prepare_overage_line_values(self):
        """Line of the hours beyond the prepaid balance (extras), of the last service period
        over when this period is invoiced."""
        self.ensure_one()
        contract = self.contract_id
        service = contract._get_billed_service_period(self)
        if not service:
            return []
        return [
            dict(values, maintenance_period_id=self.id)
            for values in contract._prepare_overage_line_values(*service)
        ]

    def _prepare_sla_credit_line_values(self, hints=None):
        """Negative line of the SLA service credit (extras), of the last service period over
        when this period is invoiced, with the breached tickets in its label. Once an invoice
        carried it, the credit stays the amount frozen then."""
        self.ensure_one()
        contract = self.contract_id
        service = contract._get_billed_service_period(self)
        if not service:
            return []
        if hints is None:
            hints = self._get_extras_hints()
        if self.id not in hints["credited"] and contract.id not in hints["breached"]:
            return []
        penalties = contract._get_sla_penalties(*service)
        amount = self.amount_sla_credit if self.id in hints["credited"] else penalties["amount"]
        if self.currency_id.is_zero(amount):
            return []
        return [contract._prepare_sla_credit_values(self, *service, amount, penalties=penalties)]

    # Invoice lifecycle

    def _on_invoice_created(self, move):
        """Hook after the invoice ``move`` of the periods exists: the interventions and
        parts it invoices are linked to their own lines."""
        as_step(self).write({"state": "invoiced", "move_id": move.id})
        self.env["maintenance.contract"]._link_invoiced_records(move.invoice_line_ids)

    def _on_invoice_cancelled(self):
        """Hook when the invoice of the periods is cancelled or deleted: they are to invoice
        again, and the interventions and parts it invoiced are free again."""
        moves = self.sudo().move_id
        # the periods their invoice adjusted are to adjust again
        adjusted = {
            adjustment["period"]
            for period in self
            for units in (period.unit_snapshot or {}).values()
            if isinstance(units, dict)
            for adjustment in self._get_unit_adjustments_of(units)
        }
        if adjusted:
            as_step(self.browse(sorted(adjusted)).sudo().exists()).write({"units_changed": True})
        self.env["maintenance.intervention"].sudo()._unlink_invoice_lines(moves)
        self.env["maintenance.intervention.part"].sudo()._unlink_invoice_lines(moves)
        as_step(self.filtered(lambda p: p.state == "invoiced")).write(
            {"state": "to_invoice", "move_id": False, "unit_snapshot": False}
        )
