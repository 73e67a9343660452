"""The French translation is part of the product: every term the module exports must be
translated in i18n/fr.po, with the same placeholders, and be loaded in the database."""

import io
import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

MODULE = "maintenance_contract_it"
FR_PO = Path(__file__).resolve().parents[1] / MODULE / "i18n" / "fr.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\{.*?\}\}")


@tagged("post_install", "-at_install")
class TestFrenchTranslation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        buffer = io.BytesIO()
        trans_export(False, [MODULE], buffer, "po", cls.env.cr)
        cls.exported = polib.pofile(buffer.getvalue().decode())
        cls.french = polib.pofile(str(FR_PO))

    def test_every_exported_term_is_translated(self):
        translations = {
            entry.msgid: entry.msgstr
            for entry in self.french
            if entry.msgstr and "fuzzy" not in entry.flags and not entry.obsolete
        }
        missing = [entry.msgid for entry in self.exported if entry.msgid not in translations]
        self.assertFalse(
            missing,
            f"{len(missing)} term(s) without French translation in {FR_PO.name} "
            f"(run setup/i18n.sh and translate them), e.g.: {missing[:10]}",
        )

    def test_placeholders_are_kept(self):
        wrong = [
            entry.msgid
            for entry in self.french
            if entry.msgstr
            and sorted(PLACEHOLDER.findall(entry.msgid))
            != sorted(PLACEHOLDER.findall(entry.msgstr))
        ]
        self.assertFalse(wrong, f"placeholders differ in the French translation of: {wrong}")

    def test_french_is_loaded(self):
        """The test database loads fr_FR: the module's labels read in French."""
        field = self.env["maintenance.contract"].with_context(lang="fr_FR")._fields["partner_id"]
        label = field._description_string(self.env(context={"lang": "fr_FR"}))
        self.assertEqual(label, self.french.find("Customer").msgstr)
