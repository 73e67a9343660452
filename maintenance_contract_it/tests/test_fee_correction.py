"""A manager's logged "Correct Fees" action on a contract in force: the periods not
invoiced yet are billed at the corrected values, the invoiced ones keep their amounts, and
everyone else (a contract user, a direct write) is refused."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .test_billing import BillingCommon
from .test_invoice_mentions import text_of


@tagged("post_install", "-at_install")
class TestFeeCorrection(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user.lang = cls.manager.lang = "en_US"
        cls.contract = cls._billing_contract("2027-03-10", billing_alignment="calendar")
        cls.fee = cls.contract.line_ids

    def _wizard(self, user, price=None, reason="Price typed wrong at signature"):
        action = self.contract.with_user(user).action_open_fee_correction_wizard()
        wizard_form = Form(
            self.env[action["res_model"]].with_user(user).with_context(**action["context"])
        )
        if reason is not None:
            wizard_form.reason = reason
        if price is not None:
            with wizard_form.line_ids.edit(0) as line:
                line.price_unit = price
        return wizard_form.save()

    def test_contract_user_refused(self):
        with self.assertRaisesRegex(AccessError, "Only a contract manager can correct the fees"):
            self.contract.with_user(self.user).action_open_fee_correction_wizard()
        # the confirm itself is checked, not only the button
        wizard = self._wizard(self.manager, price=320.0)
        with self.assertRaisesRegex(AccessError, "(Only a contract manager|not allowed)"):
            wizard.with_user(self.user).action_apply()
        self.assertEqual(self.fee.price_unit, 300.0)

    def test_no_change_or_no_reason_refused(self):
        wizard = self._wizard(self.manager)
        with self.assertRaisesRegex(UserError, "changes nothing"):
            wizard.action_apply()
        wizard = self._wizard(self.manager, price=320.0)
        wizard.reason = "  "
        with self.assertRaisesRegex(UserError, "reason of the fee correction"):
            wizard.action_apply()
        self.assertEqual(self.fee.price_unit, 300.0)

    def test_draft_refused(self):
        draft = self._billing_contract("2027-03-10", activate=False)
        with self.assertRaisesRegex(UserError, "contract in force"):
            draft.with_user(self.manager).action_open_fee_correction_wizard()

    def test_manager_corrects_logged_and_billed_from_next_period(self):
        # March is invoiced: 300.00 × 22/31 = 212.90
        self._invoice(self.contract, date(2027, 3, 10))
        march = self.contract.period_ids
        self.assertEqual(march.amount_fee, 212.90)
        march_move = march.move_id
        self.assertEqual(march_move.amount_untaxed, 212.90)

        tax_before = self.fee.tax_ids
        wizard = self._wizard(self.manager, price=320.0)
        wizard.action_apply()
        self.assertEqual(self.fee.price_unit, 320.0)
        self.assertEqual(self.fee.tax_ids, tax_before)
        message = self.contract.message_ids[0]
        self.assertEqual(message.author_id, self.manager.partner_id)
        self.assertIn("Price typed wrong at signature", message.body)
        # the amounts in the contract's currency (USD: $ before the amount)
        self.assertIn("Monthly maintenance, Unit Price: $ 300.00 → $ 320.00", text_of(message.body))

        # the invoiced period never changes; April is billed at 320.00 × 1 = 320.00
        move = self._invoice(self.contract, date(2027, 4, 1))
        self.assertEqual(march.amount_fee, 212.90)
        self.assertEqual(march_move.amount_untaxed, 212.90)
        april = self.contract.period_ids.filtered(lambda p: p.date_start == date(2027, 4, 1))
        self.assertEqual(april.amount_fee, 320.0)
        self.assertEqual(move.amount_untaxed, 320.0)

        # a direct write is still refused
        with self.assertRaisesRegex(UserError, "amendment or a price revision"):
            self.fee.with_user(self.manager).write({"price_unit": 999.0})
        with self.assertRaisesRegex(UserError, "amendment or a price revision"):
            self.contract.with_user(self.manager).write(
                {"line_ids": [Command.update(self.fee.id, {"price_unit": 999.0})]}
            )

    def test_log_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.manager.lang = "fr_FR"
        tax_10 = self.env["account.tax"].create(
            {"name": "VAT 10% (test)", "amount": 10.0, "type_tax_use": "sale"}
        )
        tax_10.with_context(lang="fr_FR").name = "TVA 10 % (test)"
        self.tax.with_context(lang="fr_FR").name = "TVA 20 % (test)"
        wizard = self._wizard(self.manager, price=1320.5)
        with Form(wizard.with_user(self.manager)) as wizard_form:
            with wizard_form.line_ids.edit(0) as line:
                line.quantity = 3
                line.tax_ids.clear()
                line.tax_ids.add(tax_10)
        wizard.with_user(self.manager).action_apply()
        body = text_of(self.contract.message_ids[0].body)
        self.assertIn("Redevances corrigées par Contract Manager", body)
        self.assertIn("Monthly maintenance, Prix unitaire : $ 300,00 → $ 1 320,50", body)
        self.assertIn("Monthly maintenance, Quantité : 1,00 → 3,00", body)
        self.assertIn("Monthly maintenance, Taxes : TVA 20 % (test) → TVA 10 % (test)", body)
        self.assertEqual(self.fee.quantity, 3.0)
        self.assertEqual(self.fee.tax_ids, tax_10)
