import base64
import json
from datetime import timedelta
from urllib.parse import urlparse

from odoo import Command, fields, http
from odoo.addons.maintenance_contract_it.controllers.portal_intervention import (
    MaintenanceInterventionPortal,
)
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_datetime, mute_logger

from .common import InterventionCommon

# A 1x1 transparent PNG: what the signature widget sends, base64 encoded.
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class PortalServiceCommon(InterventionCommon):
    """Two customers, each with a portal contact, an active contract on their own equipment,
    a ticket and a done intervention; a third customer without any contract."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_contact.write({"tz": "Europe/Paris", "lang": "en_US"})
        cls.portal_user = new_test_user(
            cls.env,
            login="mcit_portal_a",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Bernard SARL (test)", "is_company": True, "lang": "en_US"}
        )
        cls.contact_b = cls.env["res.partner"].create(
            {
                "name": "Bruno Bernard",
                "parent_id": cls.customer_b.id,
                "email": "b@b.example",
                "lang": "en_US",
            }
        )
        cls.portal_user_b = new_test_user(
            cls.env,
            login="mcit_portal_b",
            groups="base.group_portal",
            partner_id=cls.contact_b.id,
        )
        cls.router_b = cls.env["maintenance.contract.equipment"].create(
            {"name": "Router of B (test)", "partner_id": cls.customer_b.id}
        )
        cls.contract_b = cls._create_contract(
            partner_id=cls.customer_b.id, equipment_ids=[Command.set(cls.router_b.ids)]
        )
        cls.contract_b.action_activate()
        cls.ticket = cls._create_ticket(equipment_id=cls.server.id)
        cls.ticket_b = cls._create_ticket(partner=cls.contact_b, name="Router of B is down")
        cls.intervention = cls._done_intervention(
            summary="Disk replaced",
            work_done="<p>Replaced the failed disk of the RAID array.</p>",
            part_ids=[Command.create({"name": "SAS disk 2 TB", "quantity": 1})],
        )
        cls.intervention_b = cls._done_intervention(contract_id=cls.contract_b.id)
        cls.customer_c = cls.env["res.partner"].create(
            {"name": "Chaix without contract (test)", "is_company": True, "lang": "en_US"}
        )
        cls.contact_c = cls.env["res.partner"].create(
            {
                "name": "Carla Chaix",
                "parent_id": cls.customer_c.id,
                "email": "c@c.example",
                "lang": "en_US",
            }
        )
        cls.portal_user_c = new_test_user(
            cls.env, login="mcit_portal_c", groups="base.group_portal", partner_id=cls.contact_c.id
        )

    @classmethod
    def _done_intervention(cls, **values):
        start = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=3)
        intervention = cls._create_intervention(
            actual_start=start, actual_end=start + timedelta(hours=1, minutes=30), **values
        )
        intervention.action_done()
        return intervention


class TestPortalSign(PortalServiceCommon):
    """The model side of the online signature."""

    def test_portal_sign_signs_through_the_action(self):
        self.intervention._portal_sign(" Claire Durand ", SIGNATURE)
        self.assertEqual(self.intervention.state, "signed")
        self.assertEqual(self.intervention.signed_by, "Claire Durand")
        self.assertTrue(self.intervention.signed_on)
        with self.assertRaisesRegex(UserError, "already signed"):
            self.intervention._portal_sign("Someone else", SIGNATURE)
        self.assertEqual(self.intervention.signed_by, "Claire Durand")

    def test_portal_sign_needs_a_done_report_a_name_and_a_signature(self):
        planned = self._create_intervention()
        with self.assertRaisesRegex(UserError, "not waiting for a signature"):
            planned._portal_sign("Claire Durand", SIGNATURE)
        # the checks shared by every signed document (maintenance.signed.document.mixin)
        with self.assertRaisesRegex(UserError, "Enter your name to sign"):
            self.intervention._portal_sign("  ", SIGNATURE)
        with self.assertRaisesRegex(UserError, "Draw or type your signature"):
            self.intervention._portal_sign("Claire Durand", False)
        self.assertEqual(self.intervention.state, "done")

    def test_portal_user_cannot_sign_through_the_orm(self):
        intervention = self.intervention.with_user(self.portal_user)
        self.assertEqual(intervention.name, self.intervention.name)
        with self.assertRaises(AccessError):
            intervention._portal_sign("Claire Durand", SIGNATURE)
        with self.assertRaises(AccessError):
            self.intervention_b.with_user(self.portal_user).read(["name"])

    def test_access_url(self):
        self.assertEqual(self.intervention.access_url, f"/my/interventions/{self.intervention.id}")


@tagged("post_install", "-at_install")
class TestPortalService(PortalServiceCommon, HttpCase):
    def setUp(self):
        super().setUp()
        self.authenticate("mcit_portal_a", "mcit_portal_a")
        # the language of the portal user, in which the pages are rendered
        self.env_en = self.env(context=dict(self.env.context, lang=self.portal_user.lang))

    def _jsonrpc(self, route, params):
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _call_kw(self, model, method, args, kwargs=None):
        return self._jsonrpc(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _assert_redirected_home(self, response, secret):
        self.assertTrue(response.history, response.url)
        self.assertTrue(urlparse(response.url).path.endswith("/my"), response.url)
        self.assertNotIn(secret, response.text)

    # Contract page

    def test_contract_page_service_sections(self):
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": self.contract.id,
                "reason": "Add the backup server",
                "date_effective": fields.Date.today() + timedelta(days=30),
                "equipment_add_ids": [
                    Command.create({"name": "Backup NAS (test)", "partner_id": self.customer.id})
                ],
            }
        )
        amendment.action_confirm()
        draft_amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": self.contract.id,
                "reason": "Not yet agreed",
                "date_end_new": self.contract.date_end + timedelta(days=365),
            }
        )
        text = self.url_open(f"/my/contracts/{self.contract.id}").text
        for expected in (
            "contract_tickets",
            self.ticket.number,
            f"/my/ticket/{self.ticket.id}",
            self.intervention.name,
            f"/my/interventions/{self.intervention.id}?report_type=pdf",
            amendment.name,
            f"/my/contracts/{self.contract.id}/amendments/{amendment.id}",
            "contract_sla_compliance",
            f"/new/ticket?contract_id={self.contract.id}",
            "per month",
        ):
            self.assertIn(expected, text)
        self.assertNotIn(draft_amendment.name, text)
        self.assertNotIn(self.ticket_b.number, text)
        self.assertNotIn(self.intervention_b.name, text)

    def test_contract_pdf_download_and_print(self):
        download = self.url_open(f"/my/contracts/{self.contract.id}?report_type=pdf&download=true")
        self.assertEqual(download.status_code, 200)
        self.assertIn("attachment", download.headers.get("Content-Disposition", ""))
        self.assertIn(self.contract.name.replace("/", "_"), download.headers["Content-Disposition"])
        printed = self.url_open(f"/my/contracts/{self.contract.id}?report_type=pdf")
        self.assertEqual(printed.status_code, 200)
        self.assertNotIn("Content-Disposition", printed.headers)
        self.assertIn(self.contract.name, printed.text)

    def test_amendment_pdf_only_for_the_contract_customer(self):
        amendment = self.env["maintenance.contract.amendment"].create(
            {
                "contract_id": self.contract_b.id,
                "reason": "More routers",
                "date_effective": fields.Date.today() + timedelta(days=30),
                "date_end_new": self.contract_b.date_end + timedelta(days=365),
            }
        )
        amendment.action_confirm()
        url = f"/my/contracts/{self.contract_b.id}/amendments/{amendment.id}"
        self._assert_redirected_home(self.url_open(url), amendment.name)
        # not through the customer's own contract either
        other = self.url_open(f"/my/contracts/{self.contract.id}/amendments/{amendment.id}")
        self.assertNotIn(amendment.reason, other.text)
        self.assertNotEqual(other.headers.get("Content-Type"), "application/pdf")
        self.authenticate("mcit_portal_b", "mcit_portal_b")
        response = self.url_open(url + "?report_type=pdf&download=true")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers.get("Content-Disposition", ""))

    def test_sla_compliance_of_the_period(self):
        now = fields.Datetime.now().replace(microsecond=0)
        tickets = self.ticket | self._create_ticket(equipment_id=self.server.id)
        tickets |= self._create_ticket(equipment_id=self.server.id)
        tickets.write({"sla_response_deadline": now})
        tickets[0].sla_response_result = "met"
        tickets[1].sla_response_result = "met"
        tickets[2].sla_response_result = "breached"
        # a ticket of another period does not count
        old = self._create_ticket(equipment_id=self.server.id)
        old.write({"sla_response_deadline": now - timedelta(days=400)})
        old.sla_response_result = "breached"
        text = self.url_open(f"/my/contracts/{self.contract.id}").text
        start = text.index("o_sla_compliance_response")
        self.assertIn("67 %", text[start : start + 300])
        self.assertIn("2 met", text[start : start + 400])
        self.assertIn("1 missed", text[start : start + 400])

    def test_other_customer_contract_ticket_intervention_by_url(self):
        self._assert_redirected_home(
            self.url_open(f"/my/contracts/{self.contract_b.id}"), self.contract_b.name
        )
        self._assert_redirected_home(
            self.url_open(f"/my/ticket/{self.ticket_b.id}"), self.ticket_b.name
        )
        self._assert_redirected_home(
            self.url_open(f"/my/interventions/{self.intervention_b.id}"), self.intervention_b.name
        )
        self._assert_redirected_home(
            self.url_open(f"/my/interventions/{self.intervention_b.id}?report_type=pdf"),
            self.intervention_b.name,
        )
        listing = self.url_open("/my/interventions").text
        self.assertIn(self.intervention.name, listing)
        self.assertNotIn(self.intervention_b.name, listing)

    @mute_logger("odoo.http")
    def test_other_customer_records_by_json_rpc(self):
        for record in (self.contract_b, self.ticket_b, self.intervention_b, self.router_b):
            result = self._call_kw(record._name, "read", [record.ids, ["display_name"]])
            self.assertEqual(
                result["error"]["data"]["name"], "odoo.exceptions.AccessError", record._name
            )
        result = self._call_kw(
            "maintenance.intervention",
            "write",
            [self.intervention.ids, {"signed_by": "Forged", "signature": SIGNATURE}],
        )
        self.assertEqual(result["error"]["data"]["name"], "odoo.exceptions.AccessError")
        result = self._call_kw("maintenance.intervention", "action_sign", [self.intervention.ids])
        self.assertIn("error", result)
        self.assertEqual(self.intervention.state, "done")

    def test_forged_access_token(self):
        self.authenticate(None, None)
        self.intervention_b._portal_ensure_token()
        for url, secret in (
            (f"/my/interventions/{self.intervention_b.id}", self.intervention_b.name),
            (f"/my/contracts/{self.contract_b.id}", self.contract_b.name),
        ):
            response = self.url_open(f"{url}?access_token=forged-token")
            self.assertNotIn(secret, response.text)
            self.assertNotEqual(urlparse(response.url).path, urlparse(url).path)
        result = self._jsonrpc(
            f"/my/interventions/{self.intervention_b.id}/sign?access_token=forged-token",
            {"name": "Forger", "signature": SIGNATURE},
        )
        self.assertEqual(result["result"]["error"], "Invalid intervention report.")
        self.assertEqual(self.intervention_b.state, "done")
        # the true token opens the page
        response = self.url_open(self.intervention_b.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.intervention_b.name, response.text)

    # Tickets

    def test_ticket_page_shows_contract_and_deadlines_in_customer_timezone(self):
        self.assertTrue(self.ticket.sla_response_deadline)
        text = self.url_open(f"/my/ticket/{self.ticket.id}").text
        self.assertIn(self.contract.name, text)
        self.assertIn(self.server.name, text)
        for deadline in (self.ticket.sla_response_deadline, self.ticket.sla_resolution_deadline):
            paris = format_datetime(self.env_en, deadline, tz="Europe/Paris", dt_format="short")
            utc = format_datetime(self.env_en, deadline, tz="UTC", dt_format="short")
            self.assertNotEqual(paris, utc)
            self.assertIn(paris, text)
        self.assertIn('data-status="running"', text)
        self.assertIn("Paris time", text)
        self.assertNotIn("Europe/Paris", text)
        self.assertNotIn("Not covered by a maintenance contract", text)

    def test_ticket_list_shows_contract_and_deadlines(self):
        text = self.url_open("/my/tickets").text
        self.assertIn(self.contract.name, text)
        self.assertIn(self.server.name, text)
        paris = format_datetime(
            self.env_en, self.ticket.sla_response_deadline, tz="Europe/Paris", dt_format="short"
        )
        self.assertIn(paris, text)
        self.assertNotIn(self.ticket_b.name, text)

    def test_new_ticket_form_offers_own_covered_equipment_only(self):
        text = self.url_open(f"/new/ticket?contract_id={self.contract.id}").text
        self.assertIn('name="equipment_id"', text)
        self.assertIn(self.server.name, text)
        self.assertRegex(text, rf'<option value="{self.contract.id}" selected=')
        self.assertNotIn(self.router_b.name, text)
        self.assertNotIn(self.contract_b.name, text)
        # another customer's contract cannot be preselected
        text = self.url_open(f"/new/ticket?contract_id={self.contract_b.id}").text
        self.assertNotIn(self.router_b.name, text)
        self.assertNotIn(self.contract_b.name, text)

    def _submit_ticket(self, **values):
        data = dict(
            {
                "csrf_token": http.Request.csrf_token(self),
                "subject": "The file server is down",
                "description": "Nobody can open the shared folders.",
            },
            **values,
        )
        return self.url_open("/submitted/ticket", data=data)

    def test_submitted_ticket_gets_contract_sla_and_response_due(self):
        response = self._submit_ticket(equipment_id=str(self.server.id))
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "The file server is down")], limit=1
        )
        self.assertEqual(ticket.equipment_id, self.server)
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertEqual(ticket.sla_policy_id, self.sla_policy)
        self.assertTrue(ticket.sla_response_deadline)
        self.assertIn(f"/my/ticket/{ticket.id}", response.url)
        self.assertIn("Response due by", response.text)
        paris = format_datetime(
            self.env_en, ticket.sla_response_deadline, tz="Europe/Paris", dt_format="short"
        )
        self.assertIn(paris, response.text)

    @mute_logger("odoo.http")
    def test_ticket_with_another_customer_equipment_is_refused(self):
        Ticket = self.env["helpdesk.ticket"]
        before = Ticket.search_count([])
        # back to the form with the reason (tests/test_portal_after_signing.py)
        response = self._submit_ticket(equipment_id=str(self.router_b.id))
        self.assertIn('data-refusal="equipment"', response.text)
        response = self._submit_ticket(contract_id=str(self.contract_b.id))
        self.assertIn('data-refusal="contract"', response.text)
        self.assertEqual(Ticket.search_count([]), before)

    def test_customer_without_contract_can_open_a_ticket(self):
        self.authenticate("mcit_portal_c", "mcit_portal_c")
        form = self.url_open("/new/ticket").text
        self.assertNotIn('name="equipment_id"', form)
        response = self._submit_ticket()
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search([("partner_id", "=", self.contact_c.id)])
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.not_covered)
        self.assertIn("Not covered by a maintenance contract: billable", response.text)
        self.assertNotIn("Response due by", response.text)

    # Interventions

    def test_intervention_list_pager_and_home_counter(self):
        second = self._done_intervention(summary="Second visit")
        self.patch(MaintenanceInterventionPortal, "_items_per_page", 1)
        first_page = self.url_open("/my/interventions?sortby=name").text
        second_page = self.url_open("/my/interventions/page/2?sortby=name").text
        names = sorted([self.intervention.name, second.name], reverse=True)
        self.assertIn(names[0], first_page)
        self.assertNotIn(names[1], first_page)
        self.assertIn(names[1], second_page)
        self.assertIn("/my/interventions/page/2", first_page)
        counters = self._jsonrpc("/my/counters", {"counters": ["maintenance_intervention_count"]})[
            "result"
        ]
        self.assertEqual(counters["maintenance_intervention_count"], 2)
        home = self.url_open("/my/home").text
        self.assertIn("/my/interventions", home)

    def test_intervention_page(self):
        text = self.url_open(f"/my/interventions/{self.intervention.id}").text
        for expected in (
            self.intervention.name,
            "Disk replaced",
            self.technician.name,
            "Replaced the failed disk of the RAID array.",
            "SAS disk 2 TB",
            "01:30",
            "Covered by the contract",
            self.contract.name,
            "o_intervention_sign",
            f"/my/interventions/{self.intervention.id}/sign",
        ):
            self.assertIn(expected, text)
        pdf = self.url_open(
            f"/my/interventions/{self.intervention.id}?report_type=pdf&download=true"
        )
        self.assertEqual(pdf.status_code, 200)
        self.assertIn("attachment", pdf.headers.get("Content-Disposition", ""))
        # a planned visit is not shown to the customer
        planned = self._create_intervention()
        self._assert_redirected_home(self.url_open(f"/my/interventions/{planned.id}"), planned.name)

    def test_sign_intervention_online_once(self):
        url = f"/my/interventions/{self.intervention.id}/sign"
        result = self._jsonrpc(url, {"name": "Claire Durand", "signature": SIGNATURE})["result"]
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(self.intervention.state, "signed")
        self.assertEqual(self.intervention.signed_by, "Claire Durand")
        self.assertEqual(base64.b64decode(self.intervention.signature), base64.b64decode(SIGNATURE))
        message = self.intervention.message_ids.filtered("attachment_ids")[:1]
        self.assertTrue(message)
        self.assertEqual(message.author_id, self.customer_contact)
        self.assertTrue(message.attachment_ids.name.endswith(".pdf"))
        # twice: a clear error, nothing changes
        result = self._jsonrpc(url, {"name": "Someone Else", "signature": SIGNATURE})["result"]
        self.assertIn("already signed", result["error"])
        self.assertEqual(self.intervention.signed_by, "Claire Durand")
        text = self.url_open(f"/my/interventions/{self.intervention.id}").text
        self.assertNotIn("o_intervention_sign", text)
        self.assertIn("Claire Durand", text)

    def test_cannot_sign_another_customer_intervention(self):
        result = self._jsonrpc(
            f"/my/interventions/{self.intervention_b.id}/sign",
            {"name": "Claire Durand", "signature": SIGNATURE},
        )["result"]
        self.assertEqual(result["error"], "Invalid intervention report.")
        self.assertEqual(self.intervention_b.state, "done")
        self.assertFalse(self.intervention_b.signed_by)

    # Language of the emailed links

    def test_emailed_link_opens_in_the_contact_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        self.authenticate(None, None)
        response = self.url_open(self.intervention.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Fiche d'intervention", response.text)
        self.assertIn("Temps passé", response.text)
        response = self.url_open(self.contract.get_portal_url())
        self.assertIn("Dernières interventions", response.text)
        # an English customer's link opens in English
        self.customer_b.lang = "en_US"
        self.authenticate(None, None)
        response = self.url_open(self.intervention_b.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Intervention Report", response.text)
        self.assertNotIn("Fiche d'intervention", response.text)
