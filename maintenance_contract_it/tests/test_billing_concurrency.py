from datetime import date

from odoo import SUPERUSER_ID, Command, api
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
