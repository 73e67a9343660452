from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import fields, models
from odoo.osv import expression

from ..tools.sla import delay_hours
from .maintenance_sla_notification import SLA_TARGETS

# Fields that customers (portal users) must not read are restricted to this group.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceContractSlaMixin(models.AbstractModel):
    _name = "maintenance.contract.sla.mixin"
    _description = "Contract Tickets and SLA"

    # Declared here for the monetary fields; defined in full by maintenance.contract.
    currency_id = fields.Many2one("res.currency")
    ticket_ids = fields.One2many("helpdesk.ticket", "contract_id", string="Tickets")
    ticket_open_count = fields.Integer(
        string="Open Tickets", compute="_compute_ticket_counts", groups=USER_GROUP
    )
    ticket_breached_count = fields.Integer(
        string="Tickets Breached this Period", compute="_compute_ticket_counts", groups=USER_GROUP
    )
    sla_penalty_current = fields.Monetary(
        string="SLA Penalty this Period",
        compute="_compute_sla_penalty_current",
        currency_field="currency_id",
        groups=USER_GROUP,
        help="Penalty due so far under the SLA policy for the current billing period.",
    )

    def _compute_ticket_counts(self):
        tickets = self.env["helpdesk.ticket"]
        open_counts = dict(
            tickets._read_group(
                [("contract_id", "in", self.ids), ("closed", "=", False)],
                ["contract_id"],
                ["__count"],
            )
        )
        for contract in self:
            contract.ticket_open_count = open_counts.get(contract, 0)
            contract.ticket_breached_count = (
                tickets.search_count(contract._get_breached_ticket_domain()) if contract.id else 0
            )

    def _compute_sla_penalty_current(self):
        for contract in self:
            contract.sla_penalty_current = (
                contract._get_sla_penalties(contract.period_start, contract.period_end)["amount"]
                if contract.id
                else 0.0
            )

    def write(self, vals):
        old_policies = {contract: contract.sla_policy_id for contract in self}
        res = super().write(vals)
        if "sla_policy_id" in vals:
            changed = self.filtered(lambda c: c.sla_policy_id != old_policies[c])
            # Every open ticket of the contract follows its new terms, also those the user
            # may not read (a contract manager with personal tickets only): the penalties
            # already use the new terms. sudo() keeps the user as the author of the notes.
            tickets = changed.sudo().ticket_ids.filtered(lambda t: not t.closed)
            tickets._sla_recompute()
            for ticket in tickets:
                ticket.message_post(
                    body=self.env._(
                        "SLA policy of the contract changed from %(old)s to %(new)s: the SLA "
                        "deadlines were recomputed.",
                        old=old_policies[ticket.contract_id].display_name or "-",
                        new=ticket.contract_id.sla_policy_id.display_name or "-",
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return res

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_contract_id": self.id,
            "search_default_open": 1,
        }
        return action

    def action_view_breached_tickets(self):
        action = self.action_view_tickets()
        action["domain"] = self._get_breached_ticket_domain()
        action["context"] = {"default_contract_id": self.id}
        return action

    def _get_breached_ticket_domain(self, date_from=None, date_to=None):
        """Tickets of the contract with a target breached whose deadline falls in the period
        from ``date_from`` to ``date_to`` (dates, inclusive; by default the current billing
        period): the one definition of the breached tickets, counted on the contract and
        charged in its penalties."""
        self.ensure_one()
        start, end = self._sla_period_bounds(
            date_from or self.period_start, date_to or self.period_end
        )
        return expression.AND(
            [
                [("contract_id", "=", self.id)],
                expression.OR(
                    [
                        [
                            (f"sla_{target}_status", "=", "breached"),
                            (f"sla_{target}_deadline", ">=", start),
                            (f"sla_{target}_deadline", "<", end),
                        ]
                        for target, _label in SLA_TARGETS
                    ]
                ),
            ]
        )

    def _get_breached_contract_ids(self, since):
        """Ids of the contracts of ``self`` under an SLA policy with a ticket whose target
        is breached with a deadline from ``since`` (UTC datetime) on, in one query: the
        others have no penalty in a period starting then or later (the same conditions as
        :meth:`_get_breached_ticket_domain`)."""
        policed = self.filtered("sla_policy_id")
        if not policed:
            return set()
        domain = expression.AND(
            [
                [("contract_id", "in", policed.ids)],
                expression.OR(
                    [
                        [
                            (f"sla_{target}_status", "=", "breached"),
                            (f"sla_{target}_deadline", ">=", since),
                        ]
                        for target, _label in SLA_TARGETS
                    ]
                ),
            ]
        )
        return {
            contract.id
            for (contract,) in self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(domain, ["contract_id"])
        }

    def _sla_period_bounds(self, date_from, date_to):
        """UTC datetimes of the start of ``date_from`` and of the day after ``date_to``, in
        the timezone of the support calendar."""
        tz = timezone(self.sla_policy_id.calendar_id.tz or self.env.user.tz or "UTC")

        def to_utc(day):
            return tz.localize(datetime.combine(day, time.min)).astimezone(utc).replace(tzinfo=None)

        return to_utc(date_from), to_utc(date_to + timedelta(days=1))

    def _get_sla_penalties(self, date_from, date_to):
        """Penalty due under the SLA policy for the period from ``date_from`` to ``date_to``
        (dates, inclusive): ``penalty_per_hour`` times the working hours of delay of the
        targets whose deadline falls in the period and which were missed (delay up to the
        reached date, or up to now while still open), capped at ``penalty_cap_percent`` of
        the period's recurring fee.

        :return: dict with ``amount`` (due), ``amount_uncapped``, ``cap`` (False if none),
            ``currency`` and ``breaches``: list of dicts ``ticket``, ``target``,
            ``deadline``, ``reached``, ``delay_hours``, ``amount``.
        """
        self.ensure_one()
        policy = self.sla_policy_id
        result = {
            "amount": 0.0,
            "amount_uncapped": 0.0,
            "cap": False,
            "currency": self.currency_id,
            "breaches": [],
        }
        if not policy:
            return result
        start, end = self._sla_period_bounds(date_from, date_to)
        # contract users need not be helpdesk users to see the penalty
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(self._get_breached_ticket_domain(date_from, date_to), order="id")
        )
        now = fields.Datetime.now()
        for ticket in tickets:
            for target, _label in SLA_TARGETS:
                deadline = ticket[f"sla_{target}_deadline"]
                # the ticket is breached in the period, maybe on its other target only
                if not deadline or not start <= deadline < end:
                    continue
                if ticket._sla_status(target, now) != "breached":
                    continue
                reached = ticket[f"sla_{target}_reached"]
                # the hours used, computed by the ticket for all the tickets at once
                delay = delay_hours(
                    ticket[f"sla_{target}_hours_used"], ticket[f"sla_{target}_target"]
                )
                amount = self.currency_id.round(delay * policy.penalty_per_hour)
                result["breaches"].append(
                    {
                        "ticket": ticket.sudo(False),
                        "target": target,
                        "deadline": deadline,
                        "reached": reached,
                        "delay_hours": delay,
                        "amount": amount,
                    }
                )
                result["amount_uncapped"] += amount
        result["amount"] = result["amount_uncapped"]
        if policy.penalty_cap_percent:
            result["cap"] = self.currency_id.round(
                self.amount_period * policy.penalty_cap_percent / 100
            )
            result["amount"] = min(result["amount"], result["cap"])
        return result
