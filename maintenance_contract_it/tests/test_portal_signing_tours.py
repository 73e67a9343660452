"""The customer signs a contract and gives notice in the browser, as a real portal user."""

from odoo import fields
from odoo.tests import tagged

from .test_portal_signing import PortalSigningCommon


@tagged("post_install", "-at_install")
class TestPortalSigningTours(PortalSigningCommon):
    def test_tour_sign_contract(self):
        self.start_tour(
            self.draft.get_portal_url(), "maintenance_portal_sign", login="mcit_sign_claire"
        )
        draft = self.draft.sudo()
        self.assertTrue(draft.signature)
        self.assertEqual(draft.signed_by, "Claire Durand")
        self.assertTrue(
            draft.message_ids.filtered(lambda m: "Signed online" in (m.body or "")).attachment_ids
        )

    def test_tour_give_notice(self):
        self.start_tour(
            self.active.access_url, "maintenance_portal_notice", login="mcit_sign_claire"
        )
        self.assertEqual(self.active.notice_channel, "portal")
        self.assertEqual(self.active.notice_partner_id, self.customer_contact)
        self.assertEqual(self.active.termination_date, self.active.date_end)
        self.assertEqual(self.active.notice_date, fields.Date.today())
