from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MaintenanceContractCommon


@tagged("post_install", "-at_install")
class TestTemplate(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clause_gdpr = cls.env["maintenance.clause"].create(
            {
                "name": "Personal data (test)",
                "category": "personal_data",
                "mandatory": True,
                "body": "<p>The provider processes personal data for {{ customer }}.</p>",
            }
        )
        cls.clause_payment = cls.env["maintenance.clause"].create(
            {"name": "Payment (test)", "category": "payment", "body": "<p>Pay on time.</p>"}
        )
        cls.template_server = cls.env["maintenance.contract.template"].create(
            {
                "name": "Server management (test)",
                "initial_term": 3,
                "initial_term_unit": "year",
                "renewal_term": 1,
                "renewal_term_unit": "year",
                "notice_period": 90,
                "notice_period_unit": "day",
                "billing_frequency": "quarterly",
                "line_ids": [
                    Command.create({"name": "Server management", "quantity": 2, "price_unit": 300})
                ],
                "clause_ids": [Command.set((cls.clause_gdpr | cls.clause_payment).ids)],
            }
        )
        cls.equipment = cls.env["maintenance.contract.equipment"].create(
            {"name": "File server", "partner_id": cls.customer.id}
        )

    def _clause_sources(self, contract):
        return contract.clause_ids.clause_id

    def test_wizard_creates_contract(self):
        action = self.template.with_user(self.manager).action_new_contract()
        self.assertEqual(action["res_model"], "maintenance.contract.create.wizard")
        wizard_form = Form(
            self.env["maintenance.contract.create.wizard"]
            .with_user(self.user)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard_form.template_id, self.template)
        wizard_form.partner_id = self.customer
        wizard_form.date_start = "2026-03-01"
        wizard_form.title = "Workstations of the Lyon office"
        wizard_form.equipment_ids.add(self.equipment)
        result = wizard_form.save().action_create_contract()
        contract = self.env["maintenance.contract"].browse(result["res_id"])
        self.assertEqual(result["res_model"], "maintenance.contract")
        self.assertEqual(result["views"], [(False, "form")])
        self.assertTrue(contract.name.startswith("MC/2026/"))
        self.assertEqual(contract.partner_id, self.customer)
        self.assertEqual(contract.template_id, self.template)
        self.assertEqual(contract.title, "Workstations of the Lyon office")
        self.assertEqual(str(contract.date_start), "2026-03-01")
        self.assertEqual(str(contract.date_end), "2027-02-28")
        self.assertEqual(contract.equipment_ids, self.equipment)
        self.assertEqual(contract.sla_policy_id, self.sla_policy)
        self.assertEqual(contract.extra_hourly_rate, 80.0)
        self.assertEqual(contract.line_ids.mapped("name"), ["Workstation maintenance"])
        self.assertEqual(contract.amount_period, 250.0)
        self.assertEqual(
            self._clause_sources(contract), self.clause_confidentiality | self.clause_optional
        )
        self.assertEqual(
            contract.clause_ids.filtered("mandatory").clause_id, self.clause_confidentiality
        )

    def test_wizard_drops_equipment_of_previous_customer(self):
        other = self.env["res.partner"].create({"name": "Other customer", "is_company": True})
        wizard_form = Form(self.env["maintenance.contract.create.wizard"])
        wizard_form.template_id = self.template
        wizard_form.partner_id = self.customer
        wizard_form.equipment_ids.add(self.equipment)
        wizard_form.partner_id = other
        self.assertEqual(len(wizard_form.equipment_ids), 0)

    def test_form_onchange_template(self):
        contract_form = Form(self.env["maintenance.contract"])
        contract_form.partner_id = self.customer
        contract_form.template_id = self.template
        self.assertEqual(contract_form.sla_policy_id, self.sla_policy)
        self.assertEqual(len(contract_form.line_ids), 1)
        self.assertEqual(len(contract_form.clause_ids), 2)
        with contract_form.clause_ids.new() as clause:
            clause.name = "Parking (specific)"
            clause.body = "<p>Parking is free.</p>"
        # Another template: its terms, lines and clauses replace the first one's, except the
        # mandatory clause and the clause written for this contract.
        contract_form.template_id = self.template_server
        self.assertEqual(contract_form.initial_term, 3)
        self.assertEqual(contract_form.initial_term_unit, "year")
        self.assertEqual(contract_form.notice_period_unit, "day")
        self.assertEqual(contract_form.billing_frequency, "quarterly")
        self.assertEqual(len(contract_form.line_ids), 1)
        self.assertEqual(contract_form.line_ids.edit(0).name, "Server management")
        # Choosing the same template again adds nothing.
        contract_form.template_id = self.template
        contract_form.template_id = self.template_server
        self.assertEqual(len(contract_form.line_ids), 1)
        contract = contract_form.save()
        self.assertEqual(contract.partner_id, self.customer)
        self.assertEqual(contract.amount_period, 600.0)
        self.assertEqual(
            sorted(contract.clause_ids.mapped("name")),
            sorted(
                [
                    "Confidentiality (test)",
                    "Parking (specific)",
                    "Personal data (test)",
                    "Payment (test)",
                ]
            ),
        )
        self.assertEqual(
            contract.clause_ids.filtered("mandatory").clause_id,
            self.clause_confidentiality | self.clause_gdpr,
        )

    def test_form_onchange_template_on_saved_contract(self):
        contract = self._create_contract()
        with Form(contract) as contract_form:
            contract_form.template_id = self.template_server
        self.assertEqual(
            self._clause_sources(contract),
            self.clause_confidentiality | self.clause_gdpr | self.clause_payment,
        )
        self.assertEqual(contract.line_ids.mapped("name"), ["Server management"])

    def test_mandatory_clauses_added_at_create(self):
        contract = self._create_contract(clause_ids=[])
        self.assertEqual(self._clause_sources(contract), self.clause_confidentiality)
        self.assertTrue(contract.clause_ids.mandatory)

    def test_mandatory_clauses_added_on_template_change(self):
        contract = self._create_contract()
        contract.template_id = self.template_server
        self.assertIn(self.clause_gdpr, self._clause_sources(contract))
        self.assertEqual(len(contract.clause_ids.filtered("mandatory")), 2)

    def test_mandatory_clause_protected(self):
        contract = self._create_contract()
        mandatory = contract.clause_ids.filtered("mandatory")
        optional = contract.clause_ids - mandatory
        message = (
            r"The clause “Confidentiality \(test\)” is mandatory and cannot be removed from "
            rf"the contract {contract.name}"
        )
        with self.assertRaisesRegex(UserError, message):
            mandatory.unlink()
        with self.assertRaisesRegex(UserError, message):
            contract.clause_ids = [Command.delete(mandatory.id)]
        with self.assertRaisesRegex(UserError, message):
            contract.clause_ids = [Command.unlink(mandatory.id)]
        with self.assertRaisesRegex(UserError, message):
            contract.clause_ids = [Command.clear()]
        optional.unlink()
        self.assertEqual(contract.clause_ids, mandatory)

    def test_mandatory_clause_not_detached(self):
        contract = self._create_contract()
        mandatory = contract.clause_ids.filtered("mandatory")
        with self.assertRaisesRegex(UserError, "is mandatory and cannot be removed"):
            mandatory.clause_id = self.clause_optional
        with self.assertRaisesRegex(UserError, "is mandatory and cannot be removed"):
            mandatory.contract_id = self._create_contract()

    def test_library_clause_added_by_hand(self):
        self.customer.lang = "fr_FR"
        self.clause_optional.with_context(lang="fr_FR").name = "Visites sur site (test)"
        contract = self._create_contract(clause_ids=[])
        with Form(contract) as contract_form, contract_form.clause_ids.new() as clause:
            clause.clause_id = self.clause_optional
            self.assertEqual(clause.name, "Visites sur site (test)")
            self.assertEqual(clause.category, "specific")
        self.assertIn(self.clause_optional, contract.clause_ids.clause_id)

    def test_mandatory_clause_protected_in_form(self):
        contract = self._create_contract()
        contract_form = Form(contract)
        index = contract.clause_ids.ids.index(contract.clause_ids.filtered("mandatory").id)
        contract_form.clause_ids.remove(index=index)
        with self.assertRaisesRegex(UserError, "is mandatory and cannot be removed"):
            contract_form.save()
        self.assertEqual(len(contract.clause_ids), 2)

    def test_mandatory_clause_editable(self):
        contract = self._create_contract()
        mandatory = contract.clause_ids.filtered("mandatory")
        mandatory.body = "<p>Both parties keep secret what they learn for 5 years.</p>"
        self.assertIn("5 years", str(mandatory.body_rendered))
        self.assertIn("confidential", str(self.clause_confidentiality.body))

    def test_cancelled_contract_clauses_removable(self):
        contract = self._create_contract()
        contract.action_cancel()
        contract.clause_ids.unlink()
        self.assertFalse(contract.clause_ids)

    def test_draft_contract_deletable(self):
        contract = self._create_contract()
        clauses = contract.clause_ids
        contract.unlink()
        self.assertFalse(clauses.exists())
