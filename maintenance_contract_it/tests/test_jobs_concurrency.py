"""Scheduled jobs under concurrency and crashes, with two real transactions.

The fixtures of the concurrent tests are committed (the other transaction could not see
them otherwise) and deleted after each test: every row added to the tables below since the
test started is removed. The jobs themselves run with ``test_enable``, so they do not commit:
the tests commit where a worker would."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..tools.jobs import lock_for_job
from .common import create_support_calendar

# tables the tests add rows to, the rows depending on others first
CLEANED_TABLES = [
    "mail_activity",
    "mail_tracking_value",
    "mail_notification",
    "mail_mail",
    "mail_message",
    "mail_followers",
    "maintenance_sla_notification",
    "maintenance_sla_pause",
    "maintenance_intervention",
    "helpdesk_ticket",
    "maintenance_contract_amendment",
    "maintenance_contract_reminder",
    "maintenance_contract_revision",
    "maintenance_preventive_plan",
    "maintenance_contract",
    "maintenance_price_index_value",
    "maintenance_price_index",
    "maintenance_sla_policy",
    "resource_calendar_attendance",
    "resource_calendar",
    "product_product",
    "product_template",
    "res_partner",
    "bus_bus",
]
RENEWAL = "Contract renewed by tacit renewal"
JOBS_LOGGER = "odoo.addons.maintenance_contract_it.tools.jobs"


@tagged("post_install", "-at_install")
class TestJobsConcurrency(TransactionCase):
    """Worker A holds the first record (it is in the middle of it) while worker B runs the
    job: B processes the others and skips it, and its transaction is not aborted. B commits,
    then A runs the whole job on its older snapshot and commits: A does the first record and
    nothing that B did. A third run does nothing: every record was processed exactly once."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            self.watermarks = {}
            for table in [*CLEANED_TABLES, "ir_sequence_date_range"]:
                cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))
                self.watermarks[table] = cr.fetchone()[0]
        self.addCleanup(self._delete_committed_rows)

    def _delete_committed_rows(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["ir.sequence.date_range"].search(
                [("id", ">", self.watermarks["ir_sequence_date_range"])]
            ).unlink()
            for table in CLEANED_TABLES:
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE id > %s",
                        SQL.identifier(table),
                        self.watermarks[table],
                    )
                )

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "lang": "en_US"})

    def _worker(self):
        """The environment of a new transaction, rolled back and closed after the test."""
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        return self._env(cr)

    def _commit_fixtures(self, build):
        """Ids of the records ``build(env)`` returns, created in a committed transaction."""
        with self.registry.cursor() as cr:
            return build(self._env(cr)).ids

    def _contracts(self, env, count=3, **values):
        policy = env["maintenance.sla.policy"].create(
            {
                "name": "Jobs (test)",
                "calendar_id": create_support_calendar(
                    env,
                    "Support 24x7 (jobs test)",
                    "Europe/Paris",
                    range(7),
                    [("morning", 0, 12), ("afternoon", 12, 24)],
                ).id,
                "line_ids": [
                    Command.create(
                        {"priority": priority, "response_hours": 4, "resolution_hours": 16}
                    )
                    for priority in "0123"
                ],
            }
        )
        # one customer each: contracts of one customer share its partner row
        customers = env["res.partner"].create(
            [
                {"name": f"Jobs customer {index} (test)", "is_company": True, "lang": "en_US"}
                for index in range(count)
            ]
        )
        product = env["product.product"].create({"name": "Jobs fee (test)", "type": "service"})
        contracts = env["maintenance.contract"].create(
            [
                dict(
                    {
                        "partner_id": customer.id,
                        "date_start": "2025-01-01",
                        "tacit_renewal": True,
                        "sla_policy_id": policy.id,
                        "line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": "Maintenance",
                                    "quantity": 10,
                                    "price_unit": 25.0,
                                }
                            )
                        ],
                    },
                    **values,
                )
                for customer in customers
            ]
        )
        contracts.action_activate()
        return contracts

    # The two scenarios, run on each job

    def _run_concurrently(self, build, model, job, moment, processed, crash_point):
        """Worker A holds the first record (it is in the middle of it) while worker B runs
        the job: B processes the others and skips it, and its transaction is not aborted.
        B commits, then A runs the whole job on its older snapshot and commits: A does the
        first record and nothing that B did. A third run does nothing: every record was
        processed exactly once. ``processed(records)`` tells how many times each record was
        processed."""
        with freeze_time("2025-06-01"):
            ids = self._commit_fixtures(build)
        env_a, env_b, env_c = self._worker(), self._worker(), self._worker()
        with freeze_time(moment):
            held = lock_for_job(env_a[model].browse(ids[0]))
            self.assertEqual(held.ids, ids[:1])

            # a lock wait fails instead of hanging the test
            env_b.cr.execute(SQL("SET LOCAL lock_timeout = '3s'"))
            crash_model, crash_method = crash_point
            original = getattr(self.registry[crash_model], crash_method)
            touched = []

            def spy(records, *args, **kwargs):
                touched.extend(records.ids)
                return original(records, *args, **kwargs)

            with patch.object(self.registry[crash_model], crash_method, spy):
                getattr(env_b[model], job)()
            env_b.cr.execute(SQL("SELECT 1"))  # B's transaction is not aborted
            self.assertNotIn(ids[0], touched, "B skips the record A holds, without waiting")
            self.assertEqual(processed(env_b[model].browse(ids)), [0, 1, 1])
            env_b.cr.commit()

            env_a.cr.execute(SQL("SET LOCAL lock_timeout = '3s'"))
            getattr(env_a[model], job)()
            self.assertEqual(processed(env_a[model].browse(ids[:1])), [1])
            env_a.cr.commit()

            getattr(env_c[model], job)()
            self.assertEqual(processed(env_c[model].browse(ids)), [1, 1, 1])

    def _crash_then_catch_up(self, build, model, job, moment, processed, crash_point):
        """The second record crashes in the middle of its processing (after the step
        ``crash_point`` of the job did its work): the error is logged, what was done for it
        is rolled back, the others are processed. The next run processes it, and nothing
        twice."""
        with freeze_time("2025-06-01"):
            ids = self._commit_fixtures(build)
        env = self._worker()
        records = env[model].browse(ids)
        crash_model, crash_method = crash_point
        original = getattr(self.registry[crash_model], crash_method)
        victim = records[1]

        def crashing(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            if victim in self:
                raise RuntimeError("crash in the middle of the batch")
            return result

        with freeze_time(moment):
            with (
                patch.object(self.registry[crash_model], crash_method, crashing),
                self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
            ):
                getattr(env[model], job)()
            self.assertIn("crash in the middle of the batch", "\n".join(logs.output))
            self.assertEqual(processed(records), [1, 0, 1])
            getattr(env[model], job)()
            self.assertEqual(processed(records), [1, 1, 1])
            getattr(env[model], job)()
            self.assertEqual(processed(records), [1, 1, 1])

    def _messages(self, record, text):
        return record.message_ids.filtered(lambda m: text in (m.body or ""))

    def _activities(self, record, xmlid):
        activity_type = record.env.ref(xmlid)
        return record.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    # The jobs: fixtures (committed on 1 June 2025), job, moment, what was processed, where
    # to crash

    def _renewals(self):
        def renewals(contracts):
            counts = [len(c.term_ids) - 1 for c in contracts]
            self.assertEqual(counts, [len(self._messages(c, RENEWAL)) for c in contracts])
            return counts

        return (
            self._contracts,
            "maintenance.contract",
            "_cron_process_term_ends",
            "2026-01-05",
            renewals,
            ("maintenance.contract", "_renew"),
        )

    def _expirations(self):
        def expirations(contracts):
            self.assertEqual(set(contracts.mapped("term_ids.sequence")), {0})
            counts = [len(self._messages(c, "Contract expired")) for c in contracts]
            self.assertEqual(counts, [int(c.state == "expired") for c in contracts])
            return counts

        return (
            lambda env: self._contracts(env, tacit_renewal=False),
            "maintenance.contract",
            "_cron_process_term_ends",
            "2026-01-05",
            expirations,
            ("maintenance.contract", "_expire"),
        )

    def _reminders(self):
        xmlid = "maintenance_contract_it.mail_activity_type_notice_deadline"

        def reminders(contracts):
            # notice deadline 30 Sep 2025: reminded from 1 Aug
            logs = contracts.env["maintenance.contract.reminder"].search(
                [("contract_id", "in", contracts.ids)]
            )
            counts = [len(self._activities(c, xmlid)) for c in contracts]
            self.assertEqual(
                counts, [len(logs.filtered(lambda r, c=c: r.contract_id == c)) for c in contracts]
            )
            return counts

        return (
            self._contracts,
            "maintenance.contract",
            "_cron_send_reminders",
            "2025-08-15",
            reminders,
            ("maintenance.contract", "_schedule_reminder"),
        )

    def _price_revisions(self):
        def build(env):
            index = env["maintenance.price.index"].create(
                {
                    "name": "Syntec (jobs test)",
                    "code": "SYNTEC-JOBS",
                    "value_ids": [
                        Command.create(
                            {"month": month, "value": value, "publication_date": published}
                        )
                        for month, value, published in [
                            ("2024-01-01", 293.9, "2024-02-28"),
                            ("2025-01-01", 310.5, "2025-02-28"),
                        ]
                    ],
                }
            )
            return self._contracts(
                env,
                revision_enabled=True,
                revision_index_id=index.id,
                revision_reference_month="2024-01-01",
            )

        def revisions(contracts):
            counts = [len(c.revision_ids) for c in contracts]
            self.assertEqual(counts, [len(self._messages(c, "Prices revised")) for c in contracts])
            for contract, count in zip(contracts, counts, strict=True):
                self.assertEqual(contract.line_ids.price_unit, 26.41 if count else 25.0)
            return counts

        return (
            build,
            "maintenance.contract",
            "_cron_price_revision",
            "2026-01-02",
            revisions,
            ("maintenance.contract", "_apply_revision"),
        )

    def _build_amendments(self, env):
        amendments = env["maintenance.contract.amendment"].create(
            [
                {
                    "contract_id": contract.id,
                    "date_effective": "2025-09-01",
                    "reason": "Longer term",
                    "date_end_new": "2026-06-30",
                }
                for contract in self._contracts(env)
            ]
        )
        amendments.action_confirm()
        return amendments

    def _amendments(self):
        def applied(amendments):
            # the message of the change, in the account manager's language, names it
            counts = [len(self._messages(a.contract_id, a.name)) for a in amendments]
            self.assertEqual(counts, [int(a.state == "applied") for a in amendments])
            return counts

        return (
            self._build_amendments,
            "maintenance.contract.amendment",
            "_cron_apply_amendments",
            "2025-09-02",
            applied,
            ("maintenance.contract.amendment", "_apply"),
        )

    def _preventive_plans(self):
        def build(env):
            # the numbering of the year exists already (its first use is not what is tested)
            env["ir.sequence"].next_by_code("maintenance.intervention", "2025-07-01")
            return env["maintenance.preventive.plan"].create(
                [
                    {"contract_id": contract.id, "date_first": "2025-07-15", "horizon_days": 60}
                    for contract in self._contracts(env)
                ]
            )

        def planned(plans):
            for plan in plans:
                dates = plan.intervention_ids.mapped("plan_date")
                self.assertEqual(len(dates), len(set(dates)))
            return [len(plan.intervention_ids) // 2 for plan in plans]  # 15 Jul and 15 Aug

        return (
            build,
            "maintenance.preventive.plan",
            "_cron_generate_interventions",
            "2025-07-01",
            planned,
            ("maintenance.preventive.plan", "_generate_interventions"),
        )

    def _sla_warnings(self):
        def build(env):
            contract = self._contracts(env, count=1)
            with freeze_time("2025-06-02 09:00:00"):  # response due at 13:00
                return env["helpdesk.ticket"].create(
                    [
                        {
                            "name": f"Printer down {index}",
                            "description": "<p>It does not print.</p>",
                            "partner_id": contract.partner_id.id,
                            "priority": "2",
                        }
                        for index in range(3)
                    ]
                )

        def warned(tickets):
            counts = [len(t.sla_notification_ids) for t in tickets]
            self.assertEqual(counts, [len(self._messages(t, "SLA breached")) for t in tickets])
            return counts

        return (
            build,
            "helpdesk.ticket",
            "_cron_sla_warnings",
            "2025-06-02 14:00:00",
            warned,
            ("helpdesk.ticket", "_sla_warn_breached"),
        )

    def test_renewals_concurrent(self):
        self._run_concurrently(*self._renewals())

    def test_renewals_crash(self):
        self._crash_then_catch_up(*self._renewals())

    def test_expirations_concurrent(self):
        self._run_concurrently(*self._expirations())

    def test_expirations_crash(self):
        self._crash_then_catch_up(*self._expirations())

    def test_reminders_concurrent(self):
        self._run_concurrently(*self._reminders())

    def test_reminders_crash(self):
        self._crash_then_catch_up(*self._reminders())

    def test_price_revisions_concurrent(self):
        self._run_concurrently(*self._price_revisions())

    def test_price_revisions_crash(self):
        self._crash_then_catch_up(*self._price_revisions())

    def test_amendments_concurrent(self):
        self._run_concurrently(*self._amendments())

    def test_amendments_crash(self):
        self._crash_then_catch_up(*self._amendments())

    def test_preventive_plans_concurrent(self):
        self._run_concurrently(*self._preventive_plans())

    def test_preventive_plans_crash(self):
        self._crash_then_catch_up(*self._preventive_plans())

    def test_sla_warnings_concurrent(self):
        self._run_concurrently(*self._sla_warnings())

    def test_sla_warnings_crash(self):
        self._crash_then_catch_up(*self._sla_warnings())

    # Buttons

    def test_amendment_button_on_a_held_contract(self):
        """A user applying an amendment of a contract a job holds gets a clear error, and
        can go on working: the lock failed in its own savepoint."""
        with freeze_time("2025-06-01"):
            ids = self._commit_fixtures(self._build_amendments)
        env_a, env_b = self._worker(), self._worker()
        held, free = env_b["maintenance.contract.amendment"].browse(ids[:2])
        self.assertTrue(lock_for_job(env_a["maintenance.contract"].browse(held.contract_id.id)))
        env_b.cr.execute(SQL("SET LOCAL lock_timeout = '3s'"))
        with self.assertRaisesRegex(UserError, "being processed by another user or job"):
            held.action_apply()
        free.action_apply()
        self.assertEqual(free.state, "applied")
        self.assertEqual(free.contract_id.date_end, date(2026, 6, 30))
        held.invalidate_recordset()
        self.assertEqual(held.state, "confirmed")

    def test_revision_button_on_a_held_contract(self):
        """Same for the price revision wizard, in the user's language: the contract the job
        holds is refused, the transaction goes on."""
        with freeze_time("2025-06-01"):
            ids = self._commit_fixtures(self._price_revisions()[0])
        env_a, env_b = self._worker(), self._worker()
        held, free = env_b["maintenance.contract"].browse(ids[:2])
        self.assertTrue(lock_for_job(env_a["maintenance.contract"].browse(held.id)))
        env_b.cr.execute(SQL("SET LOCAL lock_timeout = '3s'"))
        with freeze_time("2026-01-02"):
            with self.assertRaisesRegex(UserError, "en cours de traitement par un autre"):
                held.with_context(lang="fr_FR")._apply_revision()
            self.assertTrue(free._apply_revision())
        self.assertEqual(free.line_ids.price_unit, 26.41)
