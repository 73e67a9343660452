"""Clause texts are HTML written by contract users and read by customers (portal, PDF): the
placeholders are filled in the text only, the values are escaped, the result is sanitized,
and the parsing of the placeholders stays linear in the size of the text."""

from lxml import etree, html
from markupsafe import escape

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MaintenanceContractCommon

REPORT = "maintenance_contract_it.report_maintenance_contract"
CUSTOMER_NAME = "<script>alert(1)</script> Durand"

# A placeholder opened in an attribute and closed in the text that follows: replacing it in
# the serialized HTML turned the text into attributes of the <img> (onerror).
BODY_ATTRIBUTE_TO_TEXT = (
    '<p><img title="{{ customer ||| " src="x">}}" src=x onerror=alert(1) x="</p>'
)
# The same, closed in an attribute of the next tag.
BODY_ATTRIBUTE_TO_TAG = (
    '<p><img title="{{ customer ||| " src="x"><img src="y" title=\'}}" onerror="alert(1)\'></p>'
)
# A placeholder written in an attribute is left as written.
BODY_IN_ATTRIBUTE = (
    '<p><a href="https://example.com" title="{{ customer }}">{{ reference }}</a></p>'
)
# A placeholder spanning tags is left as written: its tags are kept.
BODY_ACROSS_TAGS = "<p>{{ customer ||| <b>bold</b> }}</p>"
# Placeholders in the text are filled.
BODY_TEXT = "<p>Services for {{ customer }} under {{ reference }}.</p>"


@tagged("post_install", "-at_install")
class TestClauseSafety(MaintenanceContractCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.name = CUSTOMER_NAME
        cls.contract = cls._create_active_contract(
            title="Clause safety",
            clause_ids=[
                Command.create({"name": f"Clause {index} (test)", "body": body})
                for index, body in enumerate(
                    (
                        BODY_ATTRIBUTE_TO_TEXT,
                        BODY_ATTRIBUTE_TO_TAG,
                        BODY_IN_ATTRIBUTE,
                        BODY_ACROSS_TAGS,
                        BODY_TEXT,
                    )
                )
            ],
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="mcit_clause_portal",
            password="mcit_clause_portal",
            groups="base.group_portal",
            name=cls.customer_contact.name,
            email=cls.customer_contact.email,
            partner_id=cls.customer_contact.id,
        )

    def _assert_inert(self, nodes):
        """No script and no event handler in ``nodes`` (parsed HTML elements)."""
        self.assertTrue(nodes, "the clauses are shown")
        for node in nodes:
            for element in node.iter(etree.Element):
                self.assertNotIn(element.tag, ("script", "iframe", "object", "embed"))
                handlers = [name for name in element.attrib if name.lower().startswith("on")]
                self.assertFalse(handlers, etree.tostring(element, encoding="unicode"))
            self.assertNotIn("<script", etree.tostring(node, encoding="unicode").lower())

    def _assert_clauses_shown(self, nodes):
        """The clauses of the contract, inert, with their text placeholders filled."""
        self._assert_inert(nodes)
        text = " ".join(" ".join(node.text_content().split()) for node in nodes)
        self.assertIn(f"Services for {CUSTOMER_NAME} under {self.contract.name}.", text)
        self.assertIn("{{ customer ||| bold }}", text, "across tags: left as written")
        links = [link for node in nodes for link in node.iter("a") if link.get("title")]
        self.assertEqual(
            [(link.get("title"), link.text) for link in links],
            [("{{ customer }}", self.contract.name)],
            "a placeholder in an attribute is left as written",
        )
        self.assertEqual(
            [b.text for node in nodes for b in node.iter("b")], ["bold"], "tags are kept"
        )

    def test_preview(self):
        nodes = [
            html.fragment_fromstring(str(clause.body_rendered), create_parent="div")
            for clause in self.contract.clause_ids
        ]
        self._assert_clauses_shown(nodes)
        self.assertIn(
            f"<p>Services for {escape(CUSTOMER_NAME)} under {self.contract.name}.</p>",
            self.contract.clause_ids.mapped(lambda clause: str(clause.body_rendered)),
        )

    def test_portal_page(self):
        self.authenticate("mcit_clause_portal", "mcit_clause_portal")
        response = self.url_open(f"/my/contracts/{self.contract.id}")
        self.assertEqual(response.status_code, 200)
        nodes = html.fromstring(response.text).xpath("//section[@id='contract_clauses']")
        self._assert_clauses_shown(nodes)

    def test_report(self):
        content, _format = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, self.contract.ids
        )
        nodes = html.fromstring(content.decode()).xpath(
            "//div[contains(concat(' ', @class, ' '), ' o_mcit_clause ')]"
        )
        self.assertEqual(len(nodes), len(self.contract.clause_ids))
        self._assert_clauses_shown(nodes)

    def test_rendered_text_sanitized(self):
        """Whatever the stored text (written before sanitization, imported...), the
        rendered text is sanitized."""
        rendered = self.contract._render_clause_body(
            "<p>{{ customer }}</p><script>alert(1)</script>"
            '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">link</a>'
        )
        self._assert_inert([html.fragment_fromstring(str(rendered), create_parent="div")])
        self.assertNotIn("javascript:", str(rendered))
        self.assertIn(f"<p>{escape(CUSTOMER_NAME)}</p>", str(rendered))
        # A value with characters that HTML text cannot hold is rendered without them.
        self.contract.title = "Head\x0boffice\x1f"
        self.assertEqual(
            str(self.contract._render_clause_body("<p>{{ subject }}</p>")), "<p>Headoffice</p>"
        )
        # A <script> written in a clause never reaches the rendered text.
        clause = self.contract.clause_ids[-1]
        clause.body = "<p>{{ reference }}</p><script>alert(1)</script>"
        self.assertEqual(str(clause.body_rendered), f"<p>{self.contract.name}</p>")

    def test_body_size_capped(self):
        too_long = "<p>" + "a" * 100_000 + "</p>"
        library_clause = self.clause_optional
        contract_clause = self.contract.clause_ids[-1]
        for clause in (library_clause, contract_clause):
            with self.assertRaisesRegex(ValidationError, r"too long: 100007 characters"):
                clause.body = too_long
        french = contract_clause.with_context(lang="fr_FR")
        self.env["res.lang"]._activate_lang("fr_FR")
        with self.assertRaisesRegex(ValidationError, "trop long\xa0: 100007 caractères"):
            french.body = too_long
        # Up to the cap, a text is accepted.
        contract_clause.body = "<p>" + "a" * 99_990 + "</p>"
        self.assertEqual(len(contract_clause.body), 99_997)

    def test_many_open_braces(self):
        """``{{a`` repeated: the placeholders are found (and the text left as written)
        in time linear in the size of the text."""
        clause = self.contract.clause_ids[-1]
        braces = "{{a" * 16_000  # 48 KB
        clause.body = f"<p>{braces} {{{{ customer }}}}</p>"
        self.assertEqual(str(clause.body_rendered), f"<p>{braces} {escape(CUSTOMER_NAME)}</p>")
        clause.body = f"<p>{braces}</p>"
        self.assertEqual(str(clause.body_rendered), f"<p>{braces}</p>")
        with self.assertRaisesRegex(ValidationError, r"unknown placeholders: \{\{ b \}\}"):
            clause.body = f"<p>{braces}{{{{ b }}}}</p>"

    def test_shared_mixin(self):
        """The library clause and the contract clause share their fields and checks in
        maintenance.clause.mixin."""
        mixin = self.env["maintenance.clause.mixin"]
        self.assertTrue(mixin._abstract)
        shared = ("name", "category", "category_sequence", "sequence", "body")
        for model in ("maintenance.clause", "maintenance.contract.clause"):
            records = self.env[model]
            self.assertIsInstance(records, type(mixin))
            for fname in (*shared, "placeholders_help"):
                self.assertEqual(records._fields[fname].type, mixin._fields[fname].type)
            for method in (
                "_compute_category_sequence",
                "_compute_placeholders_help",
                "_check_body_placeholders",
            ):
                self.assertIs(getattr(type(records), method), getattr(type(mixin), method))
        # Both order the categories the same way, and both check the placeholders.
        library_clause = self.env["maintenance.clause"].create(
            {"name": "Payment (test)", "category": "payment"}
        )
        contract_clause = self.contract.clause_ids[-1]
        contract_clause.category = "payment"
        self.assertEqual(library_clause.category_sequence, contract_clause.category_sequence)
        self.assertLess(library_clause.category_sequence, self.clause_optional.category_sequence)
        for clause in (library_clause, contract_clause):
            with self.assertRaisesRegex(ValidationError, r"\{\{ client \}\}"):
                clause.body = "<p>{{ client }}</p>"
