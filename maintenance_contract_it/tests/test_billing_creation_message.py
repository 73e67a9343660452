from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_billing import BillingCommon

# what a creation message is, read on both sides (its message_id is unique by design)
MESSAGE_FIELDS = [
    "author_id",
    "email_from",
    "model",
    "body",
    "message_type",
    "parent_id",
    "subject",
    "subtype_id",
    "partner_ids",
    "attachment_ids",
    "email_add_signature",
    "record_alias_domain_id",
    "record_company_id",
    "reply_to",
    "is_internal",
]


@tagged("post_install", "-at_install")
class TestBillingCreationMessage(BillingCommon):
    """The invoices of the contracts carry Odoo's creation message ("Invoice Created"), made
    for the whole batch at once instead of one ``message_post`` per invoice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the chatter as users have it (the tests' common environment disables it)
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))

    def _invoice_values(self, partner, move_type="out_invoice", **values):
        return {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": date(2027, 1, 1),
            "invoice_line_ids": [
                Command.create(
                    {"product_id": self.fee_product.id, "quantity": 1, "price_unit": 300.0}
                )
            ],
            **values,
        }

    def _creation_message(self, move):
        messages = move.message_ids
        self.assertEqual(len(messages), 1, messages.mapped("body"))
        return messages

    def _assert_same_message(self, made, odoo_made):
        for fname in MESSAGE_FIELDS:
            self.assertEqual(made[fname], odoo_made[fname], fname)
        # the name of each invoice when it was made ("Draft Invoice", or its number)
        for message in made | odoo_made:
            move = self.env["account.move"].browse(message.res_id)
            self.assertEqual(message.record_name, move.display_name)

    def test_job_logs_odoo_creation_message_at_once(self):
        contract = self._billing_contract("2027-01-01")
        move = contract._billing_run(date(2027, 1, 1))
        self.assertEqual(move.move_type, "out_invoice")
        made = self._creation_message(move)
        odoo_made = self._creation_message(
            self.env["account.move"].create(self._invoice_values(self.customer))
        )
        self.assertEqual(made.subtype_id, self.env.ref("account.mt_invoice_created"))
        self.assertIn(move.with_context(lang=self.env.user.lang)._creation_message(), made.body)
        self._assert_same_message(made, odoo_made)

    def test_accountant_invoice_now_logs_the_creation_message(self):
        """An accountant (invoicing rights, no administration) invoicing a contract: the
        creation message is logged, authored by the accountant."""
        contract = self._billing_contract("2027-01-01").with_user(self.accountant)
        move = contract._invoice_periods(contract._get_periods_due(date(2027, 1, 1)))
        made = self._creation_message(move)
        self.assertEqual(made.author_id, self.accountant.partner_id)
        self.assertEqual(made.subtype_id, self.env.ref("account.mt_invoice_created"))

    def test_credit_note_creation_message(self):
        """A credit note has no creation subtype: Odoo logs it as a note, so does the
        module."""
        values = self._invoice_values(self.customer, move_type="out_refund")
        made = self._creation_message(
            self.env["account.move"]._maintenance_create_invoices([values])
        )
        odoo_made = self._creation_message(self.env["account.move"].create(values))
        self.assertEqual(made.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(made.body, odoo_made.body)
        self.assertEqual(made.record_name, odoo_made.record_name)

    def test_follower_of_creation_is_notified(self):
        """An invoice with a follower subscribed to "Invoice Created" at its creation keeps
        Odoo's message_post: the follower gets the notification; the other invoice of the
        batch gets the same message, logged."""
        follower = new_test_user(
            self.env, login="mcit_creation_follower", name="Creation Follower"
        ).partner_id
        subtype = self.env.ref("account.mt_invoice_created")
        other = self.customer.copy({"name": "Other customer"})
        followed, logged = self.env["account.move"]._maintenance_create_invoices(
            [
                self._invoice_values(
                    self.customer,
                    message_follower_ids=[
                        Command.create(
                            {
                                "res_model": "account.move",
                                "partner_id": follower.id,
                                "subtype_ids": [Command.set(subtype.ids)],
                            }
                        )
                    ],
                ),
                self._invoice_values(other),
            ]
        )
        notified = self._creation_message(followed)
        self.assertEqual(
            notified.notification_ids.res_partner_id,
            follower,
            "the follower of 'Invoice Created' is notified",
        )
        message = self._creation_message(logged)
        self.assertFalse(message.notification_ids)
        for fname in MESSAGE_FIELDS:
            # the follower's mail gives the message its subject
            if fname != "subject":
                self.assertEqual(message[fname], notified[fname], fname)

    def test_query_count_with_chatter(self):
        """With the chatter on, an invoice more costs about 2 queries, not the 7 more of
        Odoo's message_post per invoice (subtype, message, alias domain, alias, insert,
        attachments, recipients)."""
        small, few = self._count_run_queries(5, "a")
        large, many = self._count_run_queries(20, "b")
        # one creation message per invoice
        self.assertEqual(len(few.message_ids), 5)
        self.assertEqual(len(many.message_ids), 20)
        message = f"{small} queries for 5 contracts, {large} for 20"
        self.assertLessEqual((large - small) / 15, 3, message)
