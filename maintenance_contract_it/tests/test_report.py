from odoo import Command
from odoo.tests import tagged

from .common import MaintenanceContractCommon

REPORT = "maintenance_contract_it.report_maintenance_contract"


@tagged("post_install", "-at_install")
class TestReport(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The test database may have French only: the customers here speak both.
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.equipment = cls.env["maintenance.contract.equipment"].create(
            {
                "name": "Accounting server",
                "partner_id": cls.customer.id,
                "brand": "Dell",
                "model": "PowerEdge R350",
                "serial_number": "SRV-42",
            }
        )
        cls.clause_optional.write(
            {"body": "<p>Visits on site for {{ customer }} start on {{ date_start }}.</p>"}
        )
        cls.clause_optional.with_context(lang="fr_FR").name = "Visites sur site (test)"
        cls.clause_optional.update_field_translations(
            "body",
            {
                "fr_FR": {
                    "Visits on site for {{ customer }} start on {{ date_start }}.": (
                        "Visites sur site pour {{ customer }} dès le {{ date_start }}."
                    )
                }
            },
        )
        cls.contract = cls._create_contract(
            date_start="2026-01-31",
            title="Lyon office",
            include_preventive=True,
            preventive_description="<p>Quarterly visit.</p>",
            equipment_ids=[Command.set(cls.equipment.ids)],
            extra_hourly_rate=95.0,
        )

    def _html(self, contract):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(REPORT, contract.ids)
        return html.decode()

    def _assert_sections(self, html):
        for section in (
            'id="mcit_parties"',
            'id="mcit_object"',
            'id="mcit_equipment"',
            'id="mcit_duration"',
            'id="mcit_financial"',
            'id="mcit_totals"',
            'id="mcit_sla"',
            'id="mcit_support_hours"',
            'id="mcit_signatures"',
            self.contract.name,
            self.company.name,
            "Durand Industries (test)",
            "Accounting server",
            "SRV-42",
            "PowerEdge R350",
            "Quarterly visit.",
            "Workstation maintenance",
            "Business hours (test)",
            "Support 8x5 (test)",
            "09:00–13:00, 14:00–18:00",
        ):
            self.assertIn(section, html)

    def test_report_in_english(self):
        html = self._html(self.contract)
        self._assert_sections(html)
        for text in (
            "Parties",
            "Duration and Renewal",
            "Financial Terms",
            "Service Levels",
            "Monday – Friday",
            "Very High",
            "12 months",
            "01/31/2026",
            # Clause categories, in the order of the categories.
            "Confidentiality and security",
            "Specific conditions",
            "Visits on site for Durand Industries (test) start on 01/31/2026.",
        ):
            self.assertIn(text, html)
        self.assertLess(
            html.index("Confidentiality and security"), html.index("Specific conditions")
        )
        self.assertLess(html.index('id="mcit_sla"'), html.index("Confidentiality (test)"))
        self.assertLess(html.index("Confidentiality (test)"), html.index('id="mcit_signatures"'))

    def test_report_in_french(self):
        customer = self.customer.copy({"name": "Martin SA (test)", "lang": "fr_FR"})
        contract = self.env["maintenance.contract"].create(
            dict(self.template._prepare_contract_values(customer), date_start="2026-01-31")
        )
        html = self._html(contract)
        self.assertIn("Martin SA (test)", html)
        self.assertIn('id="mcit_signatures"', html)
        self.assertIn("Visites sur site (test)", html)
        self.assertIn("Visites sur site pour Martin SA (test) dès le 31/01/2026.", html)
        self.assertIn("Lundi", html)  # support hours in French (day names from Odoo)
        self.assertIn("250,00", html)

    def test_report_pdf(self):
        report_model = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, report_format = report_model._render_qweb_pdf(REPORT, self.contract.ids)
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_print_button(self):
        action = self.contract.action_print_contract()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], REPORT)
        report = self.env.ref("maintenance_contract_it.maintenance_contract_report_action")
        self.assertEqual(report.binding_model_id.model, "maintenance.contract")

    def test_support_hours_summary(self):
        self.calendar_8x5.attendance_ids = [
            Command.create(
                {
                    "name": "Lunch",
                    "dayofweek": "0",
                    "hour_from": 13,
                    "hour_to": 14,
                    "day_period": "lunch",
                }
            )
        ]
        self.assertEqual(
            self.sla_policy._get_support_hours_summary(),
            [("Monday – Friday", "09:00–13:00, 14:00–18:00")],
        )
        self.calendar_8x5.attendance_ids.filtered(lambda a: a.dayofweek == "4").unlink()
        self.calendar_8x5.attendance_ids = [
            Command.create({"name": "Fri", "dayofweek": "4", "hour_from": 9, "hour_to": 17.5})
        ]
        self.assertEqual(
            self.sla_policy._get_support_hours_summary(),
            [("Monday – Thursday", "09:00–13:00, 14:00–18:00"), ("Friday", "09:00–17:30")],
        )
