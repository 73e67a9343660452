from odoo import fields, models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    maintenance_revision_id = fields.Many2one(
        "maintenance.contract.revision",
        string="Price Revision",
        readonly=True,
        ondelete="cascade",
        help="The price revision whose notice this email is: sending it marks the notice as "
        "sent.",
    )

    def _action_send_mail(self, auto_commit=False):
        # the notice of a revision is the email posted on its own contract, by a user who may
        # edit the contract: checked before anything is sent
        notices = self.filtered(
            lambda composer: composer.maintenance_revision_id
            and composer.model == "maintenance.contract"
            and composer.maintenance_revision_id.contract_id.id
            in (composer._evaluate_res_ids() or [])
        )
        notices.maintenance_revision_id.contract_id.check_access("write")
        result = super()._action_send_mail(auto_commit=auto_commit)
        notices.maintenance_revision_id.sudo().notice_sent = True
        return result
