from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import MaintenanceContractCommon

# Fields of maintenance.contract.terms that are not terms copied from a template.
NOT_COPIED = {"company_id", "currency_id"}


@tagged("post_install", "-at_install")
class TestContractTerms(MaintenanceContractCommon):
    """Templates and contracts share their terms: one definition, one check, one copy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payment_term = cls.env.ref("account.account_payment_term_30days")
        cls.sla_premium = cls.sla_policy.copy({"name": "Premium (terms test)"})
        # A value for every term that differs from the defaults of a new contract.
        cls.terms = {
            "include_preventive": True,
            "include_curative": False,
            "include_evolutive": True,
            "preventive_description": "<p>Monthly visit.</p>",
            "curative_description": "<p>Repairs.</p>",
            "evolutive_description": "<p>Upgrades.</p>",
            "exclusions": "<p>Printers.</p>",
            "specific_conditions": "<p>Keys at the desk.</p>",
            "initial_term": 3,
            "initial_term_unit": "year",
            "tacit_renewal": False,
            "renewal_term": 2,
            "renewal_term_unit": "year",
            "notice_period": 45,
            "notice_period_unit": "day",
            "billing_frequency": "quarterly",
            "billing_in_advance": False,
            "payment_term_id": cls.payment_term.id,
            "extra_hourly_rate": 92.5,
            "sla_policy_id": cls.sla_premium.id,
            "billing_alignment": "calendar",
            "invoice_date_offset": 5,
            "unit_count_method": "first_day",
            "invoice_auto_post": "posted",
            "invoice_grouping": "customer",
        }
        cls.template.write(cls.terms)

    def _assert_terms(self, contract):
        for fname, value in self.terms.items():
            actual = contract[fname]
            if fname.endswith("_id"):
                actual = actual.id
            self.assertEqual(actual, value, fname)

    def test_one_list_of_terms(self):
        """Every term of the shared model is copied: adding a term to the model without
        adding it to _get_terms_fields fails here."""
        terms_model = self.env["maintenance.contract.terms"]
        defined = {
            name for name, field in terms_model._fields.items() if not field.automatic
        } - NOT_COPIED
        self.assertEqual(set(terms_model._get_terms_fields()), defined)
        self.assertEqual(set(self.terms), defined)
        for model in ("maintenance.contract", "maintenance.contract.template"):
            self.assertIn("maintenance.contract.terms", self.env[model]._inherit)

    def test_wizard_copies_every_term(self):
        wizard = self.env["maintenance.contract.create.wizard"].create(
            {"template_id": self.template.id, "partner_id": self.customer.id}
        )
        contract = self.env["maintenance.contract"].browse(
            wizard.action_create_contract()["res_id"]
        )
        self._assert_terms(contract)

    def test_template_onchange_copies_every_term(self):
        contract_form = Form(self.env["maintenance.contract"])
        contract_form.partner_id = self.customer
        contract_form.template_id = self.template
        contract = contract_form.save()
        self._assert_terms(contract)

    def test_texts_in_customer_language(self):
        """The translated texts of the template reach the contract in the customer's
        language, through the wizard and through the form."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        self.template.with_context(lang="fr_FR").exclusions = "<p>Imprimantes.</p>"
        contract = self._create_contract()
        self.assertEqual(contract.exclusions, "<p>Imprimantes.</p>")
        contract_form = Form(self.env["maintenance.contract"])
        contract_form.partner_id = self.customer
        contract_form.template_id = self.template
        self.assertEqual(contract_form.exclusions, "<p>Imprimantes.</p>")

    def test_hourly_rate_in_template_currency(self):
        """The hourly rate is an amount on both models; the template's currency is its
        company's."""
        for model in ("maintenance.contract", "maintenance.contract.template"):
            field = self.env[model]._fields["extra_hourly_rate"]
            self.assertEqual(field.type, "monetary", model)
            self.assertEqual(field.get_currency_field(self.env[model]), "currency_id", model)
        template = self.env["maintenance.contract.template"].create({"name": "Bare (test)"})
        self.assertEqual(template.currency_id, self.company.currency_id)
        other_currency = self.env.ref("base.USD")
        if other_currency == self.company.currency_id:
            other_currency = self.env.ref("base.EUR")
        other_company = self.env["res.company"].create(
            {"name": "Other company (terms test)", "currency_id": other_currency.id}
        )
        template.company_id = other_company
        self.assertEqual(template.currency_id, other_currency)

    def test_terms_checked_on_both_models(self):
        contract = self._create_contract()
        for record in (self.template, contract):
            for values, message in (
                ({"initial_term": 0}, "The initial term must be positive."),
                ({"renewal_term": -1}, "The renewal term must be positive."),
                ({"notice_period": -1}, "The notice period cannot be negative."),
                (
                    {"extra_hourly_rate": -5.0},
                    "The hourly rate for extra services cannot be negative.",
                ),
            ):
                with (
                    self.subTest(model=record._name, values=values),
                    self.assertRaises(ValidationError) as error,
                ):
                    record.write(values)
                self.assertEqual(error.exception.args[0], message)

    def test_contract_tracks_its_terms(self):
        """The contract keeps tracking its terms; the template's texts are translatable."""
        contract_fields = self.env["maintenance.contract"]._fields
        for fname in ("tacit_renewal", "billing_frequency", "sla_policy_id"):
            self.assertTrue(contract_fields[fname].tracking, fname)
        self.assertTrue(self.env["maintenance.contract.template"]._fields["exclusions"].translate)
        self.assertFalse(contract_fields["exclusions"].translate)
