from odoo.tests import HttpCase, new_test_user, tagged

from .common import MaintenanceSlaCommon


@tagged("post_install", "-at_install")
class TestPortalTicketClose(MaintenanceSlaCommon, HttpCase):
    """helpdesk_mgmt's /ticket/close changes the stage of any ticket id it is given, as
    superuser: a customer closes only the tickets they may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="mcit_close_a",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )
        customer_b = cls.env["res.partner"].create(
            {"name": "Other customer (close)", "is_company": True}
        )
        contact_b = cls.env["res.partner"].create(
            {"name": "Other contact", "parent_id": customer_b.id}
        )
        cls.ticket = cls._create_ticket()
        cls.ticket_b = cls._create_ticket(partner=contact_b, name="Not yours")
        cls.closed_stage = cls.env["helpdesk.ticket.stage"].create(
            {"name": "Closed by the customer (test)", "closed": True, "close_from_portal": True}
        )

    def _close(self, ticket):
        # a GET, as the portal's close button's form would send it without the CSRF check
        return self.url_open(f"/ticket/close?ticket_id={ticket.id}&stage_id={self.closed_stage.id}")

    def test_own_ticket_closed(self):
        self.authenticate("mcit_close_a", "mcit_close_a")
        response = self._close(self.ticket)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.ticket.stage_id, self.closed_stage)

    def test_other_customer_ticket_refused(self):
        stage = self.ticket_b.stage_id
        self.authenticate("mcit_close_a", "mcit_close_a")
        response = self._close(self.ticket_b)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.ticket_b.stage_id, stage)
