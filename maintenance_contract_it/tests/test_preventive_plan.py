from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import InterventionCommon


@tagged("post_install", "-at_install")
class TestPreventivePlan(InterventionCommon):
    @classmethod
    def _create_plan(cls, contract=None, **values):
        vals = {
            "contract_id": (contract or cls.contract).id,
            "interval": 1,
            "interval_unit": "month",
            "date_first": "2026-01-15",
            "user_id": cls.technician.id,
            "duration": 2.0,
        }
        vals.update(values)
        return cls.env["maintenance.preventive.plan"].create(vals)

    def _run_job(self):
        self.env["maintenance.preventive.plan"]._cron_generate_interventions()

    def _visit_dates(self, plan):
        return sorted(plan.intervention_ids.mapped("plan_date"))

    def test_visits_over_the_horizon_without_duplicates(self):
        plan = self._create_plan()
        with freeze_time("2026-01-10"):
            self._run_job()
            self._run_job()
        self.assertEqual(
            self._visit_dates(plan), [date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15)]
        )
        with freeze_time("2026-02-20"):
            self._run_job()
        self.assertEqual(len(plan.intervention_ids), 5)
        self.assertEqual(self._visit_dates(plan)[-1], date(2026, 5, 15))

    @freeze_time("2026-01-10")
    def test_visit_values(self):
        plan = self._create_plan(equipment_id=self.server.id, visit_time=14.5)
        self._run_job()
        visit = plan.intervention_ids.filtered(lambda v: v.plan_date == date(2026, 1, 15))
        self.assertEqual(visit.kind, "preventive")
        self.assertEqual(visit.state, "planned")
        self.assertEqual(visit.contract_id, self.contract)
        self.assertEqual(visit.partner_id, self.customer)
        self.assertEqual(visit.equipment_id, self.server)
        self.assertEqual(visit.user_ids, self.technician)
        self.assertEqual(visit.user_id, self.technician)
        self.assertEqual(visit.coverage, "covered")
        # 14:30 in Paris (winter time) is 13:30 UTC.
        self.assertEqual(str(visit.scheduled_start), "2026-01-15 13:30:00")
        self.assertEqual(str(visit.scheduled_end), "2026-01-15 15:30:00")

    @freeze_time("2026-01-01")
    def test_stops_at_contract_end(self):
        contract = self._create_contract(initial_term=3, notice_period=1)
        self._activate(contract)
        self.assertEqual(contract.date_end, date(2026, 3, 31))
        plan = self._create_plan(
            contract, interval=2, interval_unit="week", date_first="2026-01-05", horizon_days=365
        )
        self._run_job()
        self.assertEqual(
            self._visit_dates(plan),
            [
                date(2026, 1, 5),
                date(2026, 1, 19),
                date(2026, 2, 2),
                date(2026, 2, 16),
                date(2026, 3, 2),
                date(2026, 3, 16),
                date(2026, 3, 30),
            ],
        )

    @freeze_time("2026-01-31")
    def test_monthly_from_31_january(self):
        plan = self._create_plan(date_first="2026-01-31")
        self._run_job()
        self.assertEqual(
            self._visit_dates(plan),
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)],
        )

    @freeze_time("2026-01-10")
    def test_only_active_contracts_and_plans(self):
        draft = self._create_contract()
        draft_plan = self._create_plan(draft)
        archived_plan = self._create_plan(active=False)
        self._run_job()
        self.assertFalse(draft_plan.intervention_ids)
        self.assertFalse(archived_plan.intervention_ids)

    @freeze_time("2026-03-01")
    def test_no_visit_in_the_past(self):
        plan = self._create_plan()
        self._run_job()
        self.assertEqual(self._visit_dates(plan)[0], date(2026, 3, 15))

    @freeze_time("2026-01-10")
    def test_cancelled_visit_not_recreated_and_not_deletable(self):
        plan = self._create_plan()
        self._run_job()
        visit = plan.intervention_ids[:1]
        with self.assertRaisesRegex(UserError, "cancel it instead"):
            visit.unlink()
        visit.action_cancel()
        self._run_job()
        self.assertEqual(len(plan.intervention_ids), 3)

    @freeze_time("2026-01-10")
    def test_database_refuses_a_second_visit_on_the_same_date(self):
        plan = self._create_plan()
        self._run_job()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["maintenance.intervention"].create(
                plan._prepare_intervention_values(date(2026, 1, 15))
            )

    @freeze_time("2026-01-10")
    def test_one_failing_plan_does_not_block_the_others(self):
        failing = self._create_plan()
        other = self._create_plan(date_first="2026-01-20")
        original = type(failing)._prepare_intervention_values

        def prepare(plan, day):
            if plan == failing:
                raise ValueError("broken plan")
            return original(plan, day)

        with (
            patch.object(type(failing), "_prepare_intervention_values", prepare),
            mute_logger("odoo.addons.maintenance_contract_it.tools.jobs"),
        ):
            self._run_job()
        self.assertFalse(failing.intervention_ids)
        self.assertEqual(len(other.intervention_ids), 3)

    @freeze_time("2026-01-10")
    def test_plan_now_from_the_contract(self):
        plan = self._create_plan()
        action = self.contract.action_generate_preventive_interventions()
        self.assertEqual(len(plan.intervention_ids), 3)
        self.assertEqual(action["domain"], [("contract_id", "=", self.contract.id)])

    def test_equipment_must_be_covered(self):
        other = self.env["maintenance.contract.equipment"].create(
            {"name": "Printer (test)", "partner_id": self.customer.id}
        )
        with self.assertRaisesRegex(ValidationError, "not covered by the contract"):
            self._create_plan(equipment_id=other.id)
