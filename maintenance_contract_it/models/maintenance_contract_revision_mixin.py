from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, format_date

from ..tools.jobs import lock_for_user, run_batched
from ..tools.revision import revised_price, revision_coefficient
from .maintenance_step_mixin import as_step

# Fields that customers (portal users) must not read are restricted to this group.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceContractRevisionMixin(models.AbstractModel):
    """Amendments and index price revision of a contract."""

    _name = "maintenance.contract.revision.mixin"
    _description = "Contract Amendments and Price Revision"

    # Amendments
    amendment_ids = fields.One2many(
        "maintenance.contract.amendment", "contract_id", string="Amendments"
    )
    amendment_count = fields.Integer(compute="_compute_amendment_count")

    # Price revision
    revision_enabled = fields.Boolean(
        string="Price Revision",
        tracking=True,
        help="Revise the recurring fees every year with a price index.",
    )
    revision_index_id = fields.Many2one(
        "maintenance.price.index", string="Index", tracking=True, check_company=True
    )
    revision_reference_month = fields.Date(
        string="Reference Month",
        tracking=True,
        help="Month of the index value S0 the current prices are based on.",
    )
    revision_reference_value = fields.Float(
        string="Reference Value (S0)",
        digits=(12, 4),
        compute="_compute_revision_reference_value",
        store=True,
        readonly=False,
        tracking=True,
    )
    revision_next_date = fields.Date(
        string="Next Revision Date",
        compute="_compute_revision_next_date",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        help="By default the anniversary of the start date.",
    )
    revision_fixed_part = fields.Float(
        string="Fixed Part (a)",
        digits=(3, 4),
        default=0.0,
        help="Share of the price that is not indexed: P1 = P0 × (a + b × S1/S0).",
    )
    revision_variable_part = fields.Float(
        string="Indexed Part (b)",
        digits=(3, 4),
        compute="_compute_revision_variable_part",
        store=True,
        readonly=False,
    )
    revision_use_floor = fields.Boolean(string="Floor on the Variation")
    revision_floor_percent = fields.Float(
        string="Floor (%)", help="Lowest variation of the prices, e.g. 0 for no decrease."
    )
    revision_use_cap = fields.Boolean(string="Cap on the Variation")
    revision_cap_percent = fields.Float(string="Cap (%)", help="Highest variation of the prices.")
    revision_ids = fields.One2many(
        "maintenance.contract.revision", "contract_id", string="Price Revisions"
    )
    revision_count = fields.Integer(compute="_compute_revision_count")

    @api.depends("amendment_ids")
    def _compute_amendment_count(self):
        for contract in self:
            contract.amendment_count = len(contract.amendment_ids)

    @api.depends("revision_index_id", "revision_reference_month")
    def _compute_revision_reference_value(self):
        for contract in self:
            if contract.revision_index_id and contract.revision_reference_month:
                value = contract.revision_index_id._get_value_of_month(
                    contract.revision_reference_month
                )
                contract.revision_reference_value = value.value
            else:
                contract.revision_reference_value = 0.0

    @api.depends("revision_enabled", "date_start")
    def _compute_revision_next_date(self):
        """The next anniversary of the start date (never one already past)."""
        today = fields.Date.context_today(self)
        for contract in self:
            if not (contract.revision_enabled and contract.date_start):
                contract.revision_next_date = False
                continue
            years = 1
            while contract.date_start + relativedelta(years=years) < today:
                years += 1
            contract.revision_next_date = contract.date_start + relativedelta(years=years)

    @api.depends("revision_fixed_part")
    def _compute_revision_variable_part(self):
        for contract in self:
            contract.revision_variable_part = 1.0 - contract.revision_fixed_part

    @api.depends("revision_ids")
    def _compute_revision_count(self):
        for contract in self:
            contract.revision_count = len(contract.revision_ids)

    @api.constrains("revision_fixed_part", "revision_variable_part")
    def _check_revision_parts(self):
        for contract in self:
            a, b = contract.revision_fixed_part, contract.revision_variable_part
            if a < 0 or b < 0 or float_compare(a + b, 1.0, precision_digits=4):
                raise ValidationError(
                    self.env._(
                        "The fixed part (a) and the indexed part (b) of the revision formula "
                        "of %(contract)s must be positive and add up to 1.",
                        contract=contract.name,
                    )
                )

    @api.constrains("revision_reference_value")
    def _check_revision_reference_value(self):
        for contract in self:
            if contract.revision_reference_value < 0:
                raise ValidationError(
                    self.env._(
                        "The reference index value (S0) of %(contract)s must be positive.",
                        contract=contract.name,
                    )
                )

    @api.constrains("revision_use_floor", "revision_floor_percent", "revision_use_cap")
    def _check_revision_bounds(self):
        for contract in self:
            if (
                contract.revision_use_floor
                and contract.revision_use_cap
                and contract.revision_floor_percent > contract.revision_cap_percent
            ):
                raise ValidationError(
                    self.env._("The floor of the price variation cannot exceed its cap.")
                )

    @api.constrains("revision_enabled", "revision_index_id", "revision_reference_month")
    def _check_revision_terms(self):
        for contract in self.filtered("revision_enabled"):
            if not contract.revision_index_id or not contract.revision_reference_month:
                raise ValidationError(
                    self.env._(
                        "Choose the index and the reference month of the price revision of "
                        "%(contract)s.",
                        contract=contract.name,
                    )
                )

    @api.onchange("revision_reference_month")
    def _onchange_revision_reference_month(self):
        if self.revision_reference_month and self.revision_reference_month.day != 1:
            self.revision_reference_month = self.revision_reference_month.replace(day=1)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_revision_month(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_revision_month(vals)
        return super().write(vals)

    @api.model
    def _normalize_revision_month(self, vals):
        if vals.get("revision_reference_month"):
            month = fields.Date.to_date(vals["revision_reference_month"])
            vals["revision_reference_month"] = month.replace(day=1)

    def action_view_amendments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_amendment_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

    def action_view_revisions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_contract_revision_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        return action

    def action_open_revision_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Revise Prices"),
            "res_model": "maintenance.contract.revision.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_send_revision_notice(self):
        """Open the mail composer with the revision notice of the last revision; sending it
        marks that revision's notice as sent (see ``mail.compose.message``)."""
        self.ensure_one()
        if not self.revision_ids:
            raise UserError(
                self.env._("The contract %(contract)s has no revision yet.", contract=self.name)
            )
        template = self.env.ref("maintenance_contract_it.mail_template_revision_notice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_maintenance_revision_id": self.revision_ids[:1].id,
            },
        }

    # Price revision -------------------------------------------------------------------------

    def _get_revision_bounds(self):
        """(floor, cap) of the variation in percent, None when not set."""
        self.ensure_one()
        floor = self.revision_floor_percent if self.revision_use_floor else None
        cap = self.revision_cap_percent if self.revision_use_cap else None
        return floor, cap

    def _prepare_revision(self, revision_date=None):
        """Compute the revision due on ``revision_date`` (default: the next revision date)
        without changing anything.

        :return: a dict of the log values with ``line_vals`` (the new price of every fee line),
            or ``None`` when the needed index value is not published yet.
        """
        self.ensure_one()
        revision_date = revision_date or self.revision_next_date
        if not (self.revision_enabled and revision_date):
            raise UserError(
                self.env._(
                    "The contract %(contract)s has no price revision to compute.",
                    contract=self.name,
                )
            )
        if not self.revision_reference_value:
            raise UserError(
                self.env._(
                    "Enter the reference index value (S0) of the contract %(contract)s.",
                    contract=self.name,
                )
            )
        new_value = self.revision_index_id._get_revision_value(
            revision_date, self.revision_reference_month, fields.Date.context_today(self)
        )
        if not new_value:
            return None
        floor, cap = self._get_revision_bounds()
        coefficient = revision_coefficient(
            self.revision_reference_value,
            new_value.value,
            fixed_part=self.revision_fixed_part,
            floor=floor,
            cap=cap,
        )
        digits = self.env["decimal.precision"].precision_get("Product Price")
        line_vals = []
        for line in self.line_ids:
            price_after = revised_price(line.price_unit, coefficient, digits)
            line_vals.append(
                {
                    "contract_line_id": line.id,
                    "name": line.name,
                    # a line billed per unit: its quantity of today, as its subtotal
                    "quantity": line.billed_quantity,
                    "price_before": line.price_unit,
                    "price_after": price_after,
                    "subtotal_before": line.price_subtotal,
                    "subtotal_after": self.currency_id.round(line.billed_quantity * price_after),
                }
            )
        return {
            "contract_id": self.id,
            "revision_date": revision_date,
            "index_id": self.revision_index_id.id,
            "reference_month": self.revision_reference_month,
            "reference_value": self.revision_reference_value,
            "new_month": new_value.month,
            "new_value": new_value.value,
            "fixed_part": self.revision_fixed_part,
            "coefficient": coefficient,
            "amount_before": sum(v["subtotal_before"] for v in line_vals),
            "amount_after": sum(v["subtotal_after"] for v in line_vals),
            "line_vals": line_vals,
        }

    def _apply_revision(self, revision_date=None):
        """Revise the fee lines as of ``revision_date`` (default: the next revision date).

        Idempotent: a contract is revised once per revision date (unique log).

        :return: the revision log, or an empty recordset when the index value is missing
            or the contract was already revised on that date.
        """
        self.ensure_one()
        lock_for_user(self)
        revision_date = revision_date or self.revision_next_date
        log_model = self.env["maintenance.contract.revision"].sudo()
        if log_model.search_count(
            [("contract_id", "=", self.id), ("revision_date", "=", revision_date)]
        ):
            return log_model.browse()
        if self.state != "active":
            raise UserError(
                self.env._(
                    "Only the prices of an active contract can be revised (%(contract)s).",
                    contract=self.name,
                )
            )
        values = self._prepare_revision(revision_date)
        if values is None:
            return log_model.browse()
        line_vals = values.pop("line_vals")
        for vals in line_vals:
            as_step(self.line_ids.browse(vals["contract_line_id"])).price_unit = vals["price_after"]
        log = log_model.create(dict(values, line_ids=[Command.create(vals) for vals in line_vals]))
        self.write(
            {
                "revision_reference_month": log.new_month,
                "revision_reference_value": log.new_value,
                "revision_next_date": revision_date + relativedelta(years=1),
            }
        )
        self.activity_feedback(
            [
                "maintenance_contract_it.mail_activity_type_price_revision",
                "maintenance_contract_it.mail_activity_type_index_missing",
            ]
        )
        self.message_post(
            body=self.env._(
                "Prices revised on %(date)s: coefficient %(coefficient)s (S0 %(s0)s, "
                "S1 %(s1)s); amount per period %(before)s → %(after)s.",
                date=revision_date,
                coefficient=log.coefficient,
                s0=log.reference_value,
                s1=log.new_value,
                before=log.amount_before,
                after=log.amount_after,
            )
        )
        if self.company_id.maintenance_auto_send_revision_notice:
            self._send_revision_notice(log)
        return log

    def _send_revision_notice(self, log):
        """Email the revision notice of ``log`` to the customer."""
        self.ensure_one()
        self.message_post_with_source(
            "maintenance_contract_it.mail_template_revision_notice",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        log.notice_sent = True

    def _schedule_index_missing_activity(self):
        """Ask a manager, once per revision date, to enter the missing index value."""
        self.ensure_one()
        contract = self._with_reminder_lang(managers_only=True)
        contract._schedule_reminder(
            "maintenance_contract_it.mail_activity_type_index_missing",
            self.revision_next_date,
            note=contract.env._(
                "The value of the index %(index)s needed to revise the prices on %(date)s "
                "is not published yet. Enter it to let the revision run.",
                index=contract.revision_index_id.display_name,
                date=format_date(contract.env, self.revision_next_date),
            ),
            date_deadline=fields.Date.context_today(self),
            managers_only=True,
        )

    def _schedule_revision_reminder(self):
        """Remind the account manager, once per revision date, of the coming revision."""
        self.ensure_one()
        contract = self._with_reminder_lang()
        contract._schedule_reminder(
            "maintenance_contract_it.mail_activity_type_price_revision",
            self.revision_next_date,
            note=contract.env._(
                "The prices of this contract will be revised with the index %(index)s on "
                "%(date)s.",
                index=contract.revision_index_id.display_name,
                date=format_date(contract.env, self.revision_next_date),
            ),
        )

    @api.model
    def _revision_domain(self):
        return [
            ("state", "=", "active"),
            ("revision_enabled", "=", True),
            ("revision_next_date", "!=", False),
        ]

    @api.model
    def _cron_price_revision(self):
        """Scheduled job: revision reminders, then the revisions due."""
        today = fields.Date.context_today(self)
        max_delay = max(
            self.env["res.company"].search([]).mapped("maintenance_revision_reminder_days") or [0]
        )
        to_remind = self.search(
            self._revision_domain()
            + [("revision_next_date", "<=", today + relativedelta(days=max_delay))]
        ).filtered(
            lambda c: today
            < c.revision_next_date
            <= today + relativedelta(days=c.company_id.maintenance_revision_reminder_days)
        )
        due = self.search(self._revision_domain() + [("revision_next_date", "<=", today)])
        run_batched(to_remind, "_schedule_revision_reminder", remaining_after=len(due))
        run_batched(due, "_revise_or_report_missing_index")

    def _revise_or_report_missing_index(self):
        self.ensure_one()
        if not self._apply_revision():
            self._schedule_index_missing_activity()
