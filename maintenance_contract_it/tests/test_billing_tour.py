from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import create_support_calendar


@tagged("post_install", "-at_install")
class TestBillingTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="mcit_tour_accountant",
            password="mcit_tour_accountant",
            groups="base.group_user,maintenance_contract_it.group_maintenance_contract_user,"
            "account.group_account_invoice",
            name="Tour Accountant",
        )
        calendar = create_support_calendar(
            cls.env, "Tour calendar", "UTC", range(5), [("morning", 8, 12)]
        )
        policy = cls.env["maintenance.sla.policy"].create(
            {"name": "Tour policy", "calendar_id": calendar.id}
        )
        customer = cls.env["res.partner"].create(
            {"name": "Tour Billing Customer", "is_company": True, "lang": "en_US"}
        )
        product = cls.env["product.product"].create({"name": "Tour support", "type": "service"})
        cls.contract = cls.env["maintenance.contract"].create(
            {
                "partner_id": customer.id,
                "date_start": fields.Date.today(),
                "sla_policy_id": policy.id,
                "invoice_auto_post": "draft",
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Tour support",
                            "quantity": 1,
                            "price_unit": 250.0,
                        }
                    )
                ],
            }
        )
        cls.contract.action_activate()

    def test_billing_tour(self):
        self.start_tour("/odoo", "maintenance_billing_tour", login="mcit_tour_accountant")
        period = self.contract.period_ids
        self.assertEqual(period.state, "invoiced")
        self.assertEqual(period.move_id.contract_id, self.contract)
        self.assertEqual(period.move_id.amount_untaxed, 250.0)
        self.assertEqual(period.move_id.invoice_line_ids.maintenance_period_id, period)
        self.assertIn(" to ", period.move_id.invoice_line_ids.name)
