"""The fees of a contract in force change only through an amendment or a price revision:
a user's direct change (form, RPC), whatever their rights, is refused and the periods not
invoiced yet keep the price the customer agreed to."""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .test_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestContractFeesInForce(BillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user.lang = cls.manager.lang = "en_US"
        cls.contract = cls._billing_contract("2027-03-10", billing_alignment="calendar")
        cls.fee = cls.contract.line_ids
        cls.portal_user = new_test_user(
            cls.env,
            login="mcit_fees_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )

    def test_price_change_refused_and_catch_up_at_the_agreed_price(self):
        for user in (self.user, self.manager):
            with self.subTest(user=user.login):
                fee = self.fee.with_user(user)
                for values in ({"price_unit": 999.0}, {"quantity": 3.0}, {"tax_ids": False}):
                    with self.assertRaisesRegex(UserError, "amendment or a price revision"):
                        fee.write(values)
                with self.assertRaisesRegex(UserError, "amendment or a price revision"):
                    self.contract.with_user(user).write(
                        {"line_ids": [Command.update(self.fee.id, {"price_unit": 999.0})]}
                    )
        self.assertEqual(self.fee.price_unit, 300.0)
        # the catch-up period that started before: 300.00 × 22/31 = 212.90 (999.00 × 22/31
        # = 708.97 had the change gone through)
        move = self._invoice(self.contract, date(2027, 6, 10))
        march = self.contract.period_ids.filtered(lambda p: p.date_start == date(2027, 3, 10))
        self.assertEqual(march.amount_fee, 212.90)
        self.assertIn(212.90, move.mapped("amount_untaxed"))

    def test_fee_lines_not_added_or_removed(self):
        with self.assertRaisesRegex(UserError, "amendment or a price revision"):
            self.env["maintenance.contract.line"].with_user(self.manager).create(
                {
                    "contract_id": self.contract.id,
                    "name": "Added by hand",
                    "quantity": 1.0,
                    "price_unit": 50.0,
                }
            )
        with self.assertRaisesRegex(UserError, "amendment or a price revision"):
            self.fee.with_user(self.manager).unlink()
        self.assertEqual(self.contract.line_ids, self.fee)

    def test_description_and_draft_fees_stay_editable(self):
        self.fee.with_user(self.user).write({"name": "Monthly maintenance (servers)"})
        self.assertEqual(self.fee.name, "Monthly maintenance (servers)")
        draft = self._billing_contract("2027-03-10", activate=False)
        draft.line_ids.with_user(self.user).write({"price_unit": 320.0})
        self.assertEqual(draft.line_ids.price_unit, 320.0)

    def test_amendment_changes_the_price(self):
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": self.contract.id,
                "date_effective": "2027-05-01",
                "reason": "New price",
                "line_ids": [
                    Command.create(
                        {
                            "operation": "update",
                            "contract_line_id": self.fee.id,
                            "quantity": 1.0,
                            "price_unit": 330.0,
                        }
                    )
                ],
            }
        )
        amendment.action_confirm()
        # a manager applies it now: the amendment's step changes the fee
        amendment.with_user(self.manager).action_apply()
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(self.fee.price_unit, 330.0)

    def test_portal_user_over_json_rpc(self):
        self.authenticate("mcit_fees_portal", "mcit_fees_portal")
        params = {
            "model": "maintenance.contract.line",
            "method": "write",
            "args": [self.fee.ids, {"price_unit": 1.0}],
            "kwargs": {},
        }
        with mute_logger("odoo.http"), self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.make_jsonrpc_request("/web/dataset/call_kw", params)
        self.assertEqual(self.fee.price_unit, 300.0)
