from datetime import date
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..tools.jobs import lock_for_job
from .common import create_support_calendar

DAY = date(2027, 1, 1)


@tagged("post_install", "-at_install")
class TestBillingConcurrency(TransactionCase):
    """Two workers of the invoicing job at the same time, each with its own database cursor
    (as two cron threads): the data they share is committed, and removed at the end."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            calendar = create_support_calendar(
                env, "Concurrency (test)", "UTC", range(5), [("morning", 8, 12)]
            )
            policy = env["maintenance.sla.policy"].create(
                {"name": "Concurrency (test)", "calendar_id": calendar.id}
            )
            partner = env["res.partner"].create(
                {"name": "Concurrency customer (test)", "is_company": True}
            )
            product = env["product.product"].create(
                {"name": "Concurrency fee (test)", "type": "service"}
            )
            contracts = env["maintenance.contract"].create(
                [
                    {
                        "partner_id": partner.id,
                        "date_start": DAY,
                        "sla_policy_id": policy.id,
                        "invoice_auto_post": "draft",
                        "line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": "Fee",
                                    "quantity": 1,
                                    "price_unit": 100.0 * (i + 1),
                                }
                            )
                        ],
                    }
                    for i in range(4)
                ]
            )
            contracts.action_activate()
            self.ids = contracts.ids
            self.records = {
                "calendar": calendar.id,
                "policy": policy.id,
                "partner": partner.id,
                "product": product.id,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            contracts = env["maintenance.contract"].browse(self.ids).exists()
            env["mail.activity"].search(
                [("res_model", "=", "maintenance.contract"), ("res_id", "in", self.ids)]
            ).unlink()
            moves = env["account.move"].search([("contract_id", "in", contracts.ids)])
            moves.unlink()
            contracts.period_ids.unlink()
            cr.execute("DELETE FROM maintenance_contract WHERE id IN %s", [tuple(self.ids)])
            env.invalidate_all()
            env["product.product"].browse(self.records["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse(self.records["partner"]).unlink()
            env["maintenance.sla.policy"].browse(self.records["policy"]).unlink()
            env["resource.calendar"].browse(self.records["calendar"]).unlink()

    def test_two_workers_split_the_work(self):
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            env_a, env_b = self._env(cr_a), self._env(cr_b)
            # worker A holds the first two contracts (their rows are locked)
            claimed = lock_for_job(env_a["maintenance.contract"].browse(self.ids[:2]))
            self.assertEqual(claimed.ids, self.ids[:2])
            # worker B runs the whole job meanwhile: it skips what A holds
            moves_b = env_b["maintenance.contract"].browse(self.ids)._billing_run(DAY)
            self.assertEqual(sorted(moves_b.contract_id.ids), self.ids[2:])
            cr_b.commit()
            # worker A runs the job too: only its contracts are left to invoice
            moves_a = env_a["maintenance.contract"].browse(self.ids)._billing_run(DAY)
            self.assertEqual(sorted(moves_a.contract_id.ids), self.ids[:2])
            cr_a.commit()
        finally:
            cr_a.close()
            cr_b.close()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            contracts = env["maintenance.contract"].browse(self.ids)
            for contract in contracts:
                self.assertEqual(len(contract.period_ids), 1, "one period per contract")
                self.assertEqual(contract.period_ids.state, "invoiced")
            moves = env["account.move"].search([("contract_id", "in", self.ids)])
            self.assertEqual(len(moves), 4, "one invoice per contract, none twice")
            self.assertEqual(sorted(moves.mapped("amount_untaxed")), [100.0, 200.0, 300.0, 400.0])
            # no contract was reported as failing
            self.assertFalse(
                contracts.activity_ids.filtered(lambda a: a.summary == "Invoicing failed")
            )

    def test_claim_skips_locked_rows(self):
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            env_a, env_b = self._env(cr_a), self._env(cr_b)
            contracts_a = env_a["maintenance.contract"].browse(self.ids)
            contracts_b = env_b["maintenance.contract"].browse(self.ids)
            self.assertEqual(lock_for_job(contracts_a[1:3]).ids, self.ids[1:3])
            self.assertEqual(lock_for_job(contracts_b).ids, [self.ids[0], self.ids[3]])
            # the claim leaves the transaction usable
            self.assertEqual(len(contracts_b.exists()), 4)
        finally:
            cr_a.rollback()
            cr_b.rollback()
            cr_a.close()
            cr_b.close()

    def test_prepaid_alert_once_from_two_transactions(self):
        """Two interventions of one contract done at once (two users' Done buttons): the
        80 % alert of the period is made once, and the second transaction is not aborted."""
        with self.registry.cursor() as cr:
            self._env(cr)["maintenance.contract"].browse(self.ids[0]).write(
                {"prepaid_hours_mode": "period", "prepaid_hours_per_period": 10.0}
            )
        Contract = self.registry["maintenance.contract"]
        ledger = {"periods": [{"date_from": DAY, "used": 8.5, "available": 10.0}], "drawn": {}}
        activity_type = "maintenance_contract_it.mail_activity_type_prepaid_hours_80"
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            env_a, env_b = self._env(cr_a), self._env(cr_b)
            contract_a = env_a["maintenance.contract"].browse(self.ids[0])
            contract_b = env_b["maintenance.contract"].browse(self.ids[0])
            # B's snapshot is taken before A commits
            self.assertEqual(contract_b.state, "active")
            with patch.object(Contract, "_get_prepaid_ledger", lambda self, day: ledger):
                contract_a._check_prepaid_thresholds(DAY)
                cr_a.commit()
                contract_b._check_prepaid_thresholds(DAY)
                contract_b._check_prepaid_thresholds(DAY)
            cr_b.execute("SELECT 1")  # B's transaction is not aborted
            cr_b.commit()
        finally:
            cr_a.close()
            cr_b.close()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            contract = env["maintenance.contract"].browse(self.ids[0])
            alerts = contract.activity_ids.filtered(
                lambda a: a.activity_type_id == env.ref(activity_type)
            )
            self.assertEqual(len(alerts), 1, "one alert, made by A")
            self.assertEqual(
                env["maintenance.contract.reminder"].search_count(
                    [("contract_id", "=", contract.id)]
                ),
                1,
            )

    def test_invoice_now_on_a_contract_the_job_holds(self):
        """A user's Invoice now on a contract the job is invoicing gets a clear error (never
        a second invoice of its period) and can go on with another contract."""
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            env_a, env_b = self._env(cr_a), self._env(cr_b)
            self.assertTrue(lock_for_job(env_a["maintenance.contract"].browse(self.ids[0])))
            cr_b.execute("SET LOCAL lock_timeout = '3s'")
            held, free = env_b["maintenance.contract"].browse(self.ids[:2])
            with self.assertRaisesRegex(UserError, "being processed by another user or job"):
                held.action_invoice_now()
            periods = held._generate_periods(DAY)
            self.assertEqual(len(periods), 1)
            with self.assertRaisesRegex(UserError, "being processed by another user or job"):
                periods.action_invoice()
            free.action_invoice_now()
            self.assertEqual(free.period_ids.state, "invoiced")
            self.assertFalse(held.period_ids.move_id)
        finally:
            cr_a.rollback()
            cr_b.rollback()
            cr_a.close()
            cr_b.close()
