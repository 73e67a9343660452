from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTourContract(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Customer SARL", "is_company": True}
        )
        clause = cls.env["maintenance.clause"].create(
            {
                "name": "Tour confidentiality",
                "category": "security",
                "mandatory": True,
                "body": "<p>{{ customer }} and {{ provider }} keep secrets.</p>",
            }
        )
        cls.template = cls.env["maintenance.contract.template"].create(
            {
                "name": "Tour Template",
                "notice_period": 5,
                "extra_hourly_rate": 65.0,
                "line_ids": [Command.create({"name": "Tour fee", "price_unit": 120.0})],
                "clause_ids": [Command.set(clause.ids)],
            }
        )

    def test_contract_from_template_tour(self):
        contracts = self.env["maintenance.contract"].search([("partner_id", "=", self.customer.id)])
        self.start_tour("/odoo", "maintenance_contract_from_template", login="admin")
        created = (
            self.env["maintenance.contract"].search([("partner_id", "=", self.customer.id)])
            - contracts
        )
        self.assertEqual(len(created), 2)
        for contract in created:
            self.assertEqual(contract.template_id, self.template)
            self.assertTrue(contract.name.startswith("MC/"))
            self.assertEqual(contract.line_ids.name, "Tour fee")
            self.assertEqual(contract.clause_ids.name, "Tour confidentiality")
            self.assertTrue(contract.clause_ids.mandatory)
            self.assertEqual(contract.notice_period, 5)
            self.assertEqual(contract.extra_hourly_rate, 65.0)
