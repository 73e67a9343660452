from odoo import api, models
from odoo.exceptions import UserError

# Fields of an attachment that Odoo itself writes on any attachment shown to a customer
# (the portal chatter gives each one an access token): they change nothing of its content.
HARMLESS_FIELDS = {"access_token"}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        if not self._may_change_signed_documents():
            for vals in vals_list:
                document = self._get_signed_document(
                    vals.get("res_model"), vals.get("res_id"), vals.get("res_field")
                )
                if document and vals.get("res_field") in document._protected_attachment_fields():
                    raise UserError(self._signed_attachment_message(document))
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - HARMLESS_FIELDS:
            self._check_not_signed_document_attachment()
        return super().write(vals)

    def unlink(self):
        self._check_not_signed_document_attachment()
        return super().unlink()

    def _may_change_signed_documents(self):
        """Only the signing step (and the system itself, as superuser) changes them."""
        return self.env.su or self.env["maintenance.step.mixin"]._is_step()

    @api.model
    def _get_signed_document(self, res_model, res_id, res_field=None):
        """The signed document (contract, amendment, intervention report) the attachment
        belongs to, when it is signed; else an empty recordset."""
        if not (res_model and res_id) or res_model not in self.env:
            return None
        model = self.env[res_model]
        if not getattr(model, "_signed_document", False):
            return None
        document = model.sudo().browse(res_id).exists()
        if not document or not document._is_signed():
            return None
        return document

    def _check_not_signed_document_attachment(self):
        """Refuse to change or delete the signature or the signed PDF of a signed document."""
        if self._may_change_signed_documents():
            return
        for attachment in self.sudo():
            document = self._get_signed_document(
                attachment.res_model, attachment.res_id, attachment.res_field
            )
            if not document:
                continue
            if (
                attachment.res_field in document._protected_attachment_fields()
                or document.signed_pdf_id == attachment
            ):
                raise UserError(self._signed_attachment_message(document))

    def _signed_attachment_message(self, document):
        return self.env._(
            "The signature and the signed PDF of %(document)s are kept as the customer signed "
            "them: they cannot be replaced or deleted.",
            document=document.display_name,
        )
