"""Documents the customer signs (contract, amendment, intervention report): the signature is
written only by the signing, what was signed is frozen, its attachments too; a manager
unlocks. Every check is made as the user concerned: a plain contract User, a manager, a
portal user over HTTP."""

import base64
from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import InterventionCommon, MaintenanceContractCommon

# A 1x1 PNG, as the signature widget sends it
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)
OTHER_SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAAB"
    "JRU5ErkJggg=="
)
# not an image
TEXT_SIGNATURE = base64.b64encode(b"I agree, signed Claire").decode()
# a PNG header followed by 1.5 MB of zeros
BIG_SIGNATURE = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024 // 2)).decode()


class SignedContractCommon(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.draft = cls._create_contract(title="Proposal", user_id=cls.manager.id)
        cls.fee = cls.draft.line_ids[:1]
        cls.draft.sudo()._portal_sign("Claire Durand", SIGNATURE, "1.2.3.4", cls.customer_contact)

    def _signature_attachment(self, record):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("res_field", "=", "signature"),
                ]
            )
        )


@tagged("post_install", "-at_install")
class TestSignedContract(SignedContractCommon):
    def test_fixture_is_signed_and_draft(self):
        draft = self.draft.sudo()
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.signed_by, "Claire Durand")
        self.assertTrue(self.fee, "the template gives the contract a fee line")
        self.assertTrue(draft.signed_pdf_id)
        self.assertEqual(draft.signed_pdf_id.res_id, draft.id)

    def test_user_cannot_erase_or_forge_the_signature(self):
        contract = self.draft.with_user(self.user)
        for vals in (
            {"signature": False},
            {"signed_by": "Someone else"},
            {"signed_on": "2020-01-01 00:00:00"},
            {"signature": OTHER_SIGNATURE, "signed_by": "Forger"},
            {"signed_pdf_id": False},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "only recorded by"):
                contract.write(vals)
        self.assertEqual(self.draft.sudo().signed_by, "Claire Durand")
        self.assertEqual(self.draft.sudo().signature.decode(), SIGNATURE)
        # an unsigned draft cannot be given a signature either, nor a new contract
        other = self._create_contract(title="Not signed").with_user(self.user)
        with self.assertRaisesRegex(UserError, "only recorded by"):
            other.write({"signature": SIGNATURE, "signed_by": "Claire Durand"})
        vals = dict(self.template._prepare_contract_values(self.customer), signed_by="Forged")
        with self.assertRaisesRegex(UserError, "only recorded by"):
            self.env["maintenance.contract"].with_user(self.user).create(vals)
        # superuser's code is no step either: only the signing writes it
        with self.assertRaisesRegex(UserError, "only recorded by"):
            self.draft.sudo().write({"signed_by": "Forged by sudo"})

    def test_user_cannot_change_the_fees_of_a_signed_draft(self):
        contract = self.draft.with_user(self.user)
        price = self.fee.price_unit
        with self.assertRaisesRegex(UserError, "signed by the customer cannot be changed"):
            contract.write({"line_ids": [Command.update(self.fee.id, {"price_unit": 1.0})]})
        with self.assertRaisesRegex(UserError, "signed by the customer cannot be changed"):
            self.fee.with_user(self.user).price_unit = 1.0
        with self.assertRaisesRegex(UserError, "signed by the customer cannot be changed"):
            self.fee.with_user(self.user).unlink()
        with self.assertRaisesRegex(UserError, "signed by the customer cannot be changed"):
            self.env["maintenance.contract.line"].with_user(self.user).create(
                {"contract_id": self.draft.id, "product_id": self.product.id, "price_unit": 1}
            )
        self.assertEqual(self.fee.price_unit, price)
        self.assertEqual(len(self.draft.line_ids), 1)

    def test_user_cannot_change_clauses_dates_or_terms(self):
        contract = self.draft.with_user(self.user)
        for vals in (
            {"date_start": "2026-02-01"},
            {"initial_term": 36},
            {"title": "Another object"},
            {"equipment_ids": [Command.clear()]},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "cannot be changed"):
                contract.write(vals)
        clause = self.draft.clause_ids[:1]
        self.assertTrue(clause)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            clause.with_user(self.user).body = "<p>Nothing is guaranteed.</p>"
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.env["maintenance.contract.clause"].with_user(self.user).create(
                {"contract_id": self.draft.id, "name": "Added after signing", "body": "<p>x</p>"}
            )
        # the chatter and the internal notes stay open
        contract.message_post(body="Call the customer")
        self.assertEqual(self.draft.date_start, fields.Date.to_date("2026-01-01"))

    def test_signed_pdf_and_signature_attachments_are_frozen(self):
        pdf = self.draft.sudo().signed_pdf_id
        image = self._signature_attachment(self.draft)
        self.assertEqual(len(image), 1)
        for user in (self.user, self.manager):
            for attachment in (pdf, image):
                with self.subTest(user=user.login, attachment=attachment.name):
                    mine = attachment.with_user(user)
                    with self.assertRaisesRegex(UserError, "cannot be replaced or deleted"):
                        mine.write({"datas": OTHER_SIGNATURE})
                    with self.assertRaisesRegex(UserError, "cannot be replaced or deleted"):
                        mine.unlink()
        # a second signature attachment of the field is refused too
        with self.assertRaisesRegex(UserError, "cannot be replaced or deleted"):
            self.env["ir.attachment"].with_user(self.manager).create(
                {
                    "name": "signature",
                    "datas": OTHER_SIGNATURE,
                    "res_model": self.draft._name,
                    "res_id": self.draft.id,
                    "res_field": "signature",
                }
            )
        self.assertTrue(pdf.exists())
        self.assertEqual(self.draft.sudo().signature.decode(), SIGNATURE)
        # other attachments of the contract are not frozen
        note = self.env["ir.attachment"].create(
            {
                "name": "note.txt",
                "raw": b"x",
                "res_model": self.draft._name,
                "res_id": self.draft.id,
            }
        )
        note.with_user(self.manager).unlink()
        self.assertFalse(note.exists())

    def test_unlock_is_for_managers_logged_and_asks_a_new_signature(self):
        with self.assertRaises(AccessError):
            self.draft.with_user(self.user).action_reset_signature()
        self.assertTrue(self.draft.sudo().signature)
        self.draft.with_user(self.manager).action_reset_signature()
        draft = self.draft.sudo()
        self.assertFalse(draft.signature)
        self.assertFalse(draft.signed_by)
        self.assertFalse(draft.signed_on)
        self.assertFalse(draft.signed_pdf_id)
        self.assertFalse(self._signature_attachment(draft))
        message = draft.message_ids[:1]
        self.assertIn("Unlocked by Contract Manager", message.body)
        self.assertIn("Claire Durand", message.body)
        self.assertIn(
            f"{draft.display_name} unlocked: ask the customer to sign it again",
            draft.activity_ids.filtered(lambda a: a.user_id == self.manager).mapped("summary"),
        )
        # it can be corrected, and signed again
        self.fee.with_user(self.user).price_unit = 10.0
        self.assertTrue(draft._has_to_be_signed())
        with self.assertRaisesRegex(UserError, "not signed"):
            self.draft.with_user(self.manager).action_reset_signature()

    def test_withdraw_signature_request(self):
        sent = self._create_contract(title="Sent for signature")
        token = sent._portal_ensure_token()
        with self.assertRaises(AccessError):
            sent.with_user(self.user).action_withdraw_signature_request()
        self.assertEqual(sent.access_token, token)
        sent.with_user(self.manager).action_withdraw_signature_request()
        self.assertFalse(sent.access_token)
        self.assertNotEqual(sent._portal_ensure_token(), token)
        self.assertIn("Signature request withdrawn by Contract Manager", sent.message_ids[:1].body)
        # a signed one is unlocked instead
        with self.assertRaisesRegex(UserError, "not waiting for a signature"):
            self.draft.with_user(self.manager).action_withdraw_signature_request()

    def test_active_contract_cannot_be_unlocked(self):
        self.draft.action_activate()
        with self.assertRaisesRegex(UserError, "can no longer be unlocked"):
            self.draft.with_user(self.manager).action_reset_signature()
        # its signed PDF stays frozen
        with self.assertRaisesRegex(UserError, "cannot be replaced or deleted"):
            self.draft.sudo().signed_pdf_id.with_user(self.manager).unlink()


@tagged("post_install", "-at_install")
class TestSignedAmendment(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_active_contract(
            date_start=fields.Date.today() - relativedelta(months=1)
        )
        cls.amendment = cls.env["maintenance.contract.amendment"].create(
            {
                "contract_id": cls.contract.id,
                "reason": "More servers",
                "date_effective": fields.Date.today() + relativedelta(months=1),
                "line_ids": [
                    Command.create(
                        {
                            "operation": "update",
                            "contract_line_id": cls.contract.line_ids[:1].id,
                            "quantity": 2,
                            "price_unit": 100.0,
                        }
                    )
                ],
            }
        )
        cls.amendment.sudo()._portal_sign(
            "Claire Durand", SIGNATURE, "1.2.3.4", cls.customer_contact
        )

    def test_signed_amendment_is_confirmed_and_frozen(self):
        self.assertEqual(self.amendment.state, "confirmed")
        amendment = self.amendment.with_user(self.user)
        for vals in (
            {"date_effective": fields.Date.today() + relativedelta(months=2)},
            {"reason": "Something else"},
            {"date_end_new": "2040-12-31"},
            {"line_ids": [Command.update(self.amendment.line_ids.id, {"price_unit": 1.0})]},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "cannot be changed"):
                amendment.write(vals)
        line = self.amendment.line_ids.with_user(self.user)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            line.price_unit = 1.0
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            line.unlink()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.env["maintenance.contract.amendment.line"].with_user(self.user).create(
                {"amendment_id": self.amendment.id, "name": "Extra", "price_unit": 5.0}
            )
        with self.assertRaisesRegex(UserError, "only recorded by"):
            amendment.write({"signature": False})
        self.assertEqual(self.amendment.line_ids.price_unit, 100.0)

    def test_signed_amendment_applied_as_signed(self):
        """The job applies what the customer signed: 2 × 100."""
        fee = self.contract.line_ids[:1]
        self.amendment.with_user(self.manager).action_apply()
        self.assertEqual(self.amendment.state, "applied")
        self.assertEqual((fee.quantity, fee.price_unit), (2.0, 100.0))
        self.assertTrue(self.amendment.sudo().signature)

    def test_unlock_brings_it_back_to_draft(self):
        self.amendment.with_user(self.manager).action_reset_signature()
        self.assertEqual(self.amendment.state, "draft")
        self.assertFalse(self.amendment.sudo().signature)
        self.assertIn("Unlocked by Contract Manager", self.amendment.message_ids[:1].body)
        self.amendment.line_ids.with_user(self.user).price_unit = 90.0
        self.assertEqual(self.amendment.line_ids.price_unit, 90.0)


@tagged("post_install", "-at_install")
class TestSignedInterventionAttachments(InterventionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls._create_intervention(
            actual_start=datetime(2026, 3, 2, 8, 0), actual_end=datetime(2026, 3, 2, 10, 0)
        )
        cls.report.action_done()
        cls.report.with_user(cls.technician).write(
            {"signature": SIGNATURE, "signed_by": "Claire Durand"}
        )
        cls.report.action_sign()

    def test_signature_attachment_cannot_be_replaced_or_deleted(self):
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "maintenance.intervention"),
                    ("res_id", "=", self.report.id),
                    ("res_field", "=", "signature"),
                ]
            )
        )
        self.assertEqual(len(attachment), 1)
        for user in (self.technician, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "cannot be replaced or deleted"):
                    attachment.with_user(user).write({"datas": OTHER_SIGNATURE})
                with self.assertRaisesRegex(UserError, "cannot be replaced or deleted"):
                    attachment.with_user(user).unlink()
        self.assertEqual(self.report.signature.decode(), SIGNATURE)

    def test_technician_signature_is_an_image(self):
        other = self._create_intervention()
        for signature, pattern in (
            (TEXT_SIGNATURE, "PNG or JPEG"),
            (BIG_SIGNATURE, "too big"),
            ("not base64 !", "could not be read"),
        ):
            with self.subTest(pattern=pattern), self.assertRaisesRegex(UserError, pattern):
                other.with_user(self.technician).write({"signature": signature})
        with self.assertRaisesRegex(UserError, "too long"):
            other.with_user(self.technician).write({"signed_by": "C" * 129})
        # a signed report's signature is the signing's only
        with self.assertRaisesRegex(UserError, "cannot be changed|only recorded by"):
            self.report.with_user(self.technician).write({"signed_by": "Forger"})


@tagged("post_install", "-at_install")
class TestPortalSignatureInput(InterventionCommon, HttpCase):
    """What a customer sends to sign is checked: clear messages, nothing stored."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_claire = new_test_user(
            cls.env,
            login="mcit_sig_claire",
            password="mcit_sig_claire",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )
        cls.report = cls._create_intervention(
            actual_start=datetime(2026, 3, 2, 8, 0), actual_end=datetime(2026, 3, 2, 10, 0)
        )
        cls.report.action_done()
        cls.draft = cls._create_contract(title="Proposal", user_id=cls.manager.id)

    def _send(self, url, payload):
        return self.make_jsonrpc_request(url, payload)

    def _urls(self):
        return (
            (self.report, f"/my/interventions/{self.report.id}/sign"),
            (self.draft, f"{self.draft.access_url}/accept"),
        )

    def test_bad_signatures_and_names_get_a_clear_message(self):
        self.authenticate("mcit_sig_claire", "mcit_sig_claire")
        cases = (
            ({"name": "Claire Durand", "signature": TEXT_SIGNATURE}, "PNG or JPEG"),
            ({"name": "Claire Durand", "signature": BIG_SIGNATURE}, "too big"),
            ({"name": "Claire Durand", "signature": "%%%"}, "could not be read"),
            ({"name": "Claire Durand", "signature": {"png": 1}}, "must be an image"),
            ({"name": "C" * 100000, "signature": SIGNATURE}, "too long"),
            ({"name": {"first": "Claire"}, "signature": SIGNATURE}, "must be a text"),
            ({"name": ["Claire"], "signature": SIGNATURE}, "must be a text"),
            ({"name": 12, "signature": SIGNATURE}, "must be a text"),
            ({"name": "  ", "signature": SIGNATURE}, "Enter your name"),
        )
        for document, url in self._urls():
            token = document.sudo()._portal_ensure_token()
            for payload, pattern in cases:
                with self.subTest(url=url, pattern=pattern):
                    result = self._send(f"{url}?access_token={token}", payload)
                    self.assertRegex(result["error"], pattern)
            document.invalidate_recordset()
            self.assertFalse(document.sudo().signature)
            self.assertFalse(document.sudo().signed_by)
        self.assertEqual(self.report.state, "done")

    def test_good_signature_is_recorded_with_its_pdf(self):
        self.authenticate("mcit_sig_claire", "mcit_sig_claire")
        for document, url in self._urls():
            token = document.sudo()._portal_ensure_token()
            result = self._send(
                f"{url}?access_token={token}", {"name": " Claire Durand ", "signature": SIGNATURE}
            )
            self.assertNotIn("error", result)
            document.invalidate_recordset()
            self.assertEqual(document.sudo().signed_by, "Claire Durand")
            self.assertTrue(document.sudo().signed_pdf_id)
        self.assertEqual(self.report.state, "signed")
