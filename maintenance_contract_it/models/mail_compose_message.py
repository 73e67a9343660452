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
        result = super()._action_send_mail(auto_commit=auto_commit)
        for composer in self.filtered("maintenance_revision_id"):
            revision = composer.maintenance_revision_id
            contract = revision.contract_id
            # only the notice posted on the revised contract itself, by a user who may edit it
            if composer.model != contract._name or contract.id not in (
                composer._evaluate_res_ids() or []
            ):
                continue
            contract.check_access("write")
            revision.sudo().notice_sent = True
        return result
