from collections import defaultdict

from odoo import fields, models

from .maintenance_intervention import CONSUMED_STATES, INTERVENTION_KINDS

# Fields that customers (portal users) must not read are restricted to this group.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"


class MaintenanceContractInterventionMixin(models.AbstractModel):
    _name = "maintenance.contract.intervention.mixin"
    _description = "Contract Interventions and Consumption"

    intervention_ids = fields.One2many(
        "maintenance.intervention", "contract_id", string="Interventions"
    )
    intervention_count = fields.Integer(compute="_compute_intervention_count", groups=USER_GROUP)
    consumption_hours = fields.Float(
        string="Hours this Period",
        compute="_compute_consumption",
        groups=USER_GROUP,
        help="Time of the done and signed interventions of the current billing period.",
    )
    consumption_preventive_hours = fields.Float(
        string="Preventive Hours", compute="_compute_consumption", groups=USER_GROUP
    )
    consumption_curative_hours = fields.Float(
        string="Curative Hours", compute="_compute_consumption", groups=USER_GROUP
    )
    consumption_evolutive_hours = fields.Float(
        string="Evolutive Hours", compute="_compute_consumption", groups=USER_GROUP
    )

    def _compute_intervention_count(self):
        counts = dict(
            self.env["maintenance.intervention"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.intervention_count = counts.get(contract, 0)

    def _compute_consumption(self):
        today = fields.Date.context_today(self)
        periods = {contract: contract._get_period_bounds(today) for contract in self}
        consumption = self._get_intervention_consumption(periods)
        for contract in self:
            hours = consumption[contract]
            contract.consumption_hours = sum(hours.values())
            contract.consumption_preventive_hours = hours["preventive"]
            contract.consumption_curative_hours = hours["curative"]
            contract.consumption_evolutive_hours = hours["evolutive"]

    def action_view_interventions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "maintenance_contract_it.maintenance_intervention_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {
            "default_contract_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def _get_intervention_consumption(self, periods):
        """Hours of done and signed interventions per contract and kind, in one query.

        :param periods: ``{contract: (date_from, date_to)}``, bounds included
        :return: ``{contract: {kind: hours}}`` for every kind
        """
        result = {
            contract: dict.fromkeys((kind for kind, _label in INTERVENTION_KINDS), 0.0)
            for contract in periods
        }
        if not periods:
            return result
        groups = self.env["maintenance.intervention"]._read_group(
            [
                ("contract_id", "in", [contract.id for contract in periods]),
                ("state", "in", CONSUMED_STATES),
                ("date", ">=", min(date_from for date_from, _to in periods.values())),
                ("date", "<=", max(date_to for _from, date_to in periods.values())),
            ],
            ["contract_id", "kind", "date:day"],
            ["duration:sum"],
        )
        totals = defaultdict(float)
        for contract, kind, day, hours in groups:
            date_from, date_to = periods[contract]
            if date_from <= fields.Date.to_date(day) <= date_to:
                totals[contract, kind] += hours
        for (contract, kind), hours in totals.items():
            result[contract][kind] = hours
        return result
