"""Invoice ↔ contract links: set by the billing code only, always to the invoice's own
customer, and never shown on another customer's portal page."""

import json
from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestInvoiceLinks(BillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Other Customer (links test)", "is_company": True}
        )
        cls.contract_a = cls._billing_contract("2027-01-01")
        cls.contract_b = cls._billing_contract("2027-01-01", partner=cls.customer_b)
        cls.move_a = cls.contract_a._billing_run(date(2027, 1, 1))
        cls.move_b = cls.contract_b._billing_run(date(2027, 1, 1))
        cls.period_a = cls.contract_a.period_ids
        cls.period_b = cls.contract_b.period_ids
        cls.move_a.action_post()
        # an invoicing user with every accounting right but the module's manager
        cls.invoicing_user = new_test_user(
            cls.env,
            login="mcit_links_accountant",
            groups="account.group_account_manager,"
            "maintenance_contract_it.group_maintenance_contract_user",
            name="Links Accountant",
            lang="en_US",
        )

    def _hand_invoice(self, partner, **values):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.fee_product.id, "quantity": 1, "price_unit": 10.0}
                    )
                ],
                **values,
            }
        )

    # Set by the billing code only

    def test_billing_code_sets_the_links_for_an_invoicing_user(self):
        contract = self._billing_contract("2027-01-01")
        contract.with_user(self.invoicing_user).action_invoice_now()
        move = contract.period_ids.move_id
        self.assertEqual(move.contract_id, contract)
        self.assertEqual(move.invoice_line_ids.maintenance_period_id, contract.period_ids)

    def test_invoice_contract_not_written_by_hand(self):
        draft = self._hand_invoice(self.customer)
        self.assertEqual(self.move_a.state, "posted")
        for move in (draft, self.move_a):
            with self.subTest(state=move.state), self.assertRaisesRegex(UserError, "by hand"):
                move.with_user(self.invoicing_user).write({"contract_id": self.contract_b.id})
        with self.assertRaisesRegex(UserError, "by hand"):
            self.move_a.with_user(self.invoicing_user).write({"contract_id": False})
        with self.assertRaisesRegex(UserError, "by hand"):
            self.env["account.move"].with_user(self.invoicing_user).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "contract_id": self.contract_a.id,
                }
            )
        self.assertEqual(self.move_a.contract_id, self.contract_a)
        self.assertFalse(draft.contract_id)
        # writing the value it has (a form saving every field) is no change
        self.move_a.with_user(self.invoicing_user).write({"contract_id": self.contract_a.id})

    def test_line_links_not_written_by_hand(self):
        line = self.move_a.invoice_line_ids
        as_user = line.with_user(self.invoicing_user)
        for values in (
            {"maintenance_period_id": self.period_b.id},
            {"maintenance_period_id": False},
            {"maintenance_line_kind": "extra"},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "by hand"):
                as_user.write(values)
        draft = self._hand_invoice(self.customer)
        with self.assertRaisesRegex(UserError, "by hand"):
            draft.with_user(self.invoicing_user).write(
                {
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Forged period",
                                "price_unit": 1.0,
                                "maintenance_period_id": self.period_a.id,
                            }
                        )
                    ]
                }
            )
        self.assertEqual(line.maintenance_period_id, self.period_a)
        # other fields of the line stay the user's
        draft.invoice_line_ids.with_user(self.invoicing_user).write({"name": "Renamed"})

    def test_written_over_json_rpc_refused(self):
        self.authenticate("mcit_links_accountant", "mcit_links_accountant")
        for model, record, values in (
            ("account.move", self.move_a, {"contract_id": self.contract_b.id}),
            (
                "account.move.line",
                self.move_a.invoice_line_ids,
                {"maintenance_period_id": self.period_b.id},
            ),
        ):
            payload = {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": model,
                    "method": "write",
                    "args": [record.ids, values],
                    "kwargs": {},
                },
            }
            with mute_logger("odoo.http"):
                response = self.url_open(
                    "/web/dataset/call_kw",
                    data=json.dumps(payload),
                    headers={"Content-Type": "application/json"},
                )
            error = response.json()["error"]["data"]
            self.assertEqual(error["name"], "odoo.exceptions.UserError")
            self.assertIn("by hand", error["message"])
        self.assertEqual(self.move_a.contract_id, self.contract_a)
        self.assertEqual(self.move_a.invoice_line_ids.maintenance_period_id, self.period_a)

    def test_invoice_line_of_billed_work_not_cleared_by_hand(self):
        intervention = self.env["maintenance.intervention"].create(
            {"summary": "Billed work (links test)", "contract_id": self.contract_a.id}
        )
        intervention.sudo().write({"invoice_line_id": self.move_a.invoice_line_ids.id})
        with self.assertRaisesRegex(UserError, "by hand"):
            intervention.with_user(self.invoicing_user).write({"invoice_line_id": False})
        self.assertEqual(intervention.invoice_line_id, self.move_a.invoice_line_ids)

    # One customer per invoice and its contracts

    def test_constraint_on_create_and_write(self):
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self._hand_invoice(self.customer_b, contract_id=self.contract_a.id)
        # the customer of a linked invoice cannot become another one (reset to draft: a
        # posted invoice's customer is Odoo's to refuse)
        self.move_a.button_draft()
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self.move_a.write({"partner_id": self.customer_b.id})
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self.move_b.write({"partner_id": self.customer.id})
        # a line billing another customer's period, on an invoice without contract
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self._hand_invoice(self.customer_b).write(
                {
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Period of A",
                                "price_unit": 1.0,
                                "maintenance_period_id": self.period_a.id,
                            }
                        )
                    ]
                }
            )
        # an invoice contact of the customer is the same customer
        contact = self.env["res.partner"].create(
            {"name": "Billing desk", "type": "invoice", "parent_id": self.customer.id}
        )
        self._hand_invoice(contact, contract_id=self.contract_a.id)

    def test_constraint_on_credit_notes_and_grouped_invoices(self):
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self._hand_invoice(
                self.customer_b, move_type="out_refund", contract_id=self.contract_a.id
            )
        # a grouped invoice of A's contracts cannot carry a period of B's contract
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": name,
                                "price_unit": 1.0,
                                "maintenance_period_id": period.id,
                            }
                        )
                        for name, period in (("A", self.period_a), ("B", self.period_b))
                    ],
                }
            )

    def test_server_action_lists_mislinked_invoices(self):
        Move = self.env["account.move"]
        action = Move.action_maintenance_check_contract_links()
        self.assertEqual(action["type"], "ir.actions.client")
        # links made before the constraint (or by SQL)
        self.env.cr.execute(
            "UPDATE account_move SET contract_id = %s WHERE id = %s",
            (self.contract_a.id, self.move_b.id),
        )
        self.env.cr.execute(
            "UPDATE account_move_line SET maintenance_period_id = %s WHERE id = %s",
            (self.period_b.id, self.move_a.invoice_line_ids.id),
        )
        self.env.invalidate_all()
        self.assertEqual(
            set(Move._maintenance_mislinked_move_ids()), {self.move_a.id, self.move_b.id}
        )
        server_action = self.env.ref(
            "maintenance_contract_it.account_move_action_check_contract_links"
        )
        action = server_action.with_context(active_model="account.move").run()
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(
            self.env["account.move"].search(action["domain"]), self.move_a | self.move_b
        )


@tagged("post_install", "-at_install")
class TestBillingPeriodsByBillingOnly(BillingCommon):
    """Billing periods are made, invoiced, freed and credited by the billing code only,
    whatever the user's accounting rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoicing_user = new_test_user(
            cls.env,
            login="mcit_periods_accountant",
            groups="account.group_account_manager,"
            "maintenance_contract_it.group_maintenance_contract_user",
            name="Periods Accountant",
            lang="en_US",
        )
        cls.contract = cls._billing_contract("2027-01-01")
        cls.move = cls.contract._billing_run(date(2027, 1, 1))
        cls.period = cls.contract.period_ids

    def test_invoiced_period_not_changed_by_hand(self):
        period = self.period.with_user(self.invoicing_user)
        self.assertEqual(period.state, "invoiced")
        for values in (
            {"state": "to_invoice"},
            {"amount_fee": 1.0},
            {"move_id": False},
            {"date_end": "2027-01-15"},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "by hand"):
                period.write(values)
        self.assertEqual((self.period.state, self.period.amount_fee), ("invoiced", 300.0))

    def test_period_not_created_or_deleted_by_hand(self):
        Period = self.env["maintenance.contract.period"].with_user(self.invoicing_user)
        with self.assertRaisesRegex(UserError, "by hand"):
            Period.create(
                {
                    "contract_id": self.contract.id,
                    "date_start": "2027-02-01",
                    "date_end": "2027-02-28",
                    "invoice_date": "2027-02-01",
                }
            )
        self.contract._generate_periods(date(2027, 2, 1))
        due = self.contract.period_ids.filtered(lambda p: p.state == "to_invoice")
        self.assertEqual(len(due), 1)
        with self.assertRaisesRegex(UserError, "by hand"):
            due.with_user(self.invoicing_user).unlink()
        self.assertTrue(due.exists())

    def test_billing_steps_of_an_invoicing_user(self):
        """The user's own steps still work: invoice now, cancel the invoice (the period is
        to invoice again), invoice again."""
        self.move.with_user(self.invoicing_user).button_cancel()
        self.assertEqual(self.period.state, "to_invoice")
        self.assertFalse(self.period.move_id)
        self.period.with_user(self.invoicing_user).action_invoice()
        self.assertEqual(self.period.state, "invoiced")
        self.assertNotEqual(self.period.move_id, self.move)
