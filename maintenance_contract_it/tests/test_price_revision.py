from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from ..tools.revision import revised_price, revision_coefficient
from .common import MaintenanceContractCommon

INDEX_MISSING = "maintenance_contract_it.mail_activity_type_index_missing"
PRICE_REVISION = "maintenance_contract_it.mail_activity_type_price_revision"


@tagged("post_install", "-at_install")
class TestRevisionArithmetic(BaseCase):
    def test_coefficient_fully_indexed(self):
        self.assertEqual(revision_coefficient(293.9, 310.5), 1.056482)

    def test_coefficient_with_fixed_part(self):
        # 0.15 + 0.85 × 310.5 / 293.9 = 1.0480095...
        self.assertEqual(revision_coefficient(293.9, 310.5, fixed_part=0.15), 1.04801)

    def test_floor_and_cap(self):
        self.assertEqual(revision_coefficient(293.9, 310.5, cap=3.0), 1.03)
        self.assertEqual(revision_coefficient(293.9, 290.0, floor=0.0), 1.0)
        self.assertEqual(revision_coefficient(293.9, 290.0, floor=-1.0), 0.99)
        self.assertEqual(revision_coefficient(293.9, 290.0), 0.98673)

    def test_price_rounding(self):
        self.assertEqual(revised_price(25.0, 1.056482), 26.41)
        self.assertEqual(revised_price(1200.0, 1.056482), 1267.78)
        self.assertEqual(revised_price(10.0, 1.000050, digits=2), 10.0)
        self.assertEqual(revised_price(0.5, 1.01, digits=3), 0.505)

    def test_bad_values_refused(self):
        with self.assertRaises(ValueError):
            revision_coefficient(0, 310.5)
        with self.assertRaises(ValueError):
            revision_coefficient(293.9, 310.5, fixed_part=1.5)


@tagged("post_install", "-at_install")
class TestPriceRevision(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.index = cls.env["maintenance.price.index"].create(
            {
                "name": "Syntec (test)",
                "code": "SYNTEC-TEST",
                "value_ids": [
                    Command.create(
                        {"month": "2023-01-01", "value": 293.9, "publication_date": "2023-02-28"}
                    ),
                ],
            }
        )
        cls.company.maintenance_revision_reminder_days = 30
        cls.company.maintenance_auto_send_revision_notice = False

    def _publish(self, month="2024-01-01", value=310.5, publication_date="2024-02-29"):
        return self.env["maintenance.price.index.value"].create(
            {
                "index_id": self.index.id,
                "month": month,
                "value": value,
                "publication_date": publication_date,
            }
        )

    def _revised_contract(self, **values):
        vals = {
            "date_start": "2024-01-01",
            "revision_enabled": True,
            "revision_index_id": self.index.id,
            "revision_reference_month": "2023-01-15",
        }
        vals.update(values)
        with freeze_time("2024-06-01"):
            contract = self._create_contract(**vals)
            contract.flush_recordset()
        contract.action_activate()
        return contract

    def _activities(self, contract, xmlid):
        return contract.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    def test_next_revision_date_is_next_anniversary(self):
        with freeze_time("2026-03-10"):
            contract = self._create_contract(
                date_start="2024-03-15",
                revision_enabled=True,
                revision_index_id=self.index.id,
                revision_reference_month="2024-01-01",
            )
            self.assertEqual(str(contract.revision_next_date), "2026-03-15")

    def test_contract_revision_terms(self):
        contract = self._revised_contract()
        self.assertEqual(str(contract.revision_reference_month), "2023-01-01")
        self.assertEqual(contract.revision_reference_value, 293.9)
        self.assertEqual(str(contract.revision_next_date), "2025-01-01")
        self.assertEqual(contract.revision_variable_part, 1.0)
        with self.assertRaisesRegex(ValidationError, "add up to 1"):
            contract.write({"revision_fixed_part": 0.2, "revision_variable_part": 0.7})
        with self.assertRaisesRegex(ValidationError, "index and the reference month"):
            self._create_contract(revision_enabled=True)

    def test_revision_fully_indexed(self):
        self._publish()
        contract = self._revised_contract()
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        log = contract.revision_ids
        self.assertEqual(len(log), 1)
        self.assertEqual(log.reference_value, 293.9)
        self.assertEqual(log.new_value, 310.5)
        self.assertEqual(log.coefficient, 1.056482)
        self.assertEqual(contract.line_ids.price_unit, 26.41)
        self.assertEqual(log.line_ids.price_before, 25.0)
        self.assertEqual(log.line_ids.price_after, 26.41)
        self.assertEqual(log.amount_before, 250.0)
        self.assertEqual(log.amount_after, 264.1)
        self.assertEqual(contract.amount_period, 264.1)
        # the reference becomes S1, the next revision is a year later
        self.assertEqual(str(contract.revision_reference_month), "2024-01-01")
        self.assertEqual(contract.revision_reference_value, 310.5)
        self.assertEqual(str(contract.revision_next_date), "2026-01-01")

    def test_revision_of_a_line_billed_per_unit(self):
        self._publish()
        pcs = self.env["maintenance.contract.equipment"].create(
            [
                {"name": f"PC-R{number}", "category": "workstation", "partner_id": self.customer.id}
                for number in range(4)
            ]
        )
        contract = self._revised_contract(
            equipment_ids=[Command.set(pcs.ids)],
            line_ids=[
                Command.create(
                    {
                        "name": "Workstation support",
                        "quantity_mode": "equipment",
                        "price_unit": 25.0,
                    }
                )
            ],
        )
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        log = contract.revision_ids.line_ids
        # 4 covered workstations: 4 × 25.00 = 100.00 → 4 × 26.41 = 105.64
        self.assertEqual(
            (log.quantity, log.subtotal_before, log.subtotal_after), (4.0, 100.0, 105.64)
        )
        self.assertEqual(contract.amount_period, 105.64)

    def test_revision_with_fixed_part(self):
        self._publish()
        contract = self._revised_contract(revision_fixed_part=0.15)
        self.assertEqual(contract.revision_variable_part, 0.85)
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        self.assertEqual(contract.revision_ids.coefficient, 1.04801)
        self.assertEqual(contract.line_ids.price_unit, 26.2)
        self.assertEqual(contract.revision_ids.amount_after, 262.0)

    def test_revision_cap(self):
        self._publish()
        contract = self._revised_contract(revision_use_cap=True, revision_cap_percent=3.0)
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        self.assertEqual(contract.revision_ids.coefficient, 1.03)
        self.assertEqual(contract.line_ids.price_unit, 25.75)

    def test_revision_floor(self):
        self._publish(value=290.0)
        contract = self._revised_contract(revision_use_floor=True, revision_floor_percent=0.0)
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        self.assertEqual(contract.revision_ids.coefficient, 1.0)
        self.assertEqual(contract.line_ids.price_unit, 25.0)

    def test_cron_twice_revises_once(self):
        self._publish()
        contract = self._revised_contract()
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
            contract._cron_price_revision()
            self.assertFalse(contract._apply_revision(contract.revision_ids.revision_date))
        self.assertEqual(len(contract.revision_ids), 1)
        self.assertEqual(contract.line_ids.price_unit, 26.41)

    def test_only_active_contracts_revised(self):
        self._publish()
        contract = self._revised_contract()
        contract._write_step({"state": "draft"})
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        self.assertFalse(contract.revision_ids)
        self.assertEqual(contract.line_ids.price_unit, 25.0)

    def test_s1_is_latest_value_published_on_revision_date(self):
        self._publish()
        self._publish(month="2024-10-01", value=315.0, publication_date="2024-11-29")
        # published after the revision date: not used
        self._publish(month="2024-11-01", value=320.0, publication_date="2025-01-02")
        contract = self._revised_contract()
        with freeze_time("2025-01-05"):
            contract._cron_price_revision()
        self.assertEqual(contract.revision_ids.new_value, 315.0)
        self.assertEqual(str(contract.revision_reference_month), "2024-10-01")

    def test_value_without_publication_date(self):
        """Without a publication date, a value counts as published at the end of the
        following month."""
        self._publish()
        self._publish(month="2024-11-01", value=315.0, publication_date=False)
        self._publish(month="2024-12-01", value=316.0, publication_date=False)
        contract = self._revised_contract()
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        self.assertEqual(contract.revision_ids.new_value, 315.0)

    def test_missing_index(self):
        contract = self._revised_contract(user_id=self.manager.id)
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
            contract._cron_price_revision()
        self.assertFalse(contract.revision_ids)
        self.assertEqual(contract.line_ids.price_unit, 25.0)
        missing = self._activities(contract, INDEX_MISSING)
        self.assertEqual(len(missing), 1)
        self.assertEqual(missing.user_id, self.manager)
        # still missing the day after: no second activity even once the first is done
        missing.action_done()
        with freeze_time("2025-01-02"):
            contract._cron_price_revision()
        self.assertFalse(self._activities(contract, INDEX_MISSING))
        # published late: the next run revises with the needed month
        self._publish(publication_date="2025-01-10")
        with freeze_time("2025-01-10"):
            contract._cron_price_revision()
        self.assertEqual(contract.revision_ids.new_value, 310.5)
        self.assertEqual(contract.revision_ids.revision_date.isoformat(), "2025-01-01")
        self.assertEqual(contract.line_ids.price_unit, 26.41)

    def test_missing_index_activity_for_a_manager(self):
        contract = self._revised_contract(user_id=self.user.id)
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        missing = self._activities(contract, INDEX_MISSING)
        self.assertEqual(len(missing), 1)
        self.assertTrue(
            missing.user_id.has_group("maintenance_contract_it.group_maintenance_contract_manager")
        )

    def test_reminder_once(self):
        self._publish()
        contract = self._revised_contract(user_id=self.user.id)
        with freeze_time("2024-11-15"):
            contract._cron_price_revision()
        self.assertFalse(self._activities(contract, PRICE_REVISION))
        with freeze_time("2024-12-05"):
            contract._cron_price_revision()
            contract._cron_price_revision()
        reminder = self._activities(contract, PRICE_REVISION)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.user)
        self.assertEqual(str(reminder.date_deadline), "2025-01-01")
        with freeze_time("2024-12-06"):
            contract._cron_price_revision()
        self.assertEqual(len(self._activities(contract, PRICE_REVISION)), 1)
        # the revision closes the reminder
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        self.assertFalse(self._activities(contract, PRICE_REVISION))

    def test_wizard_preview_equals_applied(self):
        self._publish()
        contract = self._revised_contract(revision_fixed_part=0.15)
        with freeze_time("2025-01-03"):
            wizard = (
                self.env["maintenance.contract.revision.wizard"]
                .with_user(self.manager)
                .with_context(default_contract_id=contract.id)
                .create({})
            )
            self.assertEqual(str(wizard.revision_date), "2025-01-01")
            self.assertFalse(wizard.index_missing)
            self.assertEqual(wizard.coefficient, 1.04801)
            preview = wizard.line_ids.mapped("price_after")
            self.assertEqual(preview, [26.2])
            self.assertEqual(contract.line_ids.price_unit, 25.0, "the preview changes nothing")
            wizard.action_apply()
        self.assertEqual(contract.line_ids.mapped("price_unit"), preview)
        self.assertEqual(contract.revision_ids.coefficient, wizard.coefficient)
        self.assertEqual(contract.revision_ids.amount_after, wizard.amount_after)

    def test_wizard_index_missing(self):
        contract = self._revised_contract()
        wizard = (
            self.env["maintenance.contract.revision.wizard"]
            .with_context(default_contract_id=contract.id)
            .create({})
        )
        self.assertTrue(wizard.index_missing)
        with self.assertRaisesRegex(Exception, "not published yet"):
            wizard.action_apply()

    def test_revision_notice_sent_automatically(self):
        self._publish()
        self.company.maintenance_auto_send_revision_notice = True
        contract = self._revised_contract()
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        self.assertTrue(contract.revision_ids.notice_sent)
        notice = contract.message_ids.filtered(
            lambda m: m.message_type == "comment" and "price revision" in (m.subject or "")
        )
        self.assertEqual(len(notice), 1)
        self.assertIn(self.customer, notice.partner_ids)
        for number in ("293.9", "310.5", "1.056482", r"25[.,]00", r"26[.,]41", r"264[.,]10"):
            self.assertRegex(str(notice.body), number)

    def test_revision_notice_button(self):
        self._publish()
        contract = self._revised_contract()
        with freeze_time("2025-01-01"):
            contract._cron_price_revision()
        log = contract.revision_ids
        self.assertFalse(log.notice_sent)
        action = log.action_send_notice()
        composer = self.env["mail.compose.message"].with_context(**action["context"]).create({})
        self.assertIn("1.056482", str(composer.body))
        composer.action_send_mail()
        self.assertTrue(log.notice_sent)

    def test_index_value_month_normalized_and_unique(self):
        value = self._publish(month="2024-01-17")
        self.assertEqual(str(value.month), "2024-01-01")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self._publish(month="2024-01-05")

    def test_syntec_series_shipped(self):
        syntec = self.env.ref("maintenance_contract_it.price_index_syntec")
        value = syntec.value_ids.filtered(lambda v: str(v.month) == "2023-01-01")
        self.assertEqual(value.value, 293.9)
