import base64
import io
from datetime import date

from freezegun import freeze_time
from PIL import Image, ImageDraw

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..tools.dates import period_bounds
from .common import InterventionCommon


def _signature():
    """A drawn signature, as the signature widget stores it: a base64 PNG."""
    image = Image.new("RGB", (120, 40), "white")
    ImageDraw.Draw(image).line((5, 30, 60, 5, 115, 30), fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue())


SIGNATURE = _signature()


@tagged("post_install", "-at_install")
class TestIntervention(InterventionCommon):
    def _done(self, intervention, start="2026-03-10 08:00:00", end="2026-03-10 10:30:00"):
        intervention.write({"actual_start": start, "actual_end": end})
        intervention.action_done()
        return intervention

    # Creation from a ticket

    def test_log_intervention_from_ticket(self):
        ticket = self._create_ticket()
        action = ticket.action_log_intervention()
        Intervention = self.env["maintenance.intervention"].with_context(**action["context"])
        with Form(Intervention) as form:
            self.assertEqual(form.ticket_id, ticket)
            self.assertEqual(form.contract_id, self.contract)
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.equipment_id, self.server)
            self.assertEqual(form.kind, "curative")
            self.assertEqual(form.coverage, "covered")
        intervention = form.save()
        self.assertTrue(intervention.name.startswith("INT/"), intervention.name)
        self.assertEqual(intervention.summary, ticket.name)
        self.assertEqual(ticket.intervention_count, 1)
        self.assertEqual(self.contract.intervention_count, 1)

    def test_log_intervention_from_ticket_without_contract(self):
        stranger = self.env["res.partner"].create({"name": "Walk-in Ltd", "is_company": True})
        ticket = self._create_ticket(partner=stranger)
        context = ticket.action_log_intervention()["context"]
        intervention = (
            self.env["maintenance.intervention"].with_context(**context).create({"duration": 1.0})
        )
        self.assertFalse(intervention.contract_id)
        self.assertEqual(intervention.partner_id, stranger)
        self.assertEqual(intervention.coverage, "billable")

    def test_contract_not_guessed_among_several(self):
        other = self._create_contract()
        self._activate(other)
        ticket = self._create_ticket()
        self.assertFalse(ticket.contract_id)

    def test_customer_mismatch_refused(self):
        stranger = self.env["res.partner"].create({"name": "Walk-in Ltd", "is_company": True})
        with self.assertRaisesRegex(ValidationError, "must all belong to its customer"):
            self._create_intervention(partner_id=stranger.id)

    # States

    @freeze_time("2026-03-10 11:00:00")
    def test_state_transitions(self):
        intervention = self._create_intervention(work_done="<p>Replaced the power supply</p>")
        self.assertEqual(intervention.state, "planned")
        with self.assertRaisesRegex(UserError, "actual start and end"):
            intervention.action_done()
        self._done(intervention)
        self.assertEqual(intervention.state, "done")
        self.assertEqual(intervention.duration, 2.5)
        with self.assertRaisesRegex(UserError, "Only a planned"):
            intervention.action_done()
        with self.assertRaisesRegex(UserError, "signature and the signer's name are required"):
            intervention.action_sign()
        intervention.write({"signature": SIGNATURE, "signed_by": "Claire Durand"})
        intervention.action_sign()
        self.assertEqual(intervention.state, "signed")
        self.assertEqual(str(intervention.signed_on), "2026-03-10 11:00:00")
        with self.assertRaisesRegex(UserError, "signed intervention report cannot be changed"):
            intervention.work_done = "<p>Something else</p>"
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            intervention.action_cancel()
        with self.assertRaisesRegex(UserError, "cannot be reopened"):
            intervention.action_reset_to_planned()
        with self.assertRaisesRegex(UserError, "is signed: it cannot be deleted"):
            intervention.unlink()
        # A signed report is frozen as a whole: a manager unlocks it to correct it.
        with self.assertRaisesRegex(UserError, "signed intervention report cannot be changed"):
            intervention.scheduled_start = "2026-03-10 08:00:00"

    def test_sign_needs_done(self):
        intervention = self._create_intervention(signature=SIGNATURE, signed_by="Claire")
        with self.assertRaisesRegex(UserError, "Only a done"):
            intervention.action_sign()

    def test_cancel_and_reset(self):
        intervention = self._create_intervention()
        intervention.action_cancel()
        self.assertEqual(intervention.state, "cancelled")
        intervention.action_reset_to_planned()
        self.assertEqual(intervention.state, "planned")
        intervention.unlink()
        self.assertFalse(intervention.exists())

    # Duration and coverage

    def test_duration_editable_and_checked(self):
        intervention = self._done(self._create_intervention())
        self.assertEqual(intervention.duration, 2.5)
        intervention.duration = 2.0  # a lunch break of half an hour
        self.assertEqual(intervention.duration, 2.0)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            intervention.duration = -1
        intervention.invalidate_recordset()
        with self.assertRaisesRegex(ValidationError, "cannot end before it starts"):
            intervention.actual_end = "2026-03-10 07:00:00"

    def test_covered_or_billable(self):
        curative = self._done(self._create_intervention(kind="curative"))
        self.assertEqual(curative.coverage, "covered")
        self.assertEqual(curative.amount_billable, 0.0)
        evolutive = self._done(self._create_intervention(kind="evolutive"))
        self.assertEqual(evolutive.coverage, "billable")
        self.assertEqual(evolutive.hourly_rate, 80.0)
        self.assertEqual(evolutive.amount_billable, 200.0)
        # The agent may decide otherwise.
        evolutive.coverage = "covered"
        self.assertEqual(evolutive.amount_billable, 0.0)

    def test_ticket_not_covered_is_billable(self):
        ticket = self._create_ticket()
        ticket.write({"excluded": True, "exclusion_reason": "Personal laptop"})
        intervention = self._create_intervention(ticket_id=ticket.id)
        self.assertEqual(intervention.contract_id, self.contract)
        self.assertEqual(intervention.coverage, "billable")

    def test_parts(self):
        intervention = self._create_intervention(
            part_ids=[
                Command.create({"product_id": self.product.id, "quantity": 2}),
                Command.create({"name": "Cable RJ45 2 m", "quantity": 3}),
            ]
        )
        self.assertEqual(intervention.part_ids[0].name, self.product.display_name)
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            intervention.part_ids[1].quantity = 0

    # Report

    def test_report_renders(self):
        intervention = self._done(
            self._create_intervention(
                work_done="<p>Replaced the power supply of the NAS</p>",
                signature=SIGNATURE,
                signed_by="Claire Durand",
                part_ids=[Command.create({"name": "Power supply 500 W", "quantity": 1})],
            )
        )
        intervention.action_sign()
        report = self.env["ir.actions.report"]
        html = report._render_qweb_html(
            "maintenance_contract_it.report_intervention", intervention.ids
        )[0].decode()
        self.assertIn("Replaced the power supply of the NAS", html)
        self.assertIn("Claire Durand", html)
        self.assertIn("Power supply 500 W", html)
        self.assertIn("data:image/png;base64", html)
        pdf, report_type = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "maintenance_contract_it.report_intervention", intervention.ids
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_report_in_customer_language(self):
        self.env["res.lang"]._activate_lang("en_US")
        self.env["res.lang"]._activate_lang("fr_FR")
        intervention = self._create_intervention(
            actual_start="2026-03-10 08:00:00", actual_end="2026-03-10 09:00:00"
        )
        render = self.env["ir.actions.report"]._render_qweb_html
        html = render("maintenance_contract_it.report_intervention", intervention.ids)[0]
        self.assertIn("03/10/2026", html.decode())
        self.customer.lang = "fr_FR"
        html = render("maintenance_contract_it.report_intervention", intervention.ids)[0]
        self.assertIn("10/03/2026", html.decode())

    # Consumption

    def test_billing_period_bounds(self):
        self.assertEqual(
            period_bounds(date(2026, 1, 1), date(2026, 3, 15), 1),
            (date(2026, 3, 1), date(2026, 3, 31)),
        )
        self.assertEqual(
            period_bounds(date(2026, 1, 31), date(2026, 2, 15), 1),
            (date(2026, 1, 31), date(2026, 2, 27)),
        )
        self.assertEqual(
            period_bounds(date(2026, 1, 31), date(2026, 3, 30), 1),
            (date(2026, 2, 28), date(2026, 3, 30)),
        )
        self.assertEqual(
            period_bounds(date(2026, 1, 1), date(2026, 5, 2), 3),
            (date(2026, 4, 1), date(2026, 6, 30)),
        )

    @freeze_time("2026-03-20 12:00:00")
    def test_consumption_per_period_and_kind(self):
        self._done(self._create_intervention(kind="curative"))  # 2.5 h in March
        self._done(
            self._create_intervention(kind="preventive"),
            start="2026-03-02 08:00:00",
            end="2026-03-02 09:30:00",
        )
        self._done(  # February: another period
            self._create_intervention(kind="curative"),
            start="2026-02-27 08:00:00",
            end="2026-02-27 12:00:00",
        )
        self._create_intervention(  # planned: not consumed yet
            kind="evolutive", scheduled_start="2026-03-25 08:00:00"
        )
        cancelled = self._create_intervention(kind="evolutive")
        self._done(cancelled)
        cancelled.action_cancel()
        contract = self.contract
        self.assertEqual(contract.period_start, date(2026, 3, 1))
        self.assertEqual(contract.period_end, date(2026, 3, 31))
        self.assertEqual(contract.consumption_hours, 4.0)
        self.assertEqual(contract.consumption_curative_hours, 2.5)
        self.assertEqual(contract.consumption_preventive_hours, 1.5)
        self.assertEqual(contract.consumption_evolutive_hours, 0.0)
        # A quarterly contract counts the whole quarter.
        contract.billing_frequency = "quarterly"
        contract.invalidate_recordset()
        self.assertEqual(contract.consumption_hours, 8.0)
        self.assertEqual(contract.consumption_curative_hours, 6.5)
        # The same figures grouped by contract, month and kind, as the analysis shows them.
        groups = self.env["maintenance.intervention"]._read_group(
            [("contract_id", "=", contract.id), ("state", "in", ("done", "signed"))],
            ["date:month", "kind"],
            ["duration:sum"],
        )
        self.assertEqual(
            {(month.month, kind): hours for month, kind, hours in groups},
            {(2, "curative"): 4.0, (3, "curative"): 2.5, (3, "preventive"): 1.5},
        )

    # Access

    def test_portal_reads_own_done_interventions(self):
        done = self._done(self._create_intervention())
        planned = self._create_intervention()
        other_customer = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        foreign = self._done(
            self._create_intervention(contract_id=False, partner_id=other_customer.id)
        )
        portal = new_test_user(
            self.env,
            login="mcit_portal",
            groups="base.group_portal",
            partner_id=self.customer_contact.id,
        )
        Intervention = self.env["maintenance.intervention"].with_user(portal)
        visible = Intervention.search([])
        self.assertEqual(visible, done)
        self.assertEqual(done.with_user(portal).work_done, done.work_done)
        for hidden in planned | foreign:
            with self.assertRaises(AccessError):
                hidden.with_user(portal).read(["name"])
        with self.assertRaises(AccessError):
            done.with_user(portal).write({"work_done": "<p>Hacked</p>"})

    def test_other_company_user_sees_nothing(self):
        intervention = self._create_intervention()
        other_company = self.env["res.company"].create({"name": "Other IT provider"})
        outsider = new_test_user(
            self.env,
            login="mcit_outsider",
            groups="maintenance_contract_it.group_maintenance_contract_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        Intervention = self.env["maintenance.intervention"].with_user(outsider)
        self.assertFalse(Intervention.search([]))
        with self.assertRaises(AccessError):
            intervention.with_user(outsider).read(["name"])
