"""French legal mentions of the contract invoices (operation type, late payment penalties,
fixed recovery indemnity: French Commercial Code, art. L441-9, L441-10 and D441-5): the
company's settings and their French defaults, every kind of contract invoice and credit note
through the one header, in the customer's language, after the company's own terms, printed
on the invoice."""

from datetime import date

from freezegun import freeze_time
from lxml import html

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_billing import BillingCommon

EN_OPERATION = "Operation type: services"
EN_PENALTY = (
    "Late payment penalties: three times the French legal interest rate, due from the day "
    "after the due date without a reminder (French Commercial Code, art. L441-10)."
)
EN_INDEMNITY = (
    "Fixed indemnity for recovery costs owed by a professional customer in case of late "
    "payment: {amount} (French Commercial Code, art. L441-10 and D441-5)."
)
FR_OPERATION = "Catégorie de l'opération : prestation de services"
FR_PENALTY = (
    "Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de "
    "la date d'échéance sans qu'un rappel soit nécessaire (Code de commerce, art. L441-10)."
)
FR_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement due par un client professionnel en cas "
    "de retard de paiement : {amount} (Code de commerce, art. L441-10 et D441-5)."
)


def text_of(markup):
    """The text of an HTML value, its white space collapsed (a no-break space too)."""
    return " ".join(" ".join(html.fromstring(f"<div>{markup}</div>").itertext()).split())


@tagged("post_install", "-at_install")
class TestFrenchDefaults(BillingCommon):
    """French defaults of a company in France, never over what the user chose."""

    def _company(self, country, **values):
        return self.env["res.company"].create(
            {
                "name": f"Provider in {country} (test)",
                "country_id": self.env.ref(country).id,
                **values,
            }
        )

    def test_french_company_gets_the_french_defaults(self):
        company = self._company("base.fr")
        self.assertTrue(company.maintenance_invoice_legal_mentions)
        self.assertEqual(company.maintenance_late_penalty_basis, "legal_x3")
        self.assertEqual(company.maintenance_recovery_indemnity, 40.0)
        # an overseas department is under the French Commercial Code too
        self.assertTrue(self._company("base.re").maintenance_invoice_legal_mentions)

    def test_company_outside_france_prints_none(self):
        company = self._company("base.be")
        self.assertFalse(company.maintenance_invoice_legal_mentions)
        self.assertEqual(company.maintenance_recovery_indemnity, 0.0)
        self.assertEqual(company._maintenance_get_invoice_legal_mentions("en_US"), [])

    def test_values_given_at_creation_are_kept(self):
        company = self._company(
            "base.fr", maintenance_invoice_legal_mentions=False, maintenance_recovery_indemnity=60
        )
        self.assertFalse(company.maintenance_invoice_legal_mentions)
        self.assertEqual(company.maintenance_recovery_indemnity, 60.0)

    def test_company_becoming_french_keeps_what_the_user_chose(self):
        company = self._company("base.be")
        company.maintenance_recovery_indemnity = 55.0
        company.country_id = self.env.ref("base.fr")
        self.assertTrue(company.maintenance_invoice_legal_mentions)
        self.assertEqual(company.maintenance_recovery_indemnity, 55.0)
        # a French company whose user turned the mentions off: another write keeps them off
        company.maintenance_invoice_legal_mentions = False
        company.write({"country_id": self.env.ref("base.fr").id, "phone": "+33 1 23 45 67 89"})
        self.assertFalse(company.maintenance_invoice_legal_mentions)

    def test_company_contact_becoming_french_gives_the_defaults(self):
        company = self._company("base.be")
        company.maintenance_recovery_indemnity = 55.0
        # the country changed on the company's contact, not on the company form
        company.partner_id.country_id = self.env.ref("base.mq")
        self.assertEqual(company.country_id, self.env.ref("base.mq"))
        self.assertTrue(company.maintenance_invoice_legal_mentions)
        self.assertEqual(company.maintenance_late_penalty_basis, "legal_x3")
        self.assertEqual(company.maintenance_recovery_indemnity, 55.0)
        # a contact that is no company's changes nothing
        partner = self.env["res.partner"].create({"name": "Contact in Belgium (test)"})
        partner.country_id = self.env.ref("base.fr")
        self.assertEqual(partner.country_id, self.env.ref("base.fr"))

    def test_install_gives_the_existing_french_companies_the_defaults(self):
        french = self._company("base.fr")
        belgian = self._company("base.be")
        # as they were before the module added its settings
        (french | belgian).write(
            {"maintenance_invoice_legal_mentions": False, "maintenance_recovery_indemnity": 0}
        )
        self.env["res.company"]._maintenance_install_french_defaults()
        self.assertTrue(french.maintenance_invoice_legal_mentions)
        self.assertEqual(french.maintenance_recovery_indemnity, 40.0)
        self.assertFalse(belgian.maintenance_invoice_legal_mentions)

    def test_settings_form_writes_the_company(self):
        settings = self.env["res.config.settings"].create(
            {
                "maintenance_invoice_legal_mentions": True,
                "maintenance_late_penalty_basis": "rate",
                "maintenance_late_penalty_rate": 12.5,
                "maintenance_recovery_indemnity": 40.0,
            }
        )
        settings.execute()
        self.assertEqual(self.company.maintenance_late_penalty_basis, "rate")
        self.assertEqual(self.company.maintenance_late_penalty_rate, 12.5)

    def test_bad_rates_refused(self):
        with self.assertRaisesRegex(ValidationError, "penalty rate .* cannot be negative"):
            self._company("base.fr", name="Negative rate (test)", maintenance_late_penalty_rate=-1)
        with self.assertRaisesRegex(ValidationError, "indemnity .* cannot be negative"):
            self._company(
                "base.fr", name="Negative indemnity (test)", maintenance_recovery_indemnity=-40
            )
        # an agreed rate not set: the invoice is refused, with the reason
        self.company.write(
            {
                "maintenance_invoice_legal_mentions": True,
                "maintenance_late_penalty_basis": "rate",
                "maintenance_late_penalty_rate": 0.0,
            }
        )
        contract = self._billing_contract("2027-01-01")
        with self.assertRaisesRegex(UserError, "agreed late payment penalty rate .* not set"):
            contract._create_penalty_invoice(100.0)


@tagged("post_install", "-at_install")
class TestInvoiceMentions(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("account.use_invoice_terms", True)
        cls.company.write(
            {
                "maintenance_invoice_legal_mentions": True,
                "maintenance_late_penalty_basis": "legal_x3",
                "maintenance_recovery_indemnity": 40.0,
                "maintenance_invoice_legal_note": False,
                "terms_type": "plain",
            }
        )
        cls.company.with_context(lang="en_US").invoice_terms = "<p>Payment by bank transfer.</p>"
        cls.company.update_field_translations(
            "invoice_terms", {"fr_FR": {"Payment by bank transfer.": "Paiement par virement."}}
        )
        # the indemnity as Odoo prints 40.00 in the company's currency
        currency = cls.company.currency_id
        cls.en_indemnity = EN_INDEMNITY.format(
            amount=f"{currency.symbol} 40.00"
            if currency.position == "before"
            else f"40.00 {currency.symbol}"
        )
        cls.fr_indemnity = FR_INDEMNITY.format(
            amount=f"{currency.symbol} 40,00"
            if currency.position == "before"
            else f"40,00 {currency.symbol}"
        )
        cls.french_customer = cls.env["res.partner"].create(
            {"name": "Société Lyonnaise (test)", "is_company": True, "lang": "fr_FR"}
        )

    def assertMentions(self, move, expected, unexpected=()):
        narration = text_of(move.narration)
        for text in expected:
            self.assertIn(text, narration)
        for text in unexpected:
            self.assertNotIn(text, narration)

    def test_recurring_invoice_in_english(self):
        contract = self._billing_contract("2027-03-01")
        move = self._invoice(contract, date(2027, 3, 1))
        self.assertEqual(move.partner_id.lang, "en_US")
        # the company's own terms first, then the mentions, one paragraph each
        self.assertEqual(
            text_of(move.narration),
            f"Payment by bank transfer. {EN_OPERATION} {EN_PENALTY} {self.en_indemnity}",
        )
        self.assertEqual(html.fromstring(f"<div>{move.narration}</div>").xpath("count(//p)"), 4.0)

    def test_recurring_invoice_in_french_for_a_french_customer(self):
        contract = self._billing_contract("2027-03-01", partner=self.french_customer)
        move = self._invoice(contract, date(2027, 3, 1))
        self.assertEqual(
            text_of(move.narration),
            f"Paiement par virement. {FR_OPERATION} {FR_PENALTY} {self.fr_indemnity}",
        )

    def test_grouped_invoice(self):
        first = self._billing_contract("2027-03-01", invoice_grouping="customer")
        second = self._billing_contract("2027-03-01", price=120.0, invoice_grouping="customer")
        move = self._invoice(first | second, date(2027, 3, 1))
        self.assertEqual(len(move), 1)
        self.assertFalse(move.contract_id)
        self.assertMentions(move, [EN_OPERATION, EN_PENALTY, self.en_indemnity])

    @freeze_time("2027-03-05")
    def test_penalty_invoice_in_french(self):
        contract = self._billing_contract("2027-01-01", partner=self.french_customer)
        penalty = contract._create_penalty_invoice(100.0)
        self.assertMentions(penalty, [FR_OPERATION, FR_PENALTY, self.fr_indemnity], [EN_PENALTY])

    def test_credit_note_of_unused_days_carries_the_mentions(self):
        """A credit note is a corrective invoice: it carries the mentions of an invoice."""
        for partner, expected in (
            (self.customer, [EN_OPERATION, EN_PENALTY, self.en_indemnity]),
            (self.french_customer, [FR_OPERATION, FR_PENALTY, self.fr_indemnity]),
        ):
            with self.subTest(lang=partner.lang):
                contract = self._billing_contract("2027-03-01", partner=partner)
                with freeze_time("2027-03-01"):
                    self._invoice(contract, date(2027, 3, 1))
                with freeze_time("2027-03-10"):
                    contract._record_notice(
                        {
                            "notice_date": date(2027, 3, 1),
                            "notice_given_by": "customer",
                            "notice_channel": "email",
                            "termination_date": date(2027, 3, 15),
                            "early_termination": True,
                        }
                    )
                credit = contract.period_ids.credit_move_id
                self.assertEqual(credit.move_type, "out_refund")
                # 300.00 × 16/31 = 154.84
                self.assertEqual(credit.amount_untaxed, 154.84)
                self.assertMentions(credit, expected)

    def test_other_mentions_in_the_customer_language(self):
        self.company.with_context(
            lang="en_US"
        ).maintenance_invoice_legal_note = "No discount for early payment."
        self.company.update_field_translations(
            "maintenance_invoice_legal_note", {"fr_FR": "Pas d'escompte pour paiement anticipé."}
        )
        english = self._invoice(self._billing_contract("2027-03-01"), date(2027, 3, 1))
        french = self._invoice(
            self._billing_contract("2027-03-01", partner=self.french_customer), date(2027, 3, 1)
        )
        self.assertTrue(text_of(english.narration).endswith("No discount for early payment."))
        self.assertTrue(
            text_of(french.narration).endswith("Pas d'escompte pour paiement anticipé.")
        )

    def test_changed_setting_changes_the_next_invoice_not_the_past_ones(self):
        contract = self._billing_contract("2027-01-01")
        with freeze_time("2027-03-05"):
            first = contract._create_penalty_invoice(100.0)
            self.company.write(
                {
                    "maintenance_late_penalty_basis": "rate",
                    "maintenance_late_penalty_rate": 12.5,
                    "maintenance_recovery_indemnity": 0.0,
                }
            )
            second = contract._create_penalty_invoice(100.0)
        self.assertMentions(first, [EN_PENALTY, self.en_indemnity])
        self.assertMentions(
            second,
            [
                "Late payment penalties: 12.50 % per year, due from the day after the due date",
                EN_OPERATION,
            ],
            [EN_PENALTY, "Fixed indemnity"],
        )
        # turned off: Odoo's own terms only
        self.company.maintenance_invoice_legal_mentions = False
        third = self._invoice(self._billing_contract("2027-03-01"), date(2027, 3, 1))
        self.assertEqual(text_of(third.narration), "Payment by bank transfer.")
        self.assertEqual(text_of(first.narration).count("Late payment penalties"), 1)

    def test_other_rate_in_french(self):
        self.company.maintenance_late_penalty_basis = "ecb_10"
        move = self._invoice(
            self._billing_contract("2027-03-01", partner=self.french_customer), date(2027, 3, 1)
        )
        self.assertMentions(
            move,
            [
                "Pénalités de retard : le taux de refinancement de la Banque centrale "
                "européenne majoré de 10 points, exigibles"
            ],
        )

    def test_without_company_terms(self):
        self.env["ir.config_parameter"].sudo().set_param("account.use_invoice_terms", False)
        move = self._invoice(self._billing_contract("2027-03-01"), date(2027, 3, 1))
        self.assertEqual(
            text_of(move.narration), f"{EN_OPERATION} {EN_PENALTY} {self.en_indemnity}"
        )

    def test_operation_type_of_the_lines(self):
        contract = self._billing_contract("2027-03-01")
        part = self.env["product.product"].create({"name": "Power supply (test)", "type": "consu"})
        service, goods = {"product_id": self.fee_product.id}, {"product_id": part.id}
        no_product = {"name": "SLA service credit"}
        note = {"display_type": "line_note", "name": "Note"}
        operation = contract._billing_get_operation_type
        self.assertEqual(operation([service, no_product, note]), "services")
        self.assertEqual(operation([goods, note]), "goods")
        self.assertEqual(operation([service, goods]), "mixed")
        self.assertEqual(operation([no_product, goods]), "mixed")
        mentions = self.company._maintenance_get_invoice_legal_mentions("fr_FR", "mixed")
        self.assertEqual(
            mentions[0],
            "Catégorie de l'opération : mixte (livraison de biens et prestation de services)",
        )

    def test_printed_on_the_invoice(self):
        contract = self._billing_contract("2027-03-01", partner=self.french_customer)
        move = self._invoice(contract, date(2027, 3, 1))
        move.action_post()
        content, __ = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", move.ids
        )
        printed = " ".join(html.fromstring(content).text_content().split())
        for text in (FR_OPERATION, FR_PENALTY, self.fr_indemnity, "Paiement par virement."):
            self.assertIn(text, printed)
