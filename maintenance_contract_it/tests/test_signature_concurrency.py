"""Two customers sign the same document at once, in two real transactions: the first wins,
the other gets a clear message (never a server error) and its transaction stays usable.

The fixtures are committed (the other transaction could not see them otherwise) and every
row added to the tables below since the test started is deleted after it."""

from datetime import datetime

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

# tables the tests add rows to, the rows depending on others first
CLEANED_TABLES = [
    "mail_activity",
    "mail_tracking_value",
    "mail_notification",
    "mail_mail",
    "mail_message",
    "mail_followers",
    "maintenance_intervention",
    "maintenance_contract_clause",
    "maintenance_contract_line",
    "maintenance_contract",
    "ir_attachment",
    "res_partner",
    "bus_bus",
]
# A 1x1 PNG
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)
BUSY = "is being signed at this very moment"


@tagged("post_install", "-at_install")
class TestSignatureConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            self.watermarks = {}
            for table in CLEANED_TABLES:
                cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))
                self.watermarks[table] = cr.fetchone()[0]
        self.addCleanup(self._delete_committed_rows)

    def _delete_committed_rows(self):
        with self.registry.cursor() as cr:
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

    def _commit_fixtures(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            customer = env["res.partner"].create({"name": "Race SA (test)", "is_company": True})
            contact = env["res.partner"].create({"name": "Claire Race", "parent_id": customer.id})
            report = env["maintenance.intervention"].create(
                {
                    "partner_id": customer.id,
                    "kind": "curative",
                    "actual_start": datetime(2026, 3, 2, 8, 0),
                    "actual_end": datetime(2026, 3, 2, 10, 0),
                }
            )
            report.action_done()
            contract = env["maintenance.contract"].create(
                {"partner_id": customer.id, "date_start": "2026-01-01", "title": "Race"}
            )
            return contact.id, report.id, contract.id

    def _sign(self, env, model, record_id, contact_id, name):
        record = env[model].browse(record_id)
        if model == "maintenance.intervention":
            return record._portal_sign(name, SIGNATURE)
        return record._portal_sign(
            name, SIGNATURE, "1.2.3.4", env["res.partner"].browse(contact_id)
        )

    def test_two_signatures_at_once(self):
        contact_id, report_id, contract_id = self._commit_fixtures()
        for model, record_id in (
            ("maintenance.intervention", report_id),
            ("maintenance.contract", contract_id),
        ):
            with self.subTest(model=model):
                first, second, late = self._worker(), self._worker(), self._worker()
                # without the NOWAIT lock the second would wait for the first: a safety net
                # so that the test then fails instead of hanging
                second.cr.execute("SET lock_timeout = '10s'")
                # the second one started while the first one was signing
                second[model].browse(record_id).read(["state"])
                self._sign(first, model, record_id, contact_id, "Claire Race")
                with self.assertRaisesRegex(UserError, BUSY):
                    self._sign(second, model, record_id, contact_id, "Paul Race")
                # its transaction is still usable
                self.assertFalse(second[model].browse(record_id).sudo().signed_by)
                first.cr.commit()
                # once the first committed: the one whose snapshot is older gets the same
                # message, a new one sees the signature
                with self.assertRaisesRegex(UserError, BUSY):
                    self._sign(second, model, record_id, contact_id, "Paul Race")
                with self.assertRaisesRegex(UserError, "already signed"):
                    self._sign(late, model, record_id, contact_id, "Paul Race")
                with self.registry.cursor() as cr:
                    signed = self._env(cr)[model].browse(record_id)
                    self.assertEqual(signed.signed_by, "Claire Race")
