import base64
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import format_date
from odoo.tools.safe_eval import safe_eval

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestNotice(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("maintenance_contract_it.termination_reason_price")

    def _notice_form(self, contract):
        action = contract.with_user(self.manager).action_open_notice_wizard()
        return Form(
            self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"])
        )

    def _give_notice(self, contract, **values):
        wizard = self._notice_form(contract)
        wizard.reason_id = self.reason
        for name, value in values.items():
            setattr(wizard, name, value)
        wizard = wizard.save()
        wizard.action_confirm()
        return wizard

    def test_notice_deadline_months_and_days(self):
        contract = self._create_contract()
        self.assertEqual(contract.notice_deadline, date(2026, 9, 30))
        contract.notice_period_unit = "day"
        contract.notice_period = 30
        self.assertEqual(contract.notice_deadline, date(2026, 12, 1))
        contract.action_activate()
        with freeze_time("2027-01-01"):
            self._run_term_job()
        self.assertEqual(contract.notice_deadline, date(2027, 12, 1))

    def test_notice_deadline_searchable(self):
        contract = self._create_active_contract()
        found = self.env["maintenance.contract"].search(
            [("notice_deadline", ">=", "2026-09-01"), ("notice_deadline", "<=", "2026-10-01")]
        )
        self.assertIn(contract, found)

    def test_notice_deadline_soon_filter(self):
        """The search filter keeps the active contracts with tacit renewal whose notice
        deadline is within 30 days, relative to today."""
        arch = self.env["maintenance.contract"].get_view(
            self.env.ref("maintenance_contract_it.maintenance_contract_view_search").id, "search"
        )["arch"]
        domain_source = etree.fromstring(arch).xpath("//filter[@name='notice_deadline_soon']")[0]
        soon = self._create_active_contract()  # deadline 30 Sep 2026
        later = self._create_active_contract(notice_period=1)  # deadline 30 Nov 2026
        noticed = self._create_active_contract()
        noticed._write_step({"termination_date": noticed.date_end})
        with freeze_time("2026-09-05"):
            domain = safe_eval(
                domain_source.get("domain"),
                {"context_today": datetime.now, "relativedelta": relativedelta},
            )
            found = self.env["maintenance.contract"].search(domain)
        self.assertIn(soon, found)
        self.assertNotIn(later, found)
        self.assertNotIn(noticed, found)

    @freeze_time("2026-09-15")
    def test_notice_in_time(self):
        contract = self._create_active_contract()
        wizard = self._notice_form(contract)
        self.assertEqual(wizard.normal_end_date, date(2026, 12, 31))
        self.assertTrue(wizard.in_time)
        wizard.channel = "email"
        wizard.reason_id = self.reason
        wizard.save().action_confirm()
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.notice_date, date(2026, 9, 15))
        self.assertEqual(contract.notice_given_by, "customer")
        self.assertEqual(contract.notice_channel, "email")
        self.assertEqual(contract.termination_reason_id, self.reason)
        self.assertEqual(contract.termination_date, date(2026, 12, 31))
        self.assertTrue(self._messages(contract, "Notice of termination received"))
        with freeze_time("2026-12-31"):
            self._run_term_job()
        self.assertEqual(contract.state, "active")
        with freeze_time("2027-01-01"):
            self._run_term_job()
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(contract.date_end, date(2026, 12, 31))
        self.assertEqual(contract.renewal_count, 0)

    @freeze_time("2026-10-01")
    def test_late_notice_ends_after_next_term(self):
        contract = self._create_active_contract()
        wizard = self._give_notice(contract, given_by="provider")
        self.assertFalse(wizard.in_time)
        self.assertEqual(contract.termination_date, date(2027, 12, 31))
        self.assertTrue(self._messages(contract, "given to the customer"))
        with freeze_time("2027-01-01"):
            self._run_term_job()
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        self.assertEqual(contract.renewal_count, 1)
        with freeze_time("2028-01-01"):
            self._run_term_job()
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(contract.renewal_count, 1)

    @freeze_time("2026-10-01")
    def test_late_notice_without_tacit_renewal_ends_this_term(self):
        contract = self._create_active_contract(tacit_renewal=False)
        self._give_notice(contract)
        self.assertEqual(contract.termination_date, date(2026, 12, 31))

    @freeze_time("2026-09-15")
    def test_notice_refused(self):
        draft = self._create_contract()
        with self.assertRaisesRegex(UserError, "Notice can only be given on an active contract"):
            draft.with_user(self.manager).action_open_notice_wizard()
        contract = self._create_active_contract()
        with self.assertRaisesRegex(AccessError, "Only a contract manager"):
            contract.with_user(self.user).action_open_notice_wizard()
        self._give_notice(contract)
        with self.assertRaisesRegex(UserError, "Notice was already given"):
            contract.with_user(self.manager).action_open_notice_wizard()
        with self.assertRaisesRegex(UserError, "cannot be renewed"):
            contract.with_user(self.manager).action_open_renew_wizard()

    @freeze_time("2026-03-10")
    def test_early_termination_dates_checked(self):
        contract = self._create_active_contract()
        wizard = self._notice_form(contract)
        wizard.early_termination = True
        wizard.date_effective = date(2026, 3, 1)
        with self.assertRaisesRegex(UserError, "before the notice is received"):
            wizard.save().action_confirm()
        wizard.date_effective = date(2027, 1, 31)
        with self.assertRaisesRegex(
            UserError, f"on or before {format_date(self.env, date(2026, 12, 31))}"
        ):
            wizard.save().action_confirm()
        self.assertFalse(contract.termination_date)

    @freeze_time("2026-03-10")
    def test_early_termination_fixed_penalty(self):
        contract = self._create_active_contract(
            termination_penalty_type="fixed", termination_penalty_fixed=500.0
        )
        wizard = self._notice_form(contract)
        wizard.reason_id = self.reason
        wizard.early_termination = True
        wizard.date_effective = date(2026, 6, 30)
        self.assertEqual(wizard.penalty_amount, 500.0)
        wizard.save().action_confirm()
        self.assertEqual(contract.termination_date, date(2026, 6, 30))
        self.assertTrue(contract.early_termination)
        invoice = self.env["account.move"].search([("contract_id", "=", contract.id)])
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.amount_total, 500.0)
        self.assertEqual(contract.with_user(self.manager).invoice_count, 1)
        action = contract.with_user(self.manager).action_view_invoices()
        self.assertEqual(self.env["account.move"].search(action["domain"]), invoice)
        with freeze_time("2026-07-01"):
            self._run_term_job()
        self.assertEqual(contract.state, "terminated")

    @freeze_time("2026-03-10")
    def test_early_termination_percentage_penalty(self):
        contract = self._create_active_contract(
            termination_penalty_type="percent", termination_penalty_percent=20.0
        )
        self.assertEqual(contract.amount_yearly, 3000.0)  # 10 x 25 a month
        wizard = self._notice_form(contract)
        wizard.early_termination = True
        wizard.date_effective = date(2026, 6, 30)
        # 6 months left of 250 = 1500, 20 % = 300
        self.assertEqual(wizard.penalty_amount, 300.0)
        wizard.date_effective = date(2026, 12, 15)
        # half a month left: 16 days of December
        self.assertAlmostEqual(wizard.penalty_amount, round(250 * 16 / 31 * 0.2, 2))
        wizard.date_effective = date(2026, 6, 30)
        wizard.save().action_confirm()
        invoice = self.env["account.move"].search([("contract_id", "=", contract.id)])
        self.assertEqual(invoice.amount_total, 300.0)

    @freeze_time("2026-10-01")
    def test_late_notice_early_termination_penalty_until_next_term(self):
        contract = self._create_active_contract(
            termination_penalty_type="percent", termination_penalty_percent=20.0
        )
        wizard = self._notice_form(contract)
        wizard.early_termination = True
        wizard.date_effective = date(2027, 6, 30)
        # late notice: the contract was due until 31 Dec 2027, 6 months of 250 left
        self.assertEqual(wizard.penalty_amount, 300.0)

    @freeze_time("2026-03-10")
    def test_early_termination_without_penalty_or_invoice(self):
        contract = self._create_active_contract()
        wizard = self._give_notice(contract, early_termination=True, date_effective="2026-04-30")
        self.assertEqual(wizard.penalty_amount, 0.0)
        fixed = self._create_active_contract(
            termination_penalty_type="fixed", termination_penalty_fixed=100.0
        )
        self._give_notice(
            fixed, early_termination=True, date_effective="2026-04-30", create_invoice=False
        )
        self.assertFalse(
            self.env["account.move"].search([("contract_id", "in", (contract | fixed).ids)])
        )

    @freeze_time("2026-03-10")
    def test_early_termination_in_the_past_terminates_now(self):
        contract = self._create_active_contract()
        self._give_notice(
            contract,
            notice_date=date(2026, 3, 1),
            early_termination=True,
            date_effective=date(2026, 3, 5),
        )
        self.assertEqual(contract.state, "terminated")

    @freeze_time("2026-09-15")
    def test_proof_and_acknowledgement(self):
        self.company.maintenance_auto_send_termination_ack = True
        contract = self._create_active_contract()
        self.assertTrue(self._notice_form(contract).send_acknowledgement)
        self.env["maintenance.contract.notice.wizard"].with_user(self.manager).create(
            {
                "contract_id": contract.id,
                "reason_id": self.reason.id,
                "proof": base64.b64encode(b"%PDF-1.4 registered letter"),
                "proof_filename": "letter.pdf",
            }
        ).action_confirm()
        self.assertEqual(contract.notice_attachment_id.name, "letter.pdf")
        self.assertEqual(contract.notice_attachment_id.res_id, contract.id)
        ack = contract.message_ids.filtered(
            lambda m: "termination of your contract" in (m.subject or "")
        )
        self.assertEqual(len(ack), 1)
        self.assertIn(self.customer, ack.partner_ids)
        end = format_date(self.env, date(2026, 12, 31), lang_code=self.customer.lang)
        self.assertIn(end, ack.body)

    @freeze_time("2026-09-15")
    def test_no_acknowledgement_by_default(self):
        contract = self._create_active_contract()
        self._give_notice(contract)
        self.assertFalse(
            contract.message_ids.filtered(lambda m: "termination of your" in (m.subject or ""))
        )


@tagged("post_install", "-at_install")
class TestNoticeTour(HttpCase):
    def test_give_notice_tour(self):
        # The tour reads English labels: the test database's administrator works in French.
        self.env["res.lang"]._activate_lang("en_US")
        self.env.ref("base.user_admin").lang = "en_US"
        customer = self.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        policy = self.env["maintenance.sla.policy"].create(
            {"name": "Tour policy", "calendar_id": self.env.company.resource_calendar_id.id}
        )
        contract = self.env["maintenance.contract"].create(
            {
                "partner_id": customer.id,
                "date_start": fields.Date.context_today(customer),
                "zero_fee_reason": "Tour",
                "sla_policy_id": policy.id,
            }
        )
        contract.action_activate()
        self.start_tour(
            f"/odoo/action-maintenance_contract_it.maintenance_contract_action/{contract.id}",
            "maintenance_contract_give_notice",
            login="admin",
        )
        self.assertEqual(contract.notice_channel, "email")
        self.assertEqual(
            contract.termination_reason_id,
            self.env.ref("maintenance_contract_it.termination_reason_price"),
        )
        self.assertEqual(contract.termination_date, contract.date_end)
        self.assertEqual(contract.state, "active")
