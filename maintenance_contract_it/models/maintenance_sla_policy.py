from odoo import api, fields, models
from odoo.exceptions import ValidationError

HELPDESK_PRIORITIES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Very High"),
]

# Internal fields, that customers (portal users) must not read.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceSlaPolicy(models.Model):
    """Service levels promised by a contract: targets per priority, support hours, pauses
    and penalties."""

    _name = "maintenance.sla.policy"
    _description = "SLA Policy"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Html(translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Support Hours",
        required=True,
        check_company=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working hours during which the SLA clocks run. Public holidays are the "
        "calendar's leaves.",
    )
    line_ids = fields.One2many(
        "maintenance.sla.policy.line", "policy_id", string="Targets", copy=True
    )
    pause_stage_ids = fields.Many2many(
        "helpdesk.ticket.stage",
        string="Pause Stages",
        groups=USER_GROUP,
        help="While a ticket is in one of these stages (e.g. waiting for the customer), "
        "its SLA clocks are paused.",
    )
    penalty_per_hour = fields.Monetary(
        string="Penalty per Hour Late",
        currency_field="currency_id",
        help="Amount due to the customer for each working hour beyond a target.",
    )
    penalty_cap_percent = fields.Float(
        string="Penalty Cap (%)",
        help="Maximum penalty per billing period, as a percentage of the period's "
        "recurring fee. 0 means no cap.",
    )
    at_risk_percent = fields.Float(
        string="At Risk from (%)",
        default=80.0,
        groups=USER_GROUP,
        help="A target is at risk once this share of its allowed working time is used.",
    )
    notify_customer_on_breach = fields.Boolean(
        groups=USER_GROUP,
        help="Email the customer when a target of one of their tickets is breached.",
    )
    breach_email_template_id = fields.Many2one(
        "mail.template",
        string="Breach Email",
        groups=USER_GROUP,
        domain="[('model', '=', 'helpdesk.ticket')]",
        default=lambda self: self.env.ref(
            "maintenance_contract_it.mail_template_sla_breached", raise_if_not_found=False
        ),
    )

    contract_ids = fields.One2many(
        "maintenance.contract",
        "sla_policy_id",
        string="Contracts",
        groups=USER_GROUP,
        help="Contracts under this policy; their customers may read it on the portal.",
    )

    _sql_constraints = [
        (
            "penalty_positive",
            "CHECK(penalty_per_hour >= 0 AND penalty_cap_percent >= 0 "
            "AND penalty_cap_percent <= 100)",
            "Penalties must be positive and the cap at most 100%.",
        ),
        (
            "at_risk_percent_range",
            "CHECK(at_risk_percent > 0 AND at_risk_percent < 100)",
            "The at-risk share must be between 0 and 100% (excluded).",
        ),
    ]

    @api.constrains("line_ids")
    def _check_line_ids(self):
        for policy in self:
            priorities = policy.line_ids.mapped("priority")
            if len(priorities) != len(set(priorities)):
                raise ValidationError(
                    self.env._(
                        "The SLA policy %(policy)s has several targets for the same " "priority.",
                        policy=policy.name,
                    )
                )

    def _get_line(self, priority):
        """Return the target line of ``priority`` (a helpdesk priority key)."""
        self.ensure_one()
        return self.line_ids.filtered(lambda line: line.priority == priority)[:1]

    def _get_support_hours_summary(self):
        """The support hours as text lines, consecutive days with the same hours together:
        a list of ``(days, hours)``, e.g. ``("Monday – Friday", "09:00–13:00, 14:00–18:00")``,
        in the context's language."""
        self.ensure_one()
        attendance_model = self.env["resource.calendar.attendance"]
        day_names = dict(attendance_model._fields["dayofweek"]._description_selection(self.env))
        attendances = self.calendar_id.attendance_ids.filtered(
            lambda a: not a.display_type and a.day_period != "lunch" and a.week_type in (False, "0")
        )
        hours_by_day = {}
        for attendance in attendances.sorted(lambda a: (int(a.dayofweek), a.hour_from)):
            hours_by_day.setdefault(int(attendance.dayofweek), []).append(
                f"{self._format_hour(attendance.hour_from)}–{self._format_hour(attendance.hour_to)}"
            )
        groups = []  # [first day, last day, hours]
        for day in sorted(hours_by_day):
            hours = ", ".join(hours_by_day[day])
            if groups and groups[-1][1] == day - 1 and groups[-1][2] == hours:
                groups[-1][1] = day
            else:
                groups.append([day, day, hours])
        return [
            (
                day_names[str(first)]
                if first == last
                else f"{day_names[str(first)]} – {day_names[str(last)]}",
                hours,
            )
            for first, last, hours in groups
        ]

    @staticmethod
    def _format_hour(hour):
        """``9.5`` as ``09:30``."""
        minutes = round(hour * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
