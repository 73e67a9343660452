"""The portal after signing, as real portal users reading the rendered pages: the notice
received, the proposals sent for signature, the urgency of a new ticket and its SLA
targets, a refused ticket back to its form, a contact who may not give notice, and the
times in the contact's zone."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import format_datetime

from .test_portal_service import PortalServiceCommon
from .test_portal_signing import SIGNATURE, PortalSigningCommon


def page_text(response, selector_id=None, css_class=None):
    """The text of the page, or of the element of id ``selector_id`` / of class
    ``css_class`` (whitespace normalized), or None without such an element."""
    tree = lxml_html.fromstring(response.text)
    if selector_id:
        nodes = tree.xpath(f"//*[@id='{selector_id}']")
    elif css_class:
        nodes = tree.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")
    else:
        nodes = [tree]
    if not nodes:
        return None
    return " ".join(" ".join(node.text_content().split()) for node in nodes)


@tagged("post_install", "-at_install")
class TestPortalNoticeAndProposals(PortalSigningCommon):
    def _d(self, day):
        return day.strftime("%m/%d/%Y")

    # 1. The notice received

    def test_notice_given_on_the_portal_shown_on_page_and_list(self):
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        page = self.url_open(self.active.access_url)
        self.assertIsNone(page_text(page, "contract_notice_received"))
        self.assertIn("Yes, for", page_text(page, "contract_duration"))
        self._post(f"/my/contracts/{self.active.id}/notice/confirm")
        end = self._d(self.active.termination_date)
        page = self.url_open(self.active.access_url)
        notice = page_text(page, "contract_notice_received")
        self.assertEqual(
            notice,
            f"Notice received on {self._d(self.today)}, given by Claire Durand (Customer), "
            f"by Customer portal: the contract ends on {end}.",
        )
        duration = page_text(page, "contract_duration")
        self.assertIn(f"Tacit Renewal: stopped by the notice of {self._d(self.today)}", duration)
        self.assertNotIn("Yes, for", duration)
        listed = self.url_open("/my/contracts")
        self.assertIn(
            f"Notice received on {self._d(self.today)}, given by Claire Durand (Customer), "
            f"by Customer portal: the contract ends on {end}.",
            page_text(listed, css_class="o_mcit_notice_received"),
        )

    def test_notice_given_by_the_provider_shown(self):
        wizard = (
            self.env["maintenance.contract.notice.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "contract_id": self.active.id,
                    "notice_date": self.today,
                    "given_by": "provider",
                    "channel": "registered_letter",
                    "send_acknowledgement": False,
                }
            )
        )
        wizard.action_confirm()
        self.authenticate("mcit_sign_paul", "mcit_sign_paul")
        page = self.url_open(self.active.access_url)
        self.assertEqual(
            page_text(page, "contract_notice_received"),
            f"Notice received on {self._d(self.today)}, given by Provider, by Registered "
            f"letter: the contract ends on {self._d(self.active.termination_date)}.",
        )
        self.assertIn(
            "given by Provider",
            page_text(self.url_open("/my/contracts"), css_class="o_mcit_notice_received"),
        )

    # 2. Proposals

    def _send_for_signature(self, contract):
        action = contract.with_user(self.manager).action_send_for_signature()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()

    def _list_rows(self):
        response = self.url_open("/my/contracts")
        tree = lxml_html.fromstring(response.text)
        return {
            " ".join(row.xpath("./td[1]//a")[0].text_content().split()): " ".join(
                row.text_content().split()
            )
            for row in tree.xpath("//table/tbody/tr")
        }

    def test_proposal_listed_and_titled_as_such(self):
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        self.assertNotIn(self.draft.name, self._list_rows())
        self._send_for_signature(self.draft)
        self.assertTrue(self.draft.signature_requested)
        rows = self._list_rows()
        self.assertIn(self.draft.name, rows)
        self.assertIn("Contract proposal", rows[self.draft.name])
        self.assertIn("Awaiting your signature", rows[self.draft.name])
        self.assertNotIn("Draft", rows[self.draft.name])
        self.assertNotIn("Contract proposal", rows[self.active.name])
        # another customer's proposal is not listed
        self._send_for_signature(self.draft_b)
        self.assertNotIn(self.draft_b.name, rows)
        self.assertNotIn(self.draft_b.name, self._list_rows())
        # its page, logged in without a link: what applies before signing only
        page = self.url_open(self.draft.access_url)
        self.assertEqual(page.status_code, 200)
        header = page_text(page, css_class="card-header")
        self.assertIn(f"Contract proposal {self.draft.name}", header)
        self.assertIn("Awaiting your signature", header)
        self.assertNotIn("Draft", header)
        for section in (
            "contract_tickets",
            "contract_interventions",
            "contract_invoices",
            "contract_sla_compliance",
            "contract_amendments",
        ):
            self.assertIsNone(page_text(page, section), section)
        self.assertIsNotNone(page_text(page, "contract_sla"))
        self.assertIsNotNone(page_text(page, "contract_fees"))
        # signed: still listed, awaiting activation
        self._sign(self.draft)
        rows = self._list_rows()
        self.assertIn("Signed, awaiting activation", rows[self.draft.name])
        self.assertIn("Contract proposal", rows[self.draft.name])

    def test_withdrawn_proposal_no_longer_listed(self):
        self._send_for_signature(self.draft)
        self.draft.with_user(self.manager).action_withdraw_signature_request()
        self.assertFalse(self.draft.signature_requested)
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        self.assertNotIn(self.draft.name, self._list_rows())

    def test_no_sla_compliance_before_the_start(self):
        future = self._create_contract(
            title="Starts next month", date_start=self.today + relativedelta(months=1)
        )
        future.action_activate()
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        page = self.url_open(future.access_url)
        self.assertIsNotNone(page_text(page, "contract_sla"))
        self.assertIsNone(page_text(page, "contract_sla_compliance"))
        self.assertIsNotNone(
            page_text(self.url_open(self.active.access_url), "contract_sla_compliance")
        )

    # 5. A contact who may not give notice

    def test_contact_not_allowed_told_why_and_whom_to_ask(self):
        self.manager.partner_id.email = "manager@provider.example"
        self.authenticate("mcit_sign_paul", "mcit_sign_paul")
        response = self.url_open(f"/my/contracts/{self.active.id}/notice")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(f"/my/contracts/{self.active.id}/notice"))
        refused = page_text(response, css_class="o_mcit_notice_refused")
        self.assertIn("only the contacts your company named to us may end it", refused)
        self.assertIn("contact Contract Manager (manager@provider.example)", refused)
        self.assertIsNone(page_text(response, css_class="o_mcit_notice_confirm"))
        self.assertFalse(self.active.termination_date)

    # 3. Times in the contact's zone

    def test_signature_time_in_the_contact_zone_and_language(self):
        self.env.ref("base.lang_fr").active = True
        self.customer_contact.write({"tz": "Indian/Reunion", "lang": "fr_FR"})
        self.portal_claire.write({"tz": "Indian/Reunion", "lang": "fr_FR"})
        with freeze_time("2026-03-02 05:30:00"):
            self.draft.sudo().with_context(lang="fr_FR")._portal_sign(
                "Claire Durand", SIGNATURE, "127.0.0.1", self.customer_contact
            )
        message = self.draft.message_ids.filtered(lambda m: "127.0.0.1" in (m.body or ""))
        self.assertEqual(len(message), 1)
        # 05:30 UTC is 09:30 in La Réunion (UTC+4), in the French date format
        self.assertIn("02/03/2026 09:30:00 (heure de La Réunion)", message.body)
        self.assertNotIn("UTC", message.body)
        self.assertNotIn("Indian/Reunion", message.body)
        self.authenticate("mcit_sign_claire", "mcit_sign_claire")
        page = self.url_open(self.draft.get_portal_url())
        signature = page_text(page, "o_mcit_signature")
        self.assertIn("02/03/2026 09:30", signature)
        self.assertIn("heure de La Réunion", signature)
        self.assertNotIn("Indian/Reunion", page.text)


@tagged("post_install", "-at_install")
class TestPortalNewTicket(PortalServiceCommon, HttpCase):
    def setUp(self):
        super().setUp()
        self.authenticate("mcit_portal_a", "mcit_portal_a")

    def _submit(self, **values):
        data = dict(
            {
                "csrf_token": http.Request.csrf_token(self),
                "subject": "The file server is down",
                "description": "Nobody can open the shared folders.",
            },
            **values,
        )
        return self.url_open("/submitted/ticket", data=data)

    # 6. Urgency and SLA targets

    def test_form_offers_urgency_with_the_targets(self):
        response = self.url_open(f"/new/ticket?contract_id={self.contract.id}")
        tree = lxml_html.fromstring(response.text)
        options = {
            o.get("value"): o.text_content().strip()
            for o in tree.xpath("//select[@name='priority']/option")
        }
        self.assertEqual(options, {"0": "Low", "1": "Medium", "2": "High", "3": "Very High"})
        self.assertEqual(tree.xpath("//select[@name='priority']/option[@selected]/@value"), ["1"])
        targets = {
            row.get("data-priority"): (
                " ".join(row.xpath("./td[2]")[0].text_content().split()),
                " ".join(row.xpath("./td[3]")[0].text_content().split()),
            )
            for row in tree.xpath("//*[@id='o_mcit_sla_targets']//tbody/tr")
        }
        self.assertEqual(
            targets,
            {
                "0": ("16:00", "40:00"),
                "1": ("08:00", "24:00"),
                "2": ("04:00", "16:00"),
                "3": ("01:00", "04:00"),
            },
        )

    def test_ticket_created_with_the_chosen_urgency(self):
        response = self._submit(equipment_id=str(self.server.id), priority="2")
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "The file server is down")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.priority, "2")
        self.assertEqual(ticket.sla_response_target, 4.0)
        self.assertEqual(ticket.sla_resolution_target, 16.0)
        # the deadlines of the high target: 4 and 16 working hours of the 8x5 calendar
        twin = self._create_ticket(equipment_id=self.server.id, priority="2")
        twin.sudo().sla_start_date = ticket.sla_start_date
        twin._sla_recompute()
        self.assertEqual(ticket.sla_response_deadline, twin.sla_response_deadline)
        self.assertEqual(ticket.sla_resolution_deadline, twin.sla_resolution_deadline)
        twin.sudo().priority = "1"
        twin._sla_recompute()
        self.assertNotEqual(ticket.sla_response_deadline, twin.sla_response_deadline)

    # 4. A refused ticket back to its form

    def test_refused_ticket_back_to_the_form_with_the_reason(self):
        Ticket = self.env["helpdesk.ticket"]
        before = Ticket.search_count([])
        for values, code in (
            ({"equipment_id": str(self.router_b.id)}, "equipment"),
            ({"contract_id": str(self.contract_b.id)}, "contract"),
            ({"priority": "9"}, "priority"),
        ):
            response = self._submit(priority=values.pop("priority", "3"), **values)
            self.assertEqual(response.status_code, 200, code)
            tree = lxml_html.fromstring(response.text)
            self.assertEqual(
                tree.xpath("//*[contains(@class, 'o_mcit_ticket_refused')]/@data-refusal"), [code]
            )
            self.assertEqual(
                tree.xpath("//input[@name='subject']/@value"), ["The file server is down"]
            )
            self.assertEqual(
                tree.xpath("//textarea[@name='description']")[0].text_content().strip(),
                "Nobody can open the shared folders.",
            )
            self.assertNotIn(self.router_b.name, response.text)
        self.assertIn(
            "not covered by one of your active contracts",
            page_text(self._submit(equipment_id=str(self.router_b.id))),
        )
        self.assertEqual(Ticket.search_count([]), before)

    # 3. Times in the contact's zone

    def test_ticket_times_in_the_contact_zone_named_for_people(self):
        self.env.ref("base.lang_fr").active = True
        self.customer_contact.write({"tz": "Indian/Reunion"})
        self.portal_user.write({"tz": "Indian/Reunion", "lang": "fr_FR"})
        self.authenticate("mcit_portal_a", "mcit_portal_a")
        response = self.url_open(f"/my/ticket/{self.ticket.id}")
        zone = page_text(response, css_class="o_mcit_timezone")
        self.assertIn("heure de La Réunion", zone)
        self.assertNotIn("Indian/Reunion", response.text)
        deadline = self.ticket.sla_response_deadline
        local = deadline + relativedelta(hours=4)
        self.assertIn(
            local.strftime("%d/%m/%Y %H:%M"),
            page_text(response, css_class="o_ticket_response_deadline"),
        )

    def test_zone_of_the_support_calendar_without_the_contact_zone(self):
        self.customer_contact.write({"tz": False})
        self.portal_user.write({"tz": False})
        self.authenticate("mcit_portal_a", "mcit_portal_a")
        response = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertIn("Paris time", page_text(response, css_class="o_mcit_timezone"))
        # helpdesk_mgmt's own dates of the ticket in the same zone
        created = format_datetime(
            self.env, self.ticket.create_date, tz="Europe/Paris", dt_format=False, lang_code="en_US"
        )
        self.assertIn(created, page_text(response))
