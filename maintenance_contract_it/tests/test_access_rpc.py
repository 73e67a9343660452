"""What a customer reaches through JSON-RPC and HTTP, as a real portal user: the internal
fields, the revision notice flag and the contract PDF."""

import json
import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import MaintenanceContractCommon

# Internal fields of the models a portal user reads: none may reach a customer.
INTERNAL_FIELDS = {
    "maintenance.contract": [
        "internal_note",
        "template_id",
        "color",
        "zero_fee_reason",
        "journal_id",
        "invoice_count",
        "termination_reason_id",
        "notice_attachment_id",
        "termination_penalty_type",
        "termination_penalty_fixed",
        "termination_penalty_percent",
        "term_ids",
        "ticket_open_count",
        "ticket_breached_count",
        "sla_penalty_current",
        "intervention_count",
        "consumption_hours",
        "consumption_preventive_hours",
        "consumption_curative_hours",
        "consumption_evolutive_hours",
        "preventive_plan_ids",
    ],
    "maintenance.contract.line": ["tax_ids", "usage_ids"],
    "maintenance.contract.equipment": ["note"],
    "maintenance.intervention": ["color", "plan_id", "plan_date"],
    "maintenance.contract.amendment": ["change_ids", "line_ids", "clause_add_ids"],
    "maintenance.contract.revision": ["notice_sent"],
    "maintenance.sla.policy": [
        "pause_stage_ids",
        "at_risk_percent",
        "notify_customer_on_breach",
        "breach_email_template_id",
        "contract_ids",
    ],
    "helpdesk.ticket": [
        "excluded",
        "exclusion_reason",
        "not_covered",
        "intervention_count",
        "sla_policy_id",
        "sla_start_date",
        "sla_pause_ids",
        "sla_paused_since",
        "sla_notification_ids",
    ]
    + [
        f"sla_{target}_{name}"
        for target in ("response", "resolution")
        for name in (
            "target",
            "deadline",
            "risk_date",
            "reached",
            "result",
            "work_hours",
            "hours_used",
            "status",
            "notified",
        )
    ],
    "res.partner": [
        "maintenance_contract_ids",
        "maintenance_contract_count",
        "maintenance_equipment_count",
    ],
}
# Models whose every readable field a portal user may ask for at once (fields=[]); the
# helpdesk tickets and partners have fields of other modules a portal user cannot read.
ALL_FIELDS_MODELS = [
    "maintenance.contract",
    "maintenance.contract.line",
    "maintenance.contract.clause",
    "maintenance.contract.equipment",
    "maintenance.intervention",
    "maintenance.intervention.part",
    "maintenance.contract.amendment",
    "maintenance.contract.revision",
    "maintenance.contract.revision.line",
    "maintenance.sla.policy",
    "maintenance.sla.policy.line",
]
SECRETS = ("SECRET-CONTRACT-NOTE", "SECRET-EQUIPMENT-NOTE", "SECRET-ZERO-FEE")


@tagged("post_install", "-at_install")
class TestAccessRpc(MaintenanceContractCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.equipment = cls.env["maintenance.contract.equipment"].create(
            {
                "name": "Reception workstation",
                "partner_id": cls.customer.id,
                "note": "<p>SECRET-EQUIPMENT-NOTE admin password on a post-it</p>",
            }
        )
        cls.contract = cls._create_active_contract(
            title="Workstations of the head office",
            equipment_ids=[Command.set(cls.equipment.ids)],
            internal_note="<p>SECRET-CONTRACT-NOTE the customer pays late</p>",
            zero_fee_reason="SECRET-ZERO-FEE",
            termination_penalty_type="fixed",
            termination_penalty_fixed=999.0,
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Customer B (test)", "is_company": True}
        )
        cls.contract_b = cls._create_active_contract(
            partner_id=cls.customer_b.id, title="Contract of B"
        )
        cls.intervention = cls.env["maintenance.intervention"].create(
            {
                "contract_id": cls.contract.id,
                "kind": "curative",
                "actual_start": "2026-03-10 08:00:00",
                "actual_end": "2026-03-10 10:00:00",
                "part_ids": [Command.create({"name": "Network cable", "quantity": 2})],
            }
        )
        cls.intervention.action_done()
        cls.amendment = cls.env["maintenance.contract.amendment"].create(
            {
                "contract_id": cls.contract.id,
                "reason": "Longer term",
                "date_effective": "2099-01-01",
                "date_end_new": "2099-12-31",
            }
        )
        cls.amendment.action_confirm()
        cls.revision = cls.env["maintenance.contract.revision"].create(
            {
                "contract_id": cls.contract.id,
                "revision_date": "2026-01-01",
                "index_id": cls.env.ref("maintenance_contract_it.price_index_syntec").id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Maintenance",
                            "quantity": 1,
                            "price_before": 25,
                            "price_after": 26,
                        }
                    )
                ],
            }
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "The printer is down",
                "description": "<p>No page comes out.</p>",
                "partner_id": cls.customer_contact.id,
            }
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="mcit_rpc_portal",
            password="mcit_rpc_portal",
            groups="base.group_portal",
            name=cls.customer_contact.name,
            email=cls.customer_contact.email,
            partner_id=cls.customer_contact.id,
        )
        contact_b = cls.env["res.partner"].create(
            {"name": "Bob of B", "parent_id": cls.customer_b.id, "email": "bob@b.example"}
        )
        cls.portal_user_b = new_test_user(
            cls.env,
            login="mcit_rpc_portal_b",
            password="mcit_rpc_portal_b",
            groups="base.group_portal",
            partner_id=contact_b.id,
        )
        cls.records = {
            "maintenance.contract": cls.contract,
            "maintenance.contract.line": cls.contract.line_ids[:1],
            "maintenance.contract.equipment": cls.equipment,
            "maintenance.intervention": cls.intervention,
            "maintenance.contract.amendment": cls.amendment,
            "maintenance.contract.revision": cls.revision,
            "maintenance.sla.policy": cls.sla_policy,
            "helpdesk.ticket": cls.ticket,
            "res.partner": cls.customer_contact,
        }

    def _call_kw(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    # Internal fields

    def test_customer_reads_own_records(self):
        """The fixtures are the customer's: what follows is refused for the fields only."""
        self.authenticate("mcit_rpc_portal", "mcit_rpc_portal")
        for model, record in self.records.items():
            rows = self._call_kw(model, "search_read", [[("id", "=", record.id)]], fields=["id"])
            self.assertEqual(rows, [{"id": record.id}], model)
        [contract] = self._call_kw(
            "maintenance.contract",
            "read",
            [self.contract.ids],
            fields=["name", "amount_period", "user_id", "sla_policy_id", "line_ids"],
        )
        self.assertEqual(contract["name"], self.contract.name)
        self.assertEqual(contract["sla_policy_id"][0], self.sla_policy.id)

    @mute_logger("odoo.http", "odoo.models")
    def test_internal_fields_refused(self):
        self.authenticate("mcit_rpc_portal", "mcit_rpc_portal")
        for model, fnames in INTERNAL_FIELDS.items():
            record = self.records[model]
            for fname in fnames:
                for method, args in (
                    ("search_read", [[("id", "=", record.id)]]),
                    ("read", [record.ids]),
                ):
                    with self.subTest(model=model, field=fname, method=method):
                        with self.assertRaises(JsonRpcException) as error:
                            self._call_kw(model, method, args, fields=[fname])
                        self.assertEqual(str(error.exception), "odoo.exceptions.AccessError")

    def test_all_fields_never_internal(self):
        self.authenticate("mcit_rpc_portal", "mcit_rpc_portal")
        for model in ALL_FIELDS_MODELS:
            with self.subTest(model=model):
                payload = {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": "search_read",
                        "args": [[]],
                        "kwargs": {"fields": []},
                    },
                }
                response = self.url_open(
                    "/web/dataset/call_kw",
                    data=json.dumps(payload),
                    headers={"Content-Type": "application/json"},
                )
                data = response.json()
                self.assertNotIn("error", data)
                self.assertTrue(data["result"], model)
                leaked = set(INTERNAL_FIELDS.get(model, [])) & set(data["result"][0])
                self.assertFalse(leaked, model)
                for secret in SECRETS:
                    self.assertNotIn(secret, response.text, model)
        # the other models: the fields a portal user may read, i.e. what fields=[] reads
        for model in ("helpdesk.ticket", "res.partner"):
            readable = self._call_kw(model, "fields_get", [], attributes=["type"])
            self.assertIn("name", readable)
            self.assertFalse(set(INTERNAL_FIELDS[model]) & set(readable), model)

    def test_portal_pages_without_internal_data(self):
        self.authenticate("mcit_rpc_portal", "mcit_rpc_portal")
        page = self.url_open(f"/my/contracts/{self.contract.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.equipment.name, page.text)
        self.assertIn(self.sla_policy.name, page.text)
        for secret in SECRETS:
            self.assertNotIn(secret, page.text)
        self.assertEqual(self.url_open(f"/my/ticket/{self.ticket.id}").status_code, 200)

    # Revision notice flag

    def test_portal_post_does_not_mark_revision_notice(self):
        self.authenticate("mcit_rpc_portal", "mcit_rpc_portal")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "maintenance.contract",
                "thread_id": self.contract.id,
                "post_data": {"body": "Did you send the revision?", "message_type": "comment"},
                "context": {
                    "mark_revision_notice_sent": self.revision.id,
                    "default_maintenance_revision_id": self.revision.id,
                },
                "token": self.contract._portal_ensure_token(),
            },
        )
        posted = self.contract.message_ids.filtered(
            lambda m: "Did you send the revision?" in str(m.body)
        )
        self.assertEqual(posted.author_id, self.customer_contact)
        self.assertFalse(self.revision.notice_sent)

    # Contract PDF

    def test_contract_pdf(self):
        self.authenticate("mcit_rpc_portal", "mcit_rpc_portal")
        page = self.url_open(f"/my/contracts/{self.contract.id}").text
        links = re.findall(r'href="([^"]*report_type=pdf[^"]*)"', page)
        self.assertTrue(links, "the contract page offers no PDF")
        download = next(link for link in links if "download=" in link)
        for url in (f"/my/contracts/{self.contract.id}?report_type=pdf", download):
            response = self.url_open(url.replace("&amp;", "&"))
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(response.headers["Content-Type"], "application/pdf", url)
            # in test mode Odoo returns the report's HTML in place of the PDF
            self.assertIn(self.contract.name, response.content.decode(errors="replace"))
        response = self.url_open(download.replace("&amp;", "&"))
        self.assertIn("attachment", response.headers.get("Content-Disposition", ""))
        html = self.url_open(f"/my/contracts/{self.contract.id}?report_type=html")
        self.assertEqual(html.status_code, 200)
        self.assertIn("text/html", html.headers["Content-Type"])
        self.assertIn(self.contract.title, html.text)
        self.assertIn("Both parties keep confidential", html.text)

    def test_contract_pdf_refused_to_others(self):
        url = f"/my/contracts/{self.contract.id}?report_type=pdf"
        self.authenticate("mcit_rpc_portal_b", "mcit_rpc_portal_b")
        response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(self.contract.name, response.text)
        self.authenticate(None, None)
        token = self.contract._portal_ensure_token()
        response = self.url_open(f"{url}&access_token={token[:-4]}abcd")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(self.contract.name, response.text)
        # the genuine token gives the PDF
        response = self.url_open(f"{url}&access_token={token}")
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
