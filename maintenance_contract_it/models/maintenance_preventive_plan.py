from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.dates import add_duration
from ..tools.jobs import run_batched

PLAN_UNITS = [("week", "Weeks"), ("month", "Months")]


class MaintenancePreventivePlan(models.Model):
    """Recurring preventive visits of a contract, for the whole contract or one equipment."""

    _name = "maintenance.preventive.plan"
    _description = "Preventive Maintenance Plan"
    _order = "contract_id, date_first, id"
    _check_company_auto = True

    _cron_batch_size = 100

    contract_id = fields.Many2one(
        "maintenance.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    commercial_partner_id = fields.Many2one(related="contract_id.commercial_partner_id")
    active = fields.Boolean(default=True)
    name = fields.Char(
        string="Visit Subject",
        required=True,
        default=lambda self: self.env._("Preventive visit"),
        translate=True,
    )
    equipment_id = fields.Many2one(
        "maintenance.contract.equipment",
        check_company=True,
        help="Leave empty for visits covering the whole contract.",
    )
    interval = fields.Integer(string="Every", default=1, required=True)
    interval_unit = fields.Selection(PLAN_UNITS, default="month", required=True)
    date_first = fields.Date(string="First Visit", required=True, default=fields.Date.context_today)
    visit_time = fields.Float(
        default=9.0, help="Start time of the visits, in the technician's time zone."
    )
    user_id = fields.Many2one(
        "res.users", string="Technician", domain="[('share', '=', False)]", check_company=True
    )
    duration = fields.Float(string="Estimated Duration (hours)", default=2.0)
    horizon_days = fields.Integer(
        string="Planning Horizon (days)",
        default=90,
        required=True,
        help="The visits of the coming days, up to this horizon, are planned in advance.",
    )
    intervention_ids = fields.One2many("maintenance.intervention", "plan_id", string="Visits")
    date_planned_until = fields.Date(
        string="Planned Until",
        readonly=True,
        copy=False,
        help="Last day of the horizon the visits were planned up to.",
    )

    @api.depends("name", "interval", "interval_unit", "equipment_id")
    def _compute_display_name(self):
        units = dict(self._fields["interval_unit"]._description_selection(self.env))
        for plan in self:
            label = self.env._(
                "%(name)s every %(interval)s %(unit)s",
                name=plan.name,
                interval=plan.interval,
                unit=(units.get(plan.interval_unit) or "").lower(),
            )
            if plan.equipment_id:
                label = f"{label} ({plan.equipment_id.display_name})"
            plan.display_name = label

    @api.constrains("interval", "duration", "horizon_days", "visit_time")
    def _check_values(self):
        for plan in self:
            if plan.interval <= 0:
                raise ValidationError(self.env._("The interval of a preventive plan is positive."))
            if plan.duration < 0 or plan.horizon_days <= 0:
                raise ValidationError(
                    self.env._(
                        "The estimated duration cannot be negative and the planning horizon "
                        "must be positive."
                    )
                )
            if not 0 <= plan.visit_time < 24:
                raise ValidationError(self.env._("The visit time must be within the day."))

    @api.constrains("equipment_id", "contract_id")
    def _check_equipment(self):
        for plan in self:
            if plan.equipment_id and plan.equipment_id not in plan.contract_id.equipment_ids:
                raise ValidationError(
                    self.env._(
                        "The equipment %(equipment)s is not covered by the contract "
                        "%(contract)s.",
                        equipment=plan.equipment_id.display_name,
                        contract=plan.contract_id.display_name,
                    )
                )

    @api.model
    def _cron_generate_interventions(self):
        """Plan the preventive visits due within each plan's horizon: batched, each plan
        locked (skipped when another worker has it) in its own savepoint, idempotent thanks
        to the UNIQUE(plan_id, plan_date) constraint."""
        plans = self.search(self._get_cron_domain())
        run_batched(plans, "_generate_interventions", batch_size=self._cron_batch_size)

    @api.model
    def _get_cron_domain(self):
        return [("contract_id.state", "=", "active")]

    def _generate_interventions(self, today=None):
        """Create the missing visits of the plan up to its horizon and return them.

        The plan's row is written each time (``date_planned_until``): a worker whose snapshot
        predates this run cannot lock it any more (see ``tools/jobs.py``) instead of planning
        again visits it cannot see."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        if self.contract_id.state != "active" or not self.active:
            return self.env["maintenance.intervention"]
        horizon = today + timedelta(days=self.horizon_days)
        existing = set(self.intervention_ids.mapped("plan_date"))
        dates = [day for day in self._get_occurrences(today, horizon) if day not in existing]
        visits = self.env["maintenance.intervention"].create(
            [self._prepare_intervention_values(day) for day in dates]
        )
        self.date_planned_until = horizon
        return visits

    def _get_occurrences(self, date_from, date_to):
        """Dates of the visits between ``date_from`` and ``date_to`` (included), within the
        contract's term. Each date is computed from the first one (31 Jan monthly gives
        28 Feb, 31 Mar...)."""
        self.ensure_one()
        start = max(date_from, self.contract_id.date_start)
        end = min(date_to, self.contract_id.date_end) if self.contract_id.date_end else date_to
        occurrences = []
        index = 0
        while True:
            if self.interval_unit == "week":
                day = add_duration(self.date_first, 7 * self.interval * index, "day")
            else:
                day = add_duration(self.date_first, self.interval * index, "month")
            if day > end:
                return occurrences
            if day >= start:
                occurrences.append(day)
            index += 1

    def _prepare_intervention_values(self, day):
        self.ensure_one()
        tz = pytz.timezone(self.user_id.tz or self.env.user.tz or "UTC")
        hours = int(self.visit_time)
        minutes = round((self.visit_time - hours) * 60)
        local_start = tz.localize(datetime.combine(day, time(hours, min(minutes, 59))))
        start = local_start.astimezone(pytz.utc).replace(tzinfo=None)
        return {
            "plan_id": self.id,
            "plan_date": day,
            "summary": self.name,
            "contract_id": self.contract_id.id,
            "company_id": self.company_id.id,
            "partner_id": self.contract_id.commercial_partner_id.id,
            "equipment_id": self.equipment_id.id,
            "kind": "preventive",
            "user_ids": [Command.set(self.user_id.ids)],
            "scheduled_start": start,
            "scheduled_end": start + timedelta(hours=self.duration),
        }
