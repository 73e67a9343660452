"""Every row of the portal lists has as many cells as its header, whatever is empty in it
(a ticket without equipment, an intervention without contract...); French units in lower
case."""

from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from .test_portal_service import PortalServiceCommon


@tagged("post_install", "-at_install")
class TestPortalListRows(PortalServiceCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # what leaves cells empty: a ticket without equipment, equipment without serial
        # number nor location, a contract without title
        cls.ticket_no_equipment = cls._create_ticket(name="Mail is slow (no equipment)")
        cls.server.write({"serial_number": False, "location": False})
        cls.contract.title = False

    def setUp(self):
        super().setUp()
        self.authenticate("mcit_portal_a", "mcit_portal_a")

    def _cells(self, row):
        return sum(int(cell.get("colspan", 1)) for cell in row.xpath("./td|./th"))

    def _assert_rows_complete(self, url, min_rows=1):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        tree = lxml_html.fromstring(response.text)
        tables = tree.xpath("//table[thead]")
        self.assertTrue(tables, f"no table on {url}")
        checked = 0
        for table in tables:
            header = table.xpath("./thead/tr")[0]
            for row in table.xpath("./tbody/tr"):
                if len(row.xpath("./td")) == 1 and row.xpath("./td[@colspan]"):
                    continue  # a group's title row
                self.assertEqual(
                    self._cells(row),
                    self._cells(header),
                    f"{url}: {row.text_content().split()}",
                )
                checked += 1
        self.assertGreaterEqual(checked, min_rows)
        return response.text

    def test_ticket_list_without_equipment(self):
        text = self._assert_rows_complete("/my/tickets", min_rows=2)
        self.assertIn(self.ticket_no_equipment.name, text)

    def test_contract_list_and_page(self):
        self._assert_rows_complete("/my/contracts")
        self._assert_rows_complete(f"/my/contracts/{self.contract.id}")

    def test_intervention_list(self):
        self._assert_rows_complete("/my/interventions")

    def test_french_units_in_lower_case(self):
        self.env.ref("base.lang_fr").active = True
        self.portal_user.lang = "fr_FR"
        self.authenticate("mcit_portal_a", "mcit_portal_a")
        self.contract.write(
            {"initial_term": 12, "initial_term_unit": "month", "notice_period_unit": "month"}
        )
        response = self.url_open(f"/my/contracts/{self.contract.id}")
        text = " ".join(lxml_html.fromstring(response.text).text_content().split())
        self.assertIn("Durée initiale : 12 mois", text.replace("\u202f", " "))
        self.assertNotIn("12 Mois", text)
