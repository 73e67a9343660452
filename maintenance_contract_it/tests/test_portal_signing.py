"""Signing and refusing contracts and amendments, and giving notice, on the portal: as real
portal users of two customers, over HTTP and JSON-RPC."""

from urllib.parse import urlparse

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import MaintenanceContractCommon

# A 1x1 PNG, as the portal's signature widget sends it (base64, no data URI prefix).
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)


class PortalSigningCommon(MaintenanceContractCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        # customer A: Claire may give notice, Paul may not
        cls.customer_contact.maintenance_can_give_notice = True
        cls.portal_claire = new_test_user(
            cls.env,
            login="mcit_sign_claire",
            password="mcit_sign_claire",
            groups="base.group_portal",
            name=cls.customer_contact.name,
            partner_id=cls.customer_contact.id,
        )
        cls.contact_paul = cls.env["res.partner"].create(
            {"name": "Paul Durand", "parent_id": cls.customer.id, "email": "paul@durand.example"}
        )
        cls.portal_paul = new_test_user(
            cls.env,
            login="mcit_sign_paul",
            password="mcit_sign_paul",
            groups="base.group_portal",
            partner_id=cls.contact_paul.id,
        )
        # customer B, with its own portal contact allowed to give notice
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Martin SARL (test)", "is_company": True}
        )
        cls.contact_b = cls.env["res.partner"].create(
            {
                "name": "Bruno Martin",
                "parent_id": cls.customer_b.id,
                "email": "bruno@martin.example",
                "maintenance_can_give_notice": True,
            }
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="mcit_sign_bruno",
            password="mcit_sign_bruno",
            groups="base.group_portal",
            partner_id=cls.contact_b.id,
        )
        cls.draft = cls._create_contract(
            title="Proposal to sign",
            user_id=cls.manager.id,
            contact_ids=[Command.set(cls.customer_contact.ids)],
        )
        cls.draft_b = cls._create_contract(partner_id=cls.customer_b.id, title="Proposal of B")
        # active, renews by itself, notice in time: ends at the end of the current term
        cls.active = cls._create_contract(
            title="Running contract",
            user_id=cls.manager.id,
            date_start=cls.today - relativedelta(months=1),
        )
        cls.active.action_activate()
        cls.active_b = cls._create_contract(
            partner_id=cls.customer_b.id,
            title="Running contract of B",
            date_start=cls.today - relativedelta(months=1),
        )
        cls.active_b.action_activate()
        cls.amendment = cls.env["maintenance.contract.amendment"].create(
            {
                "contract_id": cls.active.id,
                "reason": "Longer term",
                "date_effective": cls.today + relativedelta(months=2),
                "date_end_new": cls.active.date_end + relativedelta(months=6),
            }
        )
        cls.amendment_b = cls.env["maintenance.contract.amendment"].create(
            {
                "contract_id": cls.active_b.id,
                "reason": "Secret change of B",
                "date_effective": cls.today + relativedelta(months=2),
                "date_end_new": cls.active_b.date_end + relativedelta(months=6),
            }
        )

    def _call_kw(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def _sign(self, document, token=None, name="Claire Durand", signature=SIGNATURE, url=None):
        token = document._portal_ensure_token() if token is None else token
        url = url or f"{document.access_url}/accept"
        return self.make_jsonrpc_request(
            f"{url}?access_token={token}", {"name": name, "signature": signature}
        )

    def _post(self, url, **data):
        if not getattr(self, "session", None):
            self.authenticate(None, None)
        return self.url_open(url, data=dict(data, csrf_token=http.Request.csrf_token(self)))

    def _todo_summaries(self, contract):
        return contract.activity_ids.filtered(lambda a: a.user_id == self.manager).mapped("summary")


@tagged("post_install", "-at_install")
class TestPortalSigning(PortalSigningCommon):
    # Sending for signature

    def test_send_for_signature_email(self):
        token = self.draft._portal_ensure_token()
        action = self.draft.with_user(self.manager).action_send_for_signature()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(composer.partner_ids, self.customer_contact)
        self.assertIn(
            f"/my/contracts/{self.draft.id}?access_token={token}",
            composer.body,
        )
        composer._action_send_mail()
        message = self.draft.message_ids[0]
        self.assertIn(token, message.body)
        self.assertEqual(message.partner_ids, self.customer_contact)

    def test_send_amendment_for_signature_email(self):
        token = self.amendment._portal_ensure_token()
        action = self.amendment.with_user(self.manager).action_send_for_signature()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn(
            f"/my/contracts/{self.active.id}/amendments/{self.amendment.id}"
            f"?access_token={token}",
            composer.body,
        )

    def test_send_for_signature_refused(self):
        with self.assertRaises(UserError):
            self.active.with_user(self.manager).action_send_for_signature()
        self.draft._write_step({"signature": SIGNATURE, "signed_by": "X"})
        with self.assertRaisesRegex(UserError, "already signed"):
            self.draft.with_user(self.manager).action_send_for_signature()
        with self.assertRaises(AccessError):
            self.draft.with_user(self.portal_claire).action_send_for_signature()

    # Signing

    def test_sign_contract(self):
        response = self.url_open(self.draft.get_portal_url())
        self.assertIn("o_mcit_sign_button", response.text)
        self.assertIn("o_mcit_modal_sign", response.text)
        result = self._sign(self.draft)
        self.assertTrue(result["force_refresh"])
        self.assertIn("message=sign_ok", result["redirect_url"])
        draft = self.draft.sudo()
        self.assertTrue(draft.signature)
        self.assertEqual(draft.signed_by, "Claire Durand")
        self.assertTrue(draft.signed_on)
        # without the company's setting, the account manager activates it
        self.assertEqual(draft.state, "draft")
        self.assertIn("Signed by the customer: activate", self._todo_summaries(draft))
        message = draft.message_ids.filtered(lambda m: "Signed online" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("Claire Durand", message.body)
        self.assertIn("127.0.0.1", message.body)
        # in the contact's zone (none: the support calendar's), named for people
        self.assertIn(
            draft._portal_format_datetime(draft.signed_on, self.customer_contact), message.body
        )
        self.assertIn("(Paris time)", message.body)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn("signed", message.attachment_ids.name)
        # the page shows the signature, and no more signing
        page = self.url_open(result["redirect_url"]).text
        self.assertIn("o_mcit_sign_ok", page)
        self.assertIn("o_mcit_signature", page)
        self.assertNotIn("o_mcit_sign_button", page)

    def test_sign_contract_twice(self):
        self._sign(self.draft)
        result = self._sign(self.draft, name="Someone Else")
        self.assertIn("already signed", result["error"])
        self.assertEqual(self.draft.sudo().signed_by, "Claire Durand")
        with self.assertRaisesRegex(UserError, "already signed"):
            self.draft.sudo()._portal_sign("Again", SIGNATURE, "10.0.0.1", self.customer)

    def test_sign_contract_activates(self):
        self.company.maintenance_activate_on_signature = True
        self._sign(self.draft)
        self.assertEqual(self.draft.state, "active")
        self.assertTrue(self.draft.term_ids)
        self.assertNotIn("Signed by the customer: activate", self._todo_summaries(self.draft))

    def test_sign_contract_not_activable(self):
        """A signed contract that cannot be activated still records the signature: the
        account manager gets the to-do with the reason."""
        self.company.maintenance_activate_on_signature = True
        self.draft.sla_policy_id = False
        self._sign(self.draft)
        self.assertEqual(self.draft.state, "draft")
        self.assertTrue(self.draft.sudo().signature)
        activity = self.draft.activity_ids.filtered(
            lambda a: a.summary == "Signed by the customer: activate"
        )
        self.assertIn("SLA policy", activity.note)

    def test_sign_requires_name_and_signature(self):
        self.assertIn("name", self._sign(self.draft, name=" ")["error"])
        self.assertIn("signature", self._sign(self.draft, signature="")["error"])
        self.assertFalse(self.draft.sudo().signature)

    def test_sign_forged_token(self):
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        self.draft._portal_ensure_token()
        result = self._sign(self.draft, token="forged-token-0000")
        self.assertIn("error", result)
        self.assertFalse(self.draft.sudo().signature)
        response = self.url_open(f"/my/contracts/{self.draft.id}?access_token=forged")
        self.assertTrue(urlparse(response.url).path.endswith("/my"), response.url)
        self.assertNotIn(self.draft.title, response.text)

    def test_token_of_other_document(self):
        """A token opens the document it was made for only."""
        token_a = self.draft._portal_ensure_token()
        self.assertIn("error", self._sign(self.draft_b, token=token_a))
        self.assertFalse(self.draft_b.sudo().signature)
        response = self.url_open(f"/my/contracts/{self.draft_b.id}?access_token={token_a}")
        self.assertNotIn(self.draft_b.title, response.text)
        # the contract's token does not open its amendment, nor the reverse
        token = self.active._portal_ensure_token()
        amendment_url = self.amendment.access_url
        response = self.url_open(f"{amendment_url}?access_token={token}")
        self.assertNotIn("Longer term", response.text)
        self.assertIn("error", self._sign(self.amendment, token=token))
        response = self.url_open(
            f"/my/contracts/{self.active.id}?access_token={self.amendment._portal_ensure_token()}"
        )
        self.assertNotIn(self.active.title, response.text)

    def test_refuse_contract(self):
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        token = self.draft._portal_ensure_token()
        response = self._post(
            f"/my/contracts/{self.draft.id}/refuse?access_token={token}",
            refuse_reason="Too expensive for us",
        )
        self.assertIn("o_mcit_refuse_ok", response.text)
        self.assertEqual(self.draft.state, "draft")
        self.assertFalse(self.draft.sudo().signature)
        message = self.draft.message_ids[0]
        self.assertIn("Too expensive for us", message.body)
        self.assertEqual(message.author_id, self.customer_contact)
        self.assertTrue(
            any("refused by the customer" in s for s in self._todo_summaries(self.draft))
        )
        # still signable after a refusal; a signed one cannot be refused
        self._sign(self.draft)
        self._post(
            f"/my/contracts/{self.draft.id}/refuse?access_token={token}",
            refuse_reason="Changed my mind",
        )
        self.assertNotIn("Changed my mind", self.draft.message_ids.mapped("body")[0])

    def test_refuse_other_customer(self):
        self.authenticate("mcit_sign_bruno", "mcit_sign_bruno")
        self._post(f"/my/contracts/{self.draft.id}/refuse", refuse_reason="Not mine")
        self.assertFalse(self.draft.message_ids.filtered(lambda m: "Not mine" in (m.body or "")))

    # Amendments

    def test_sign_amendment(self):
        page = self.url_open(self.amendment.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("Longer term", page.text)
        self.assertIn("o_mcit_sign_button", page.text)
        result = self._sign(self.amendment)
        self.assertNotIn("error", result)
        self.assertEqual(self.amendment.state, "confirmed")
        self.assertEqual(self.amendment.sudo().signed_by, "Claire Durand")
        message = self.amendment.message_ids.filtered(lambda m: "Signed online" in (m.body or ""))
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn("already signed", self._sign(self.amendment)["error"])

    def test_amendment_that_cannot_be_confirmed_is_not_signed(self):
        self.amendment.date_end_new = False
        result = self._sign(self.amendment)
        self.assertIn("changes nothing", result["error"])
        self.assertEqual(self.amendment.state, "draft")
        self.assertFalse(self.amendment.sudo().signature)

    def test_amendment_access(self):
        self.amendment_b.action_confirm()
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        # another customer's amendment, even confirmed, and under the user's own contract
        for url in (
            self.amendment_b.access_url,
            f"/my/contracts/{self.active.id}/amendments/{self.amendment_b.id}",
            f"/my/contracts/{self.active_b.id}/amendments/{self.amendment.id}"
            f"?access_token={self.amendment._portal_ensure_token()}",
        ):
            response = self.url_open(url)
            self.assertTrue(urlparse(response.url).path.endswith("/my"), url)
            self.assertNotIn("Secret change of B", response.text)
        response = self.url_open(f"{self.amendment_b.access_url}?report_type=pdf")
        self.assertEqual(response.status_code, 404)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as error:
            self._call_kw(
                "maintenance.contract.amendment", "read", [self.amendment_b.ids], fields=["reason"]
            )
        self.assertEqual(str(error.exception), "odoo.exceptions.AccessError")
        # a draft amendment of their own: only with its link
        response = self.url_open(self.amendment.access_url)
        self.assertNotIn("Longer term", response.text)
        # signing under the wrong contract is refused
        token = self.amendment._portal_ensure_token()
        result = self._sign(
            self.amendment,
            url=f"/my/contracts/{self.active_b.id}/amendments/{self.amendment.id}/accept",
            token=token,
        )
        self.assertIn("error", result)
        self.assertFalse(self.amendment.sudo().signature)

    def test_refuse_amendment(self):
        token = self.amendment._portal_ensure_token()
        self._post(
            f"{self.amendment.access_url}/refuse?access_token={token}",
            refuse_reason="We keep the current term",
        )
        self.assertEqual(self.amendment.state, "draft")
        self.assertIn("We keep the current term", self.amendment.message_ids[0].body)
        self.assertTrue(any(self.amendment.name in s for s in self._todo_summaries(self.active)))

    # RPC

    def test_rpc_cannot_sign_or_activate(self):
        self.draft._write_step({"signature": SIGNATURE, "signed_by": "Claire Durand"})
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        with mute_logger("odoo.http"):
            for method, args in (
                ("action_activate", [self.draft.ids]),
                ("_portal_sign", [self.draft.ids, "X", SIGNATURE, "1.2.3.4", self.customer.id]),
                ("_on_portal_signed", [self.draft.ids]),
                ("write", [self.draft.ids, {"signature": SIGNATURE}]),
                ("_portal_give_notice", [self.active.ids, self.customer_contact.id]),
                ("read", [self.active.ids, ["signature", "signed_by"]]),
            ):
                with self.subTest(method=method), self.assertRaises(JsonRpcException):
                    self._call_kw("maintenance.contract", method, args)
        self.assertEqual(self.draft.state, "draft")
        self.assertFalse(self.active.termination_date)


@tagged("post_install", "-at_install")
class TestPortalNotice(PortalSigningCommon):
    def _notice_url(self, contract):
        return f"/my/contracts/{contract.id}/notice"

    def test_give_notice_in_time(self):
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        page = self.url_open(self.active.access_url).text
        self.assertIn("o_mcit_give_notice", page)
        self.assertEqual(self.active._portal_get_notice_end_date(), self.active.date_end)
        page = self.url_open(self._notice_url(self.active)).text
        self.assertIn("o_mcit_notice_confirm", page)
        self.assertIn(self.active.date_end.strftime("%m/%d/%Y"), page)
        response = self._post(f"{self._notice_url(self.active)}/confirm")
        self.assertIn("o_mcit_notice_ok", response.text)
        contract = self.active
        self.assertEqual(contract.notice_date, self.today)
        self.assertEqual(contract.notice_channel, "portal")
        self.assertEqual(contract.notice_given_by, "customer")
        self.assertEqual(contract.notice_partner_id, self.customer_contact)
        self.assertEqual(contract.termination_date, contract.date_end)
        self.assertEqual(contract.state, "active")
        receipt = contract.message_ids.filtered(
            lambda m: m.subject and "receipt of your notice" in m.subject
        )
        self.assertEqual(receipt.partner_ids, self.customer_contact)
        self.assertTrue(any("Notice given online" in s for s in self._todo_summaries(contract)))
        self.assertNotIn("o_mcit_give_notice", self.url_open(contract.access_url).text)

    def test_give_notice_late(self):
        """Past the notice deadline, the contract ends at the end of the next term: the same
        computation as the internal notice wizard."""
        late = self._create_contract(
            title="Late contract", date_start=self.today - relativedelta(months=11)
        )
        late.action_activate()
        self.assertLess(late.notice_deadline, self.today)
        expected = late._get_next_term_end()
        wizard = self.env["maintenance.contract.notice.wizard"].create(
            {"contract_id": late.id, "notice_date": self.today}
        )
        self.assertEqual(wizard.normal_end_date, expected)
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        page = self.url_open(self._notice_url(late)).text
        self.assertIn(expected.strftime("%m/%d/%Y"), page)
        self.assertIn("renews once more", page)
        self._post(f"{self._notice_url(late)}/confirm")
        self.assertEqual(late.termination_date, expected)
        self.assertEqual(late.notice_channel, "portal")

    def test_second_notice_refused(self):
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        self._post(f"{self._notice_url(self.active)}/confirm")
        notice_messages = len(self.active.message_ids)
        response = self._post(f"{self._notice_url(self.active)}/confirm")
        self.assertIn("o_mcit_notice_refused", response.text)
        self.assertIn("Notice was already given", response.text)
        self.assertEqual(len(self.active.message_ids), notice_messages)
        response = self.url_open(self._notice_url(self.active))
        self.assertNotIn("o_mcit_notice_confirm", response.text)

    def test_contact_not_allowed(self):
        self.authenticate("mcit_sign_paul", "mcit_sign_paul")
        page = self.url_open(self.active.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.active.title, page.text)
        self.assertNotIn("o_mcit_give_notice", page.text)
        response = self.url_open(self._notice_url(self.active))
        self.assertNotIn("o_mcit_notice_confirm", response.text)
        response = self._post(f"{self._notice_url(self.active)}/confirm")
        self.assertIn("You cannot give notice on this contract online", response.text)
        self.assertFalse(self.active.termination_date)
        with self.assertRaises(AccessError):
            self.active.sudo()._portal_give_notice(self.contact_paul)

    def test_other_customer_cannot_give_notice(self):
        self.authenticate("mcit_sign_bruno", "mcit_sign_bruno")
        response = self.url_open(self._notice_url(self.active))
        self.assertTrue(urlparse(response.url).path.endswith("/my"), response.url)
        response = self._post(f"{self._notice_url(self.active)}/confirm")
        self.assertNotIn("o_mcit_notice", response.text)
        self.assertFalse(self.active.termination_date)
        # not with a link either: notice needs the contact's login
        self.authenticate(None, None)
        token = self.active._portal_ensure_token()
        page = self.url_open(f"{self.active.access_url}?access_token={token}").text
        self.assertNotIn("o_mcit_give_notice", page)

    def test_no_notice_without_tacit_renewal(self):
        self.active.tacit_renewal = False
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        self.assertNotIn("o_mcit_give_notice", self.url_open(self.active.access_url).text)
        self._post(f"{self._notice_url(self.active)}/confirm")
        self.assertFalse(self.active.termination_date)

    def test_can_give_notice_is_internal(self):
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._call_kw(
                "res.partner",
                "read",
                [self.customer_contact.ids],
                fields=["maintenance_can_give_notice"],
            )
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._call_kw(
                "res.partner",
                "write",
                [self.customer_contact.ids, {"maintenance_can_give_notice": True}],
            )

    # Language

    def test_pages_in_contact_language(self):
        self.env.ref("base.lang_fr").active = True
        self.portal_claire.lang = "fr_FR"
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        page = self.url_open(self.active.access_url).text
        self.assertIn("Donner préavis", page)
        page = self.url_open(self._notice_url(self.active)).text
        self.assertIn("Confirmer la résiliation", page)
        # a visitor with the emailed link reads the customer's language
        self.customer.lang = "fr_FR"
        self.authenticate(None, None)
        page = self.url_open(self.draft.get_portal_url()).text
        self.assertIn("Ce document attend votre signature", page)
