from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_billing import BillingCommon

CONTRACT = "odoo.addons.maintenance_contract_it.models.maintenance_contract.MaintenanceContract"
TODAY = "2027-03-15"


@tagged("post_install", "-at_install")
class TestBillingOverdue(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.maintenance_overdue_activity_days = 10
        cls.immediate = cls.env.ref("account.account_payment_term_immediate")
        # the to-dos are written in the language of their user
        cls.user.lang = "en_US"

    @classmethod
    def _billing_contract(cls, date_start, price=300.0, activate=True, partner=None, **values):
        values.setdefault("payment_term_id", cls.immediate.id)
        return super()._billing_contract(date_start, price, activate, partner, **values)

    def _posted_invoices(self, contract, day=date(2027, 3, 1)):
        """The monthly invoices (in advance, due on their date) of January to March 2027,
        each issued by the job of its month's first day (an invoice is dated the day it is
        issued)."""
        moves = self.env["account.move"]
        for month in range(1, day.month + 1):
            moves |= self._invoice(contract, min(day, date(day.year, month, 1)))
        moves.action_post()
        return moves.sorted("invoice_date")

    def _pay(self, move, amount=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount} if amount is not None else {})
        )
        wizard._create_payments()

    def _todos(self, contract):
        return contract.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
            and "Overdue invoice" in (a.summary or "")
        )

    @freeze_time(TODAY)
    def test_amount_due_and_overdue(self):
        contract = self._billing_contract("2027-01-01", price=100.0)
        other = self._billing_contract("2027-01-01", price=50.0)
        jan, feb, mar = self._posted_invoices(contract)
        self._posted_invoices(other)
        # 100 + 20% VAT each; all three due on their invoice date
        self.assertEqual(jan.amount_total, 120.0)
        self.assertEqual(mar.invoice_date_due, date(2027, 3, 1))
        contract.invalidate_recordset()
        self.assertEqual(contract.amount_due, 360.0)
        self.assertEqual(contract.amount_overdue, 360.0)
        self.assertEqual(other.amount_due, 180.0)
        # January paid, February half paid, March due in the future
        self._pay(jan)
        self._pay(feb, 50.0)
        mar.invoice_date_due = date(2027, 4, 1)
        contract.invalidate_recordset()
        self.assertEqual(contract.amount_due, 70.0 + 120.0)
        self.assertEqual(contract.amount_overdue, 70.0)
        # a posted credit note of the contract counts negative
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "contract_id": contract.id,
                "invoice_date": date(2027, 3, 2),
                "invoice_payment_term_id": self.immediate.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.fee_product.id, "price_unit": 100.0})
                ],
            }
        )
        credit.action_post()
        contract.invalidate_recordset()
        self.assertEqual(credit.amount_residual, 120.0)
        self.assertEqual(contract.amount_due, 70.0)
        self.assertEqual(contract.amount_overdue, 70.0 - 120.0)
        # drafts do not count
        self._invoice(contract, date(2027, 4, 1))
        contract.invalidate_recordset()
        self.assertEqual(contract.amount_due, 70.0)
        # grouped query: one _read_group per amount for all the contracts
        (contract | other).invalidate_recordset()
        with patch.object(
            type(self.env["account.move"]),
            "_read_group",
            autospec=True,
            side_effect=type(self.env["account.move"])._read_group,
        ) as read_group:
            (contract | other).mapped("amount_due")
        self.assertEqual(read_group.call_count, 2)
        self.assertEqual(other.amount_overdue, 180.0)

    @freeze_time(TODAY)
    def test_search_overdue(self):
        late = self._billing_contract("2027-01-01")
        paid = self._billing_contract("2027-01-01")
        not_due = self._billing_contract(
            "2027-01-01", payment_term_id=self.env.ref("account.account_payment_term_30days").id
        )
        self._posted_invoices(late)
        for move in self._posted_invoices(paid):
            self._pay(move)
        self._invoice(not_due, date(2027, 3, 1))
        not_due_moves = not_due.period_ids.move_id
        not_due_moves.write({"invoice_date": date(2027, 3, 1)})
        not_due_moves.action_post()
        self.assertTrue(all(m.invoice_date_due > date(2027, 3, 15) for m in not_due_moves))
        contracts = late | paid | not_due
        Contract = self.env["maintenance.contract"].with_user(self.accountant)
        found = Contract.search([("id", "in", contracts.ids), ("amount_overdue", ">", 0)])
        self.assertEqual(found, late)
        self.assertEqual(late.amount_overdue, 1080.0)
        found = Contract.search([("id", "in", contracts.ids), ("amount_overdue", "=", 0)])
        self.assertEqual(found, paid | not_due)
        self.assertEqual(
            Contract.search([("id", "in", contracts.ids), ("amount_overdue", ">", 1080)]),
            Contract.browse(),
        )

    def test_fields_internal(self):
        contract = self._billing_contract("2027-01-01")
        fields = ["amount_due", "amount_overdue"]
        contract.with_user(self.user).check_field_access_rights("read", fields)
        portal = new_test_user(self.env, login="mcit_overdue_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            contract.with_user(portal).check_field_access_rights("read", fields)

    def _run_job(self):
        return self.env["maintenance.contract"]._cron_overdue_invoice_activities()

    def test_overdue_activity_once(self):
        contract = self._billing_contract("2027-01-01", user_id=self.user.id)
        with freeze_time("2027-03-01"):
            jan, feb, mar = self._posted_invoices(contract)
        self._pay(feb)
        # March 10: January overdue by 9 days at most -> too early for all
        with freeze_time("2027-01-10"):
            self._run_job()
        self.assertFalse(self._todos(contract))
        with freeze_time("2027-01-11"):
            self._run_job()
        todo = self._todos(contract)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.user)
        self.assertIn(jan.name, todo.summary)
        self.assertEqual(jan.maintenance_overdue_activity_date, date(2027, 1, 11))
        # done, the job runs again: no new to-do for January
        todo.action_done()
        with freeze_time("2027-03-11"):
            self._run_job()
        todo = self._todos(contract)
        # February is paid: only March
        self.assertEqual(len(todo), 1)
        self.assertIn(mar.name, todo.summary)
        self.assertFalse(feb.maintenance_overdue_activity_date)
        with freeze_time("2027-03-20"):
            self._run_job()
        self.assertEqual(len(self._todos(contract)), 1)
        # the marker claims once even when called directly again
        self.assertFalse(mar._maintenance_overdue_activity(date(2027, 3, 20)))

    def test_overdue_activity_disabled(self):
        self.company.maintenance_overdue_activity_days = 0
        contract = self._billing_contract("2027-01-01")
        with freeze_time("2027-03-01"):
            self._posted_invoices(contract)
        with freeze_time("2027-06-01"):
            self._run_job()
        self.assertFalse(self._todos(contract))

    def test_overdue_activity_bad_record(self):
        good = self._billing_contract("2027-01-01", user_id=self.user.id)
        bad = self._billing_contract("2027-01-01", user_id=self.user.id)
        with freeze_time("2027-01-01"):
            good_move = self._posted_invoices(good, date(2027, 1, 1))
            bad_move = self._posted_invoices(bad, date(2027, 1, 1))
        original = type(good)._get_account_team

        def get_account_team(contract, *args, **kwargs):
            if contract == bad:
                raise ValueError("broken contract")
            return original(contract, *args, **kwargs)

        with (
            freeze_time("2027-02-01"),
            patch(f"{CONTRACT}._get_account_team", autospec=True, side_effect=get_account_team),
            mute_logger("odoo.addons.maintenance_contract_it.tools.jobs"),
        ):
            failed = self._run_job()
        self.assertEqual(failed, bad_move)
        self.assertEqual(len(self._todos(good)), 1)
        self.assertFalse(self._todos(bad))
        # the failed claim was rolled back: the next run makes it
        self.assertFalse(bad_move.maintenance_overdue_activity_date)
        self.assertTrue(good_move.maintenance_overdue_activity_date)
        with freeze_time("2027-02-02"):
            self._run_job()
        self.assertEqual(len(self._todos(bad)), 1)
        self.assertEqual(len(self._todos(good)), 1)

    def test_overdue_activity_in_assignee_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.user.lang = "fr_FR"
        contract = self._billing_contract("2027-01-01", user_id=self.user.id)
        with freeze_time("2027-01-01"):
            move = self._posted_invoices(contract, date(2027, 1, 1))
        with freeze_time("2027-02-01"):
            self._run_job()
        todo = contract.activity_ids.filtered(
            lambda a: a.summary == f"Facture en retard {move.name}"
        )
        self.assertEqual(len(todo), 1)
        self.assertIn("01/01/2027", str(todo.note))

    def test_grouped_invoice(self):
        """An invoice per customer carries two contracts: each contract sees it, its amount
        due is shared in proportion of their lines, it gets one overdue to-do."""
        first = self._billing_contract(
            "2027-01-01", price=100.0, invoice_grouping="customer", user_id=self.user.id
        )
        second = self._billing_contract(
            "2027-01-01", price=300.0, invoice_grouping="customer", user_id=self.accountant.id
        )
        with freeze_time("2027-01-01"):
            move = self._invoice(first | second, date(2027, 1, 1))
            move.action_post()
        self.assertEqual(len(move), 1)
        self.assertFalse(move.contract_id)
        self.assertEqual(move.maintenance_contract_ids, first | second)
        # (100 + 300) + 20% VAT = 480, 120 paid: 360 left, shared 100/400 and 300/400
        self.assertEqual(move.amount_total, 480.0)
        self._pay(move, 120.0)
        with freeze_time("2027-01-15"):
            (first | second).invalidate_recordset()
            self.assertEqual(first.amount_due, 90.0)
            self.assertEqual(first.amount_overdue, 90.0)
            self.assertEqual(second.amount_due, 270.0)
            self.assertEqual(second.amount_overdue, 270.0)
            Contract = self.env["maintenance.contract"].with_user(self.accountant)
            contracts = [("id", "in", (first | second).ids)]
            self.assertEqual(
                Contract.search([*contracts, ("amount_overdue", ">", 0)]), first | second
            )
            self.assertEqual(Contract.search([*contracts, ("amount_overdue", ">", 100)]), second)
        # the Invoices smart button of each contract
        for contract in (first, second):
            contract.invalidate_recordset()
            self.assertEqual(contract.with_user(self.accountant).invoice_count, 1)
            action = contract.with_user(self.accountant).action_view_invoices()
            self.assertEqual(self.env["account.move"].search(action["domain"]), move)
        # one to-do for the invoice, on the first contract by reference, naming both
        head, other = (first | second).sorted("name")
        with freeze_time("2027-01-11"):
            self._run_job()
        todo = self._todos(head)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, head.user_id)
        self.assertIn(move.name, todo.summary)
        self.assertIn(first.name, str(todo.note))
        self.assertIn(second.name, str(todo.note))
        self.assertFalse(self._todos(other))
        with freeze_time("2027-01-12"):
            self._run_job()
        self.assertEqual(len(self._todos(head) | self._todos(other)), 1)
