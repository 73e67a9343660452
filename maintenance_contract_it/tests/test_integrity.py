"""Signed reports and manager-only steps cannot be bypassed by a direct write (RPC, import):
every check is made as the user concerned, through the public ORM methods that JSON-RPC
calls, and once through /web/dataset/call_kw itself."""

from contextlib import contextmanager
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import InterventionCommon, MaintenanceContractCommon

# a 1x1 PNG
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAAB"
    "JRU5ErkJggg=="
)


class RefusalMixin:
    @contextmanager
    def assertRefused(self, exception, pattern):
        """``assertRaisesRegex`` inside a savepoint (Odoo's ``assertRaises``), so that what the
        refused call did before raising is rolled back."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), pattern)


class TestSignedIntervention(RefusalMixin, InterventionCommon):
    """A signed intervention report is frozen, its parts and status included; only a manager
    can unlock it, which removes the signature and is logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls._create_intervention(
            summary="Power supply replaced",
            actual_start=datetime(2026, 3, 2, 8, 0),
            actual_end=datetime(2026, 3, 2, 10, 0),
            work_done="<p>Power supply replaced.</p>",
            part_ids=[Command.create({"name": "Power supply 550 W", "quantity": 1})],
        )
        cls.report.action_done()
        cls.report.write({"signature": SIGNATURE, "signed_by": "Claire Durand"})
        cls.report.action_sign()

    def _as(self, user):
        return self.report.with_user(user)

    def test_signed_report_cannot_go_back_to_planned(self):
        for user in (self.technician, self.manager):
            with self.subTest(user=user.login):
                with self.assertRefused(UserError, "only changes through its buttons"):
                    self._as(user).write({"state": "planned"})
        with self.assertRefused(UserError, "only changes through its buttons"):
            self.report.sudo().write({"state": "done"})
        self.assertEqual(self.report.state, "signed")

    def test_state_only_through_actions(self):
        planned = self._create_intervention()
        with self.assertRefused(UserError, "only changes through its buttons"):
            planned.with_user(self.technician).write({"state": "done"})
        with self.assertRefused(UserError, "only changes through its buttons"):
            self.env["maintenance.intervention"].with_user(self.technician).create(
                {"contract_id": self.contract.id, "state": "signed", "signed_by": "Forged"}
            )
        self.assertEqual(planned.state, "planned")
        # writing the same status is harmless (forms and imports send it back)
        planned.with_user(self.technician).write({"state": "planned", "summary": "Visit"})
        self.assertEqual(planned.summary, "Visit")

    def test_signed_report_is_frozen(self):
        for vals in (
            {"summary": "Something else"},
            {"scheduled_start": datetime(2026, 3, 1, 8, 0)},
            {"duration": 0.5},
            {"hourly_rate": 1.0},
            {"work_done": "<p>Nothing</p>"},
        ):
            with self.subTest(vals=vals):
                with self.assertRefused(UserError, "signed intervention report cannot be changed"):
                    self._as(self.technician).write(vals)
        self.assertEqual(self.report.summary, "Power supply replaced")
        self.assertEqual(self.report.duration, 2.0)
        # the chatter stays open
        self._as(self.technician).message_post(body="Customer called back: all good.")

    def test_parts_of_signed_report_are_frozen(self):
        part = self.report.part_ids
        parts = self.env["maintenance.intervention.part"].with_user(self.technician)
        with self.assertRefused(UserError, "parts cannot be changed"):
            parts.create({"intervention_id": self.report.id, "name": "Extra disk"})
        with self.assertRefused(UserError, "parts cannot be changed"):
            part.with_user(self.technician).write({"quantity": 5})
        with self.assertRefused(UserError, "parts cannot be changed"):
            part.with_user(self.technician).unlink()
        # moving a part of another report onto the signed one is refused too
        other = self._create_intervention(
            part_ids=[Command.create({"name": "Cable", "quantity": 1})]
        )
        with self.assertRefused(UserError, "parts cannot be changed"):
            other.part_ids.with_user(self.technician).write({"intervention_id": self.report.id})
        self.assertEqual(part.quantity, 1)
        self.assertEqual(len(self.report.part_ids), 1)

    def test_signed_report_cannot_be_deleted(self):
        with self.assertRefused(UserError, "is signed: it cannot be deleted"):
            self._as(self.manager).unlink()
        self.assertTrue(self.report.exists())

    def test_unlock_is_for_managers(self):
        with self.assertRaises(AccessError):
            self._as(self.technician).action_unlock()
        self.assertEqual(self.report.state, "signed")
        self.assertTrue(self.report.signature)

    def test_unlock_removes_the_signature_and_is_logged(self):
        self._as(self.manager).action_unlock()
        self.assertEqual(self.report.state, "done")
        self.assertFalse(self.report.signature)
        self.assertFalse(self.report.signed_by)
        self.assertFalse(self.report.signed_on)
        message = self.report.message_ids[:1]
        self.assertIn("Report unlocked by Contract Manager", message.body)
        self.assertIn("Claire Durand", message.body)
        self.assertEqual(message.author_id, self.manager.partner_id)
        # the report can be corrected, then must be signed again with a new signature
        self._as(self.technician).write({"duration": 1.5})
        with self.assertRefused(UserError, "signature and the signer's name are required"):
            self._as(self.technician).action_sign()
        self._as(self.technician).write({"signature": SIGNATURE, "signed_by": "Claire Durand"})
        self._as(self.technician).action_sign()
        self.assertEqual(self.report.state, "signed")
        with self.assertRefused(UserError, "Only a signed intervention report"):
            self._create_intervention().with_user(self.manager).action_unlock()


class TestContractLifecycleGuard(RefusalMixin, MaintenanceContractCommon):
    """The status, what the steps record and the term of a contract in force only change
    through the contract's actions; manager-only steps check the group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.draft = cls._create_contract()
        cls.active = cls._activate(cls._create_contract())

    def test_lifecycle_fields_refused_to_users_and_managers(self):
        for vals in (
            {"state": "draft"},
            {"state": "terminated"},
            {"termination_date": "2026-02-28"},
            {"notice_date": "2026-02-01"},
            {"notice_given_by": "customer"},
            {"renewal_count": 3},
        ):
            for user in (self.user, self.manager):
                with self.subTest(vals=vals, user=user.login):
                    with self.assertRefused(UserError, "only change through its actions"):
                        self.active.with_user(user).write(vals)
        with self.assertRefused(UserError, "only change through its actions"):
            self.active.sudo().write({"state": "expired"})
        self.assertEqual(self.active.state, "active")
        self.assertFalse(self.active.termination_date)
        self.assertEqual(self.active.renewal_count, 0)

    def test_term_of_contract_in_force_refused(self):
        date_end = self.active.date_end
        for vals in ({"date_end": "2030-12-31"}, {"initial_term": 48}):
            for user in (self.user, self.manager):
                with self.subTest(vals=vals, user=user.login):
                    with self.assertRefused(UserError, "through a renewal or an amendment"):
                        self.active.with_user(user).write(vals)
        self.assertEqual(self.active.date_end, date_end)

    def test_renewal_conditions_of_contract_in_force_are_for_managers(self):
        for vals in ({"notice_period": 1}, {"tacit_renewal": False}, {"renewal_term": 24}):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError):
                    self.active.with_user(self.user).write(vals)
        self.assertEqual(self.active.notice_period, 3)
        self.active.with_user(self.manager).write({"notice_period": 2})
        self.assertEqual(self.active.notice_period, 2)

    def test_renewal_conditions_read_only_in_the_form_for_users(self):
        """The form does not let a plain user type a change the save would refuse."""
        fnames = ("tacit_renewal", "renewal_term", "notice_period", "termination_penalty_type")
        with Form(self.active.with_user(self.user)) as form:
            for fname in fnames:
                with self.subTest(fname=fname), self.assertRaises(AssertionError):
                    setattr(form, fname, getattr(self.active, fname))
        with Form(self.active.with_user(self.manager)) as form:
            form.notice_period = 2
        self.assertEqual(self.active.notice_period, 2)
        with Form(self.draft.with_user(self.user)) as form:
            form.notice_period = 1
        self.assertEqual(self.draft.notice_period, 1)

    def test_draft_contract_stays_editable_by_users(self):
        self.draft.with_user(self.user).write(
            {"date_start": "2026-02-01", "initial_term": 24, "notice_period": 2}
        )
        self.assertEqual(self.draft.date_end, date(2028, 1, 31))
        # a user still creates and activates contracts
        contract = self._create_contract().with_user(self.user)
        contract.action_activate()
        self.assertEqual(contract.state, "active")

    def test_create_in_another_state_refused(self):
        vals = self.template._prepare_contract_values(self.customer)
        contracts = self.env["maintenance.contract"].with_user(self.user)
        # a contract made in force with its fee lines: the lines are refused first (fees of
        # a contract in force change only through an amendment), or its status
        in_force = "only change through its actions|change only through an amendment"
        with self.assertRefused(UserError, in_force):
            contracts.create(dict(vals, state="active"))
        with self.assertRefused(UserError, in_force):
            contracts.with_context(default_state="terminated").create(vals)
        with self.assertRefused(UserError, "only change through its actions"):
            contracts.create(dict(vals, termination_date="2026-06-30"))

    def test_manager_only_actions(self):
        cancelled = self._create_contract()
        cancelled.with_user(self.user).action_cancel()
        with self.assertRaises(AccessError):
            cancelled.with_user(self.user).action_reset_to_draft()
        with self.assertRaises(AccessError):
            self.active.with_user(self.user).action_open_notice_wizard()
        with self.assertRaises(AccessError):
            self.active.with_user(self.user).action_open_renew_wizard()
        cancelled.with_user(self.manager).action_reset_to_draft()
        self.assertEqual(cancelled.state, "draft")

    def test_steps_still_work(self):
        """Notice, renewal and the scheduled job go through the guard."""
        wizard = (
            self.env["maintenance.contract.notice.wizard"]
            .with_user(self.manager)
            .create({"contract_id": self.active.id, "notice_date": "2026-03-01"})
        )
        wizard.action_confirm()
        self.assertEqual(self.active.termination_date, date(2026, 12, 31))
        renewed = self._activate(self._create_contract(tacit_renewal=False))
        wizard = Form(
            self.env["maintenance.contract.renew.wizard"]
            .with_user(self.manager)
            .with_context(default_contract_id=renewed.id)
        )
        wizard.renewal_term = 6
        wizard.update_renewal_term = True
        wizard.save().action_renew()
        self.assertEqual(renewed.date_end, date(2027, 6, 30))
        self.assertEqual(renewed.renewal_count, 1)
        self.assertEqual(renewed.renewal_term, 6)
        tacit = self._activate(self._create_contract(date_start="2024-01-01"))
        self.env["maintenance.contract"]._cron_process_term_ends()
        self.assertEqual(tacit.state, "active")
        self.assertGreater(tacit.renewal_count, 0)
        self.assertGreaterEqual(tacit.date_end, date.today())


class TestAmendmentIntegrity(RefusalMixin, MaintenanceContractCommon):
    """An amendment only changes its own contract, and only a manager applies it early."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract_a = cls._activate(cls._create_contract())
        cls.contract_b = cls._activate(cls._create_contract())
        cls.fee_a = cls.contract_a.line_ids[0]
        cls.fee_b = cls.contract_b.line_ids[0]

    def _amendment(self, contract, fee, user=None):
        return (
            self.env["maintenance.contract.amendment"]
            .with_user(user or self.user)
            .create(
                {
                    "contract_id": contract.id,
                    "date_effective": "2099-01-01",
                    "reason": "New prices",
                    "line_ids": [
                        Command.create(
                            {
                                "operation": "update",
                                "contract_line_id": fee.id,
                                "name": fee.name,
                                "quantity": fee.quantity,
                                "price_unit": 1.0,
                            }
                        )
                    ],
                }
            )
        )

    def test_apply_is_for_managers(self):
        amendment = self._amendment(self.contract_a, self.fee_a)
        amendment.action_confirm()
        with self.assertRefused(AccessError, "Only a contract manager can apply an amendment"):
            amendment.action_apply()
        self.assertEqual(amendment.state, "confirmed")
        self.assertEqual(self.fee_a.price_unit, 25.0)
        amendment.with_user(self.manager).action_apply()
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(self.fee_a.price_unit, 1.0)

    def test_state_only_through_actions(self):
        amendment = self._amendment(self.contract_a, self.fee_a)
        with self.assertRefused(UserError, "only changes through its buttons"):
            amendment.write({"state": "confirmed"})
        amendment.action_confirm()
        with self.assertRefused(UserError, "only changes through its buttons"):
            amendment.with_user(self.manager).write({"state": "applied"})
        self.assertEqual(amendment.state, "confirmed")

    def test_contract_fixed_once_lines_chosen(self):
        amendment = self._amendment(self.contract_a, self.fee_a)
        for user in (self.user, self.manager):
            with self.subTest(user=user.login):
                with self.assertRefused(UserError, "cannot be changed once"):
                    amendment.with_user(user).write({"contract_id": self.contract_b.id})
        self.assertEqual(amendment.contract_id, self.contract_a)
        # confirmed without lines: fixed too
        sla = (
            self.env["maintenance.contract.amendment"]
            .with_user(self.user)
            .create(
                {
                    "contract_id": self.contract_a.id,
                    "date_effective": "2099-01-01",
                    "reason": "Better SLA",
                    "date_end_new": "2027-06-30",
                }
            )
        )
        sla.write({"contract_id": self.contract_b.id})  # still a draft without lines
        sla.action_confirm()
        with self.assertRefused(UserError, "cannot be changed once"):
            sla.write({"contract_id": self.contract_a.id})

    def test_foreign_fee_line_never_applied(self):
        """An amendment whose contract was changed after its lines were chosen (data from
        before the fix) neither passes its constraint nor applies to the other contract."""
        amendment = self._amendment(self.contract_a, self.fee_a)
        amendment.action_confirm()
        self.env.cr.execute(
            "UPDATE maintenance_contract_amendment_line SET contract_line_id = %s "
            "WHERE amendment_id = %s",
            [self.fee_b.id, amendment.id],
        )
        amendment.line_ids.invalidate_recordset()
        with self.assertRefused(ValidationError, "not lines of its contract"):
            amendment._check_fee_lines_contract()
        with self.assertRefused(UserError, "not lines of its contract"):
            amendment.with_user(self.manager).action_apply()
        self.assertEqual(self.fee_b.price_unit, 25.0)
        self.assertEqual(amendment.state, "confirmed")


class TestSmallerChecks(RefusalMixin, MaintenanceContractCommon):
    def test_notice_period_shorter_than_terms(self):
        contract = self._create_contract()
        for vals in (
            {"notice_period": 12},
            {"notice_period": 365, "notice_period_unit": "day"},
            {"renewal_term": 3},
            {"initial_term": 2},
        ):
            with self.subTest(vals=vals):
                with self.assertRefused(ValidationError, "must be shorter than its initial"):
                    contract.with_user(self.user).write(vals)
        contract.with_user(self.user).write({"notice_period": 11})
        self.assertEqual(contract.notice_period, 11)
        templates = self.env["maintenance.contract.template"].with_user(self.manager)
        with self.assertRefused(ValidationError, "must be shorter than its initial"):
            templates.create({"name": "Too long notice", "initial_term": 1, "notice_period": 1})
        with self.assertRefused(ValidationError, "must be shorter than its initial"):
            self.template.with_user(self.manager).write(
                {"renewal_term": 1, "renewal_term_unit": "year", "notice_period": 12}
            )
        templates.create(
            {
                "name": "Monthly",
                "initial_term": 1,
                "notice_period": 15,
                "notice_period_unit": "day",
                "renewal_term": 1,
            }
        )

    def test_index_values_must_be_positive(self):
        index = self.env["maintenance.price.index"].create({"name": "Test index", "code": "TST"})
        values = self.env["maintenance.price.index.value"].with_user(self.manager)
        for value in (0.0, -5.0):
            with self.subTest(value=value):
                with self.assertRefused(ValidationError, "must be positive"):
                    values.create({"index_id": index.id, "month": "2026-01-01", "value": value})
        good = values.create({"index_id": index.id, "month": "2026-01-01", "value": 280.5})
        with self.assertRefused(ValidationError, "must be positive"):
            good.write({"value": -1.0})
        self.assertEqual(good.value, 280.5)

    def test_reference_value_must_be_positive(self):
        contract = self._create_contract()
        with self.assertRefused(ValidationError, r"reference index value \(S0\)"):
            contract.with_user(self.manager).write({"revision_reference_value": -100.0})

    def test_first_term_of_renewed_contract_fixed(self):
        contract = self._activate(self._create_contract())
        contract._renew()
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        for vals in (
            {"date_start": "2026-02-01"},
            {"initial_term": 6},
            {"initial_term_unit": "year"},
        ):
            with self.subTest(vals=vals):
                with self.assertRefused(UserError, "has been renewed"):
                    contract.with_user(self.manager).write(vals)
                # not even a step of the contract or the superuser can do it
                with self.assertRefused(UserError, "has been renewed"):
                    contract.sudo()._write_step(vals)
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        self.assertEqual(contract.date_start, date(2026, 1, 1))


@tagged("post_install", "-at_install")
class TestIntegrityRpc(RefusalMixin, MaintenanceContractCommon, HttpCase):
    """The same guards over real JSON-RPC, as the web client and scripts call them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rpc_user = new_test_user(
            cls.env,
            login="mcit_rpc_user",
            groups="maintenance_contract_it.group_maintenance_contract_user",
            name="RPC User",
        )
        cls.contract = cls._activate(cls._create_contract())

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_write_state_over_rpc_refused(self):
        self.authenticate("mcit_rpc_user", "mcit_rpc_user")
        for vals in (
            {"state": "draft"},
            {"termination_date": "2026-01-31"},
            {"date_end": "2030-12-31"},
        ):
            with self.subTest(vals=vals):
                with self.assertRefused(JsonRpcException, "UserError"):
                    self._call_kw("maintenance.contract", "write", [[self.contract.id], vals])
        # the private context key cannot be forged from a client
        with self.assertRefused(JsonRpcException, "UserError"):
            self._call_kw(
                "maintenance.contract",
                "write",
                [[self.contract.id], {"state": "terminated"}],
                {"context": {"maintenance_step": True}},
            )
        self.contract.invalidate_recordset()
        self.assertEqual(self.contract.state, "active")
        self.assertFalse(self.contract.termination_date)
        self.assertEqual(self.contract.date_end, date(2026, 12, 31))
        # reading still works over the same route
        result = self._call_kw("maintenance.contract", "read", [[self.contract.id], ["state"]])
        self.assertEqual(result[0]["state"], "active")
