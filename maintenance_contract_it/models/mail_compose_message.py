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
        self._mark_signature_requested()
        return result

    def _mark_signature_requested(self):
        """A draft whose signature request email was sent is a proposal: the customer's
        contacts see it on the portal (``signature_requested``)."""
        for composer in self:
            Model = self.env[composer.model] if composer.model in self.env else None
            if (
                Model is None
                or "signature_requested" not in Model._fields
                or not composer.template_id
            ):
                continue
            documents = Model.browse(composer._evaluate_res_ids() or []).exists()
            for document in documents:
                template = self.env.ref(
                    document._get_signature_mail_template_xmlid(), raise_if_not_found=False
                )
                if template == composer.template_id and document._has_to_be_signed():
                    document.sudo().signature_requested = True
