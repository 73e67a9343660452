"""Records only the module's steps write (renewal terms, reminder log), the company rule of
every model, the company's costs hidden from customers and plain users, and dates checked
where they are entered. Every check as the user concerned."""

from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import MaintenanceContractCommon

MODULE = "maintenance_contract_it"

# Models of the module that hold no data of a company, or whose rows a company rule of
# another model already filters: why each one needs no company rule of its own.
COMPANY_RULE_EXEMPT = {
    "maintenance.termination.reason": "shared list of reasons, no company data",
    "maintenance.contract.equipment.category": "shared list of equipment categories",
    "maintenance.contract.create.wizard": "transient wizard, its contract is checked",
    "maintenance.contract.fee.correction.wizard": "transient wizard, its contract is checked",
    "maintenance.contract.fee.correction.wizard.line": "transient line of the wizard above",
    "maintenance.contract.notice.wizard": "transient wizard, its contract is checked",
    "maintenance.contract.renew.wizard": "transient wizard, its contract is checked",
    "maintenance.contract.revision.wizard": "transient wizard, its contracts are checked",
    "maintenance.contract.revision.wizard.line": "transient line of the wizard above",
}

# Fields the module adds to res.company and res.users, readable by anyone who can read the
# record (harmless settings), and the ones for contract managers only.
PUBLIC_FIELDS = {
    "res.company": {
        "maintenance_notice_reminder_days": "reminder setting",
        "maintenance_end_reminder_days": "reminder setting",
        "maintenance_revision_reminder_days": "reminder setting",
        "maintenance_auto_send_renewal_notice": "email setting",
        "maintenance_auto_send_revision_notice": "email setting",
        "maintenance_auto_send_termination_ack": "email setting",
        "maintenance_invoice_auto_post": "invoicing setting",
        "maintenance_analytic_account": "invoicing setting",
        "maintenance_extra_product_id": "product sold to customers",
        "maintenance_activate_on_signature": "signing setting",
        "maintenance_overdue_activity_days": "reminder setting",
        # printed on every invoice the customer receives
        "maintenance_invoice_legal_mentions": "legal mention printed on invoices",
        "maintenance_late_penalty_basis": "legal mention printed on invoices",
        "maintenance_late_penalty_rate": "legal mention printed on invoices",
        "maintenance_recovery_indemnity": "legal mention printed on invoices",
        "maintenance_invoice_legal_note": "legal mention printed on invoices",
    },
    "res.users": {},
}
MANAGER_FIELDS = {
    "res.company": {"maintenance_hourly_cost"},
    "res.users": {"maintenance_hourly_cost"},
}


def module_fields(model):
    return {name for name, field in model._fields.items() if field._module == MODULE}


@tagged("post_install", "-at_install")
class TestStepRecords(MaintenanceContractCommon):
    """Renewal terms and reminder logs are written by the module's steps only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_active_contract(date_start="2026-01-01")
        cls.term = cls.contract.term_ids

    def test_user_cannot_forge_a_term(self):
        self.assertEqual(len(self.term), 1)
        values = dict(self.contract._prepare_next_term_values(), renewal_type="tacit", sequence=1)
        for user in (self.user, self.manager):
            with self.subTest(user=user.login):
                terms = self.env["maintenance.contract.term"].with_user(user)
                with self.assertRaisesRegex(UserError, "cannot be created, changed or deleted"):
                    terms.create(values)
                with self.assertRaisesRegex(UserError, "cannot be created, changed or deleted"):
                    self.term.with_user(user).write({"date_end": "2099-12-31"})
                with self.assertRaisesRegex(UserError, "cannot be created, changed or deleted"):
                    self.term.with_user(user).unlink()
        self.assertEqual(self.term.date_end, date(2026, 12, 31))
        # the renewal step still records its term
        with freeze_time("2027-01-01"):
            self.env["maintenance.contract"]._cron_process_term_ends()
        self.assertEqual(self.contract.term_ids.mapped("sequence"), [0, 1])
        self.assertEqual(self.contract.date_end, date(2027, 12, 31))

    def test_user_cannot_forge_a_reminder_log(self):
        activity_type = self.env.ref(f"{MODULE}.mail_activity_type_notice_deadline")
        values = {
            "contract_id": self.contract.id,
            "activity_type_id": activity_type.id,
            "date": self.contract.notice_deadline,
        }
        for user in (self.user, self.manager):
            with self.subTest(user=user.login):
                reminders = self.env["maintenance.contract.reminder"].with_user(user)
                with self.assertRaisesRegex(UserError, "cannot be created, changed or deleted"):
                    reminders.create(values)
        self.assertFalse(
            self.env["maintenance.contract.reminder"].search(
                [("contract_id", "=", self.contract.id)]
            )
        )
        # the job makes the reminder, and logs it
        with freeze_time(self.contract.notice_deadline - relativedelta(days=30)):
            self.env["maintenance.contract"]._cron_send_reminders()
        log = self.env["maintenance.contract.reminder"].search(
            [("contract_id", "=", self.contract.id), ("activity_type_id", "=", activity_type.id)]
        )
        self.assertEqual(len(log), 1)
        with self.assertRaisesRegex(UserError, "cannot be created, changed or deleted"):
            log.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "cannot be created, changed or deleted"):
            log.with_user(self.manager).write({"date": "2020-01-01"})


@tagged("post_install", "-at_install")
class TestCompanyRules(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Other Company (test)"})
        cls.manager_b = new_test_user(
            cls.env,
            login="mcit_manager_b",
            groups=f"{MODULE}.group_maintenance_contract_manager",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.contract = cls._create_active_contract(prepaid_hours_mode="none")
        cls.block = cls.env["maintenance.contract.prepaid.block"].create(
            {"contract_id": cls.contract.id, "hours": 10.0, "date": "2026-01-01"}
        )

    def _module_models(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if model._original_module == MODULE and not model._abstract
        )

    def test_every_model_has_a_company_rule(self):
        rules = self.env["ir.rule"].sudo().search([("global", "=", True)])
        ruled = {
            rule.model_id.model for rule in rules if "company_ids" in (rule.domain_force or "")
        }
        models = self._module_models()
        self.assertIn("maintenance.contract.prepaid.block", models)
        missing = [name for name in models if name not in ruled and name not in COMPANY_RULE_EXEMPT]
        self.assertEqual(missing, [], "models without a company rule nor a stated reason")
        # the exemptions are about models that exist, without company data
        for name in COMPANY_RULE_EXEMPT:
            self.assertIn(name, models)
            self.assertNotIn(name, ruled, f"{name} has a company rule: drop its exemption")

    def test_other_company_cannot_read_change_or_delete_prepaid_blocks(self):
        block = self.block.with_user(self.manager_b)
        self.assertFalse(
            self.env["maintenance.contract.prepaid.block"]
            .with_user(self.manager_b)
            .search([("id", "=", self.block.id)])
        )
        with self.assertRaises(AccessError):
            block.read(["hours"])
        with self.assertRaises(AccessError):
            block.write({"hours": 1000.0})
        with self.assertRaises(AccessError):
            block.unlink()
        self.assertEqual(self.block.hours, 10.0)
        # the contract's own company manager still can
        self.block.with_user(self.manager).write({"hours": 12.0})
        self.assertEqual(self.block.hours, 12.0)


@tagged("post_install", "-at_install")
class TestCompanyFieldsRead(MaintenanceContractCommon, HttpCase):
    """Every field the module adds to res.company and res.users, read by a customer over
    JSON-RPC and by a plain user: the costs are refused, the settings are readable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.maintenance_hourly_cost = 42.0
        cls.portal = new_test_user(
            cls.env,
            login="mcit_fields_portal",
            password="mcit_fields_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )
        cls.employee = new_test_user(cls.env, login="mcit_employee", groups="base.group_user")

    def test_every_added_field_is_classified(self):
        for model in ("res.company", "res.users"):
            added = module_fields(self.env[model])
            self.assertIn("maintenance_hourly_cost", added)
            unclassified = added - set(PUBLIC_FIELDS[model]) - MANAGER_FIELDS[model]
            self.assertFalse(unclassified, f"{model}: say who may read {unclassified}")

    def _records(self, user):
        return {"res.company": self.company.id, "res.users": user.id}

    def test_plain_users_read_the_settings_not_the_costs(self):
        for user in (self.user, self.employee):
            for model, record_id in self._records(user).items():
                record = self.env[model].with_user(user).browse(record_id)
                for fname in sorted(module_fields(self.env[model])):
                    with self.subTest(user=user.login, field=f"{model}.{fname}"):
                        record.invalidate_recordset()
                        if fname in MANAGER_FIELDS[model]:
                            with self.assertRaises(AccessError):
                                record.read([fname])
                        else:
                            record.read([fname])
        # managers read the cost
        company = self.company.with_user(self.manager)
        self.assertEqual(
            company.read(["maintenance_hourly_cost"])[0]["maintenance_hourly_cost"], 42
        )

    def test_portal_user_reads_no_cost_over_json_rpc(self):
        self.authenticate("mcit_fields_portal", "mcit_fields_portal")
        for model, record_id in self._records(self.portal).items():
            for fname in sorted(module_fields(self.env[model])):
                with self.subTest(field=f"{model}.{fname}"):
                    params = {
                        "model": model,
                        "method": "read",
                        "args": [[record_id], [fname]],
                        "kwargs": {},
                    }
                    if fname in MANAGER_FIELDS[model]:
                        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                            self.make_jsonrpc_request("/web/dataset/call_kw", params)
                    else:
                        self.make_jsonrpc_request("/web/dataset/call_kw", params)


@tagged("post_install", "-at_install")
class TestEnteredDates(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.contract = cls._create_active_contract(
            date_start=cls.today - relativedelta(months=2), user_id=cls.manager.id
        )

    def _notice_wizard(self, contract, notice_date):
        return (
            self.env["maintenance.contract.notice.wizard"]
            .with_user(self.manager)
            .create({"contract_id": contract.id, "notice_date": notice_date})
        )

    def test_notice_date_within_the_contract_life(self):
        wizard = self._notice_wizard(self.contract, self.today - relativedelta(months=3))
        with self.assertRaisesRegex(UserError, "before the contract .* starts"):
            wizard.action_confirm()
        wizard = self._notice_wizard(self.contract, self.today + relativedelta(days=1))
        with self.assertRaisesRegex(UserError, "cannot be received in the future"):
            wizard.action_confirm()
        self.assertFalse(self.contract.notice_date)
        self._notice_wizard(self.contract, self.today).action_confirm()
        self.assertEqual(self.contract.notice_date, self.today)

    def test_portal_notice_before_the_contract_starts(self):
        future = self._create_active_contract(date_start=self.today + relativedelta(months=1))
        self.customer_contact.maintenance_can_give_notice = True
        with self.assertRaisesRegex(UserError, "before the contract .* starts"):
            future.sudo()._portal_give_notice(self.customer_contact)
        self.assertFalse(future.notice_date)

    def test_amendment_effective_within_the_contract_life(self):
        amendments = self.env["maintenance.contract.amendment"].with_user(self.user)
        values = {"contract_id": self.contract.id, "reason": "x", "date_end_new": "2030-12-31"}
        with self.assertRaisesRegex(ValidationError, "before its contract starts"):
            amendments.create(dict(values, date_effective="1900-01-01"))
        amendment = amendments.create(dict(values, date_effective=self.contract.date_start))
        with self.assertRaisesRegex(ValidationError, "before its contract starts"):
            amendment.date_effective = self.contract.date_start - relativedelta(days=1)

    def test_terms_bounded_to_99_years(self):
        template = self.template.with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "cannot exceed 99 years"):
            template.write({"initial_term": 100000, "initial_term_unit": "year"})
        with self.assertRaisesRegex(ValidationError, "cannot exceed 99 years"):
            template.write({"renewal_term": 1189, "renewal_term_unit": "month"})
        # (a refused write leaves its values in the cache of the test: all are rewritten)
        template.write(
            {
                "initial_term": 99,
                "initial_term_unit": "year",
                "renewal_term": 12,
                "renewal_term_unit": "month",
            }
        )
        self.assertEqual(template.initial_term, 99)
        vals = dict(
            self.template._prepare_contract_values(self.customer),
            initial_term=100000,
            initial_term_unit="year",
        )
        contracts = self.env["maintenance.contract"].with_user(self.user)
        draft = contracts.create(dict(vals, initial_term=12, initial_term_unit="month"))
        with self.assertRaisesRegex(ValidationError, "cannot exceed 99 years"):
            draft.write({"initial_term": 100000, "initial_term_unit": "year"})
        with self.assertRaisesRegex(ValidationError, "cannot exceed 99 years"):
            draft.write({"notice_period": 40000, "notice_period_unit": "day"})
        with self.assertRaisesRegex(ValidationError, "cannot exceed 99 years"):
            contracts.create(vals)

    def test_plain_user_confirming_a_due_amendment(self):
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": self.contract.id,
                "reason": "Longer",
                "date_effective": self.today,
                "date_end_new": self.contract.date_end + relativedelta(years=1),
            }
        )
        with self.assertRaisesRegex(UserError, "only a contract manager can do") as catcher:
            amendment.with_user(self.user).action_confirm()
        self.assertNotIsInstance(catcher.exception, AccessError)
        self.assertEqual(amendment.state, "draft")
        amendment.with_user(self.manager).action_confirm()
        self.assertEqual(amendment.state, "applied")
