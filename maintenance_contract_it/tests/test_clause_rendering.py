from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import MaintenanceContractCommon

BODY = (
    "<p>{{ customer }} ({{ customer_address }}) and {{ provider }} agree on contract "
    "{{ reference }} from {{ date_start }} to {{ date_end }}, for {{ initial_term }}, renewed "
    "for {{ renewal_term }}, notice {{ notice_period }}. Policy {{ sla_policy }}: answer in "
    "{{ response_very_high }}, fix in {{ resolution_very_high }}. Fee {{ amount_period }} "
    "billed {{ billing_frequency }}, {{ amount_yearly }} a year, extra hours at "
    "{{ hourly_rate }}. Terms: {{ payment_term ||| on receipt }}.</p>"
)
TERM = BODY[len("<p>") : -len("</p>")]  # the translatable term of the body


@tagged("post_install", "-at_install")
class TestClauseRendering(MaintenanceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The test database may have French only: the customers here speak both.
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.eur = cls.env.ref("base.EUR")
        cls.customer.write({"street": "12 rue des Lilas", "zip": "69003", "city": "Lyon"})
        cls.clause_figures = cls.env["maintenance.clause"].create(
            {"name": "Figures (test)", "category": "service_levels", "body": BODY}
        )
        cls.template.clause_ids = [Command.link(cls.clause_figures.id)]
        cls.sla_policy.line_ids.filtered(lambda line: line.priority == "3").write(
            {"response_hours": 1.5}
        )

    def _contract(self, partner):
        contract = self._create_contract(
            partner_id=partner.id,
            date_start="2026-01-31",
            currency_id=self.eur.id,
            extra_hourly_rate=1234.5,
        )
        return contract, contract.clause_ids.filtered(lambda c: c.clause_id == self.clause_figures)

    def test_render_in_english(self):
        contract, clause = self._contract(self.customer)
        rendered = str(clause.body_rendered)
        for expected in (
            "Durand Industries (test) (12 rue des Lilas, Lyon 69003)",
            f"and {self.company.name} agree on contract {contract.name}",
            "from 01/31/2026 to 01/30/2027",
            "for 12 months, renewed for 12 months, notice 3 months",
            "Policy Business hours (test): answer in 1.50 h, fix in 4 h",
            "Fee 250.00\xa0€ billed Monthly, 3,000.00\xa0€ a year",
            "extra hours at 1,234.50\xa0€",
            "Terms: on receipt.",
        ):
            self.assertIn(expected, rendered)

    def test_render_in_french(self):
        self.customer.lang = "fr_FR"
        self.clause_figures.update_field_translations(
            "body", {"fr_FR": {TERM: TERM.replace("agree on contract", "conviennent du contrat")}}
        )
        contract, clause = self._contract(self.customer)
        self.assertIn("conviennent du contrat", str(clause.body), "copied in French")
        rendered = str(clause.body_rendered)
        for expected in (
            f"conviennent du contrat {contract.name}",
            "from 31/01/2026 to 30/01/2027",
            "answer in 1,50\xa0h",  # French: no-break space before the unit
            "Fee 250,00\xa0€",
            "000,00\xa0€ a year",
            "234,50\xa0€",
        ):
            self.assertIn(expected, rendered)
        # The library keeps its English text.
        self.assertIn("agree on contract", str(self.clause_figures.with_context(lang="en_US").body))

    def test_values_escaped(self):
        self.customer.name = "<script>alert(1)</script> & Co"
        _contract, clause = self._contract(self.customer)
        rendered = str(clause.body_rendered)
        self.assertNotIn("<script>", rendered)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co", rendered)

    def test_placeholders_documented(self):
        contract = self._create_contract()
        self.assertEqual(
            set(contract._get_clause_placeholders()),
            set(contract._get_clause_placeholder_descriptions()),
        )
        self.assertIn("{{ response_high }}", str(self.clause_figures.placeholders_help))
        self.assertIn("{{ customer }}", str(contract.clause_ids[:1].placeholders_help))

    def test_unknown_placeholder_refused_in_library(self):
        with self.assertRaisesRegex(
            ValidationError,
            r"(?s)unknown placeholders: \{\{ customer_name \}\}.*Valid placeholders: "
            r"amount_period, .*customer, ",
        ):
            self.clause_figures.body = "<p>{{ customer_name }}</p>"

    def test_unknown_placeholder_refused_in_translation(self):
        with self.assertRaisesRegex(ValidationError, r"unknown placeholders: \{\{ client \}\}"):
            self.clause_figures.update_field_translations(
                "body", {"fr_FR": {TERM: "Le client {{ client }}"}}
            )

    def test_expressions_never_evaluated(self):
        contract = self._create_contract()
        clause = contract.clause_ids[:1]
        for body in ("<p>{{ 1 + 1 }}</p>", "<p>{{ object.env }}</p>", "<p>{{ customer.id }}</p>"):
            with self.assertRaisesRegex(ValidationError, "unknown placeholders"):
                clause.body = body
        # A stored text with an unknown key is shown as written, not evaluated.
        self.assertEqual(
            str(contract._render_clause_body("<p>{{ 6 * 7 }}</p>")), "<p>{{ 6 * 7 }}</p>"
        )

    def test_contract_clause_edited_and_rendered(self):
        contract = self._create_contract()
        clause = contract.clause_ids.filtered(lambda c: c.clause_id == self.clause_optional)
        clause.body = "<p>Visits for {{ customer }} under {{ reference }}.</p>"
        self.assertEqual(
            str(clause.body_rendered),
            f"<p>Visits for Durand Industries (test) under {contract.name}.</p>",
        )
        self.assertIn("Visits on site", str(self.clause_optional.body), "library unchanged")
