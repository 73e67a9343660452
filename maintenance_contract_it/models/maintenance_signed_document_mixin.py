import base64
import binascii

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

from ..tools.jobs import lock_for_user

MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"

# What a signature may be: a drawn or typed image, PNG or JPEG, of at most 1 MB
SIGNATURE_MAGIC_NUMBERS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNER_NAME_MAX_LENGTH = 128
# The fields that record the signature: only the signing step writes them
SIGNATURE_FIELDS = ("signature", "signed_by", "signed_on", "signed_pdf_id")


class MaintenanceSignedDocumentMixin(models.AbstractModel):
    """A document the customer signs (a contract, an amendment, an intervention report): one
    rule for the three.

    - The signature, the signer, the date and the signed PDF are written only by the signing
      step (``_write_step``), never by a user's write; the attachments that hold the
      signature and the signed PDF are frozen with them (see ``ir.attachment``).
    - Once signed, what the customer agreed to is frozen (``_is_content_frozen``): only the
      chatter, activities and the fields of ``_get_signed_writable_fields`` change.
    - A contract manager can unlock a signed document (``action_reset_signature``): logged in
      the chatter, the signature is cleared and a new one is asked for.
    - The signature is a PNG or JPEG image of at most 1 MB, the signer's name a text of at
      most 128 characters; two signatures sent at once: the first wins, the other gets a
      clear message (``_lock_for_signing``).

    The model defines the ``signature``, ``signed_by`` and ``signed_on`` fields and inherits
    ``maintenance.step.mixin`` (its steps write the signature)."""

    _name = "maintenance.signed.document.mixin"
    _description = "Document Signed by the Customer"
    # read by ir.attachment to protect the signature and the signed PDF
    _signed_document = True

    signed_pdf_id = fields.Many2one(
        "ir.attachment",
        string="Signed PDF",
        copy=False,
        readonly=True,
        ondelete="restrict",
        groups=USER_GROUP,
    )

    # Hooks of the models

    def _is_signed(self):
        """Whether the customer's signature is recorded on this document (its date, written
        with it by the signing step: reading it does not load the image)."""
        self.ensure_one()
        return bool(self.sudo().signed_on)

    def _is_content_frozen(self):
        """Whether what the customer signed is frozen (signed, not yet unlocked)."""
        self.ensure_one()
        return self._is_signed()

    def _can_reset_signature(self):
        """Whether a manager may unlock this signed document now."""
        self.ensure_one()
        return self._is_signed()

    def _get_signed_writable_fields(self):
        """Fields that stay writable on a signed document: its chatter, activities, color
        and portal access token; everything the customer signed for is frozen."""
        writable = set(self.env["mail.thread"]._fields) | {"color", "access_token"}
        if "activity_ids" in self._fields:
            writable |= set(self.env["mail.activity.mixin"]._fields)
        return writable

    def _get_user_signature_fields(self):
        """Signature fields a user may write on this document (none by default: only the
        signing step writes them)."""
        return set()

    def _on_signature_reset(self):
        """What unlocking does to the document besides clearing its signature (the status
        it goes back to)."""

    def _get_signature_reset_user(self):
        """User asked to get a new signature after an unlock."""
        self.ensure_one()
        return self.create_uid

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_signature_values(vals)
        records = super().create(vals_list)
        if not self._is_step():
            for record, vals in zip(records, vals_list, strict=True):
                forged = {f for f in SIGNATURE_FIELDS if vals.get(f)}
                forged -= record._get_user_signature_fields()
                if forged:
                    raise UserError(self._signature_fields_message(sorted(forged)))
        return records

    def write(self, vals):
        if not self._is_step():
            self._check_signed_write(vals)
        self._check_signature_values(vals)
        return super().write(vals)

    @api.model
    def _check_signature_values(self, vals):
        """Whoever writes them (the signing, a technician on site): an image, a short name."""
        if vals.get("signature"):
            self._check_signature_image(vals["signature"])
        if vals.get("signed_by"):
            self._check_signer_name(vals["signed_by"])

    def _check_signed_write(self, vals):
        signature_fields = set(vals) & set(SIGNATURE_FIELDS)
        if signature_fields:
            for document in self:
                forged = signature_fields - document._get_user_signature_fields()
                if forged:
                    raise UserError(self._signature_fields_message(sorted(forged)))
        locked = set(vals) - self._get_signed_writable_fields() - {"state"}
        if not locked:
            return
        frozen = self.filtered(lambda d: d._is_content_frozen())
        if frozen:
            labels = ", ".join(
                sorted(self._fields[name]._description_string(self.env) for name in locked)
            )
            raise UserError(self._signed_write_message(frozen, labels))

    def _check_signed_content_editable(self):
        """Refuse a change of the lines of signed documents (fees, clauses, changes): their
        models call it, except in the documents' steps."""
        if self._is_step():
            return
        frozen = self.filtered(lambda d: d._is_content_frozen())
        if frozen:
            raise UserError(self._signed_write_message(frozen, self.env._("lines")))

    def _signed_write_message(self, frozen, labels):
        return self.env._(
            "%(documents)s signed by the customer cannot be changed (%(fields)s): a contract "
            "manager can unlock it, the customer then signs it again.",
            documents=", ".join(frozen.mapped("display_name")),
            fields=labels,
        )

    def _signature_fields_message(self, fnames):
        return self.env._(
            "The customer's signature (%(fields)s) is only recorded by the signing itself: it "
            "cannot be written, erased or replaced.",
            fields=", ".join(self._fields[f]._description_string(self.env) for f in fnames),
        )

    # Actions

    def action_reset_signature(self):
        """Manager only: unlock signed documents for a correction. The unlock is logged, the
        signature cleared, and the document must be signed again."""
        messages = self._signature_reset_messages()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(messages["access"])
        for document in self:
            if not document._can_reset_signature():
                raise UserError(messages["state"] % {"document": document.display_name})
        for document in self:
            signed = document.sudo()
            body = messages["log"] % {
                "user": self.env.user.name,
                "signer": signed.signed_by or self.env._("the customer"),
                "date": format_datetime(self.env, signed.signed_on),
            }
            document._write_step(dict.fromkeys(SIGNATURE_FIELDS, False))
            document._on_signature_reset()
            document.message_post(body=body)
            document._ask_for_new_signature()
        return True

    def _signature_reset_messages(self):
        """The messages of an unlock: refused (``access``, ``state``) and logged (``log``)."""
        return {
            "access": self.env._(
                "Only a contract manager can unlock a document signed by the customer."
            ),
            "state": self.env._(
                "%(document)s is not signed, or can no longer be unlocked: only a signed "
                "document waiting for its next step can be unlocked."
            ),
            "log": self.env._(
                "Unlocked by %(user)s: the signature of %(signer)s of %(date)s was removed; "
                "the document must be signed again."
            ),
        }

    def _ask_for_new_signature(self):
        self.ensure_one()
        user = self._get_signature_reset_user()
        record = self._get_signature_activity_record()
        if "activity_ids" not in record._fields:
            return
        record.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._(
                "%(document)s unlocked: ask the customer to sign it again",
                document=self.display_name,
            ),
            user_id=(user or self.env.user).id,
        )

    def _get_signature_activity_record(self):
        """Record that gets the to-dos about the signature."""
        return self

    # Business methods

    @api.model
    def _check_signature_image(self, signature):
        """Raise a clear error unless ``signature`` (base64) is a PNG or JPEG image of at
        most 1 MB; return its bytes."""
        if isinstance(signature, str):
            signature = signature.encode()
        if not isinstance(signature, bytes):
            raise UserError(self.env._("The signature must be an image."))
        # 4 base64 characters per 3 bytes: refuse what is too big before decoding it
        if len(signature) > (SIGNATURE_MAX_BYTES * 4) // 3 + 4:
            raise UserError(self._signature_too_big_message())
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            raise UserError(
                self.env._("The signature could not be read: it must be a PNG or JPEG image.")
            ) from None
        if len(raw) > SIGNATURE_MAX_BYTES:
            raise UserError(self._signature_too_big_message())
        if not raw.startswith(SIGNATURE_MAGIC_NUMBERS):
            raise UserError(self.env._("The signature must be a PNG or JPEG image."))
        return raw

    def _signature_too_big_message(self):
        return self.env._("The signature image is too big (1 MB at most).")

    @api.model
    def _check_signer_name(self, name):
        """The signer's name, stripped; a clear error unless it is a text of 1 to 128
        characters."""
        if name is not None and not isinstance(name, str):
            raise UserError(self.env._("The signer's name must be a text."))
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Enter your name to sign."))
        if len(name) > SIGNER_NAME_MAX_LENGTH:
            raise UserError(
                self.env._(
                    "The signer's name is too long (%(max)s characters at most).",
                    max=SIGNER_NAME_MAX_LENGTH,
                )
            )
        return name

    @api.model
    def _check_signature_input(self, name, signature):
        """Check what the customer sent to sign: return the name, stripped."""
        name = self._check_signer_name(name)
        if not signature:
            raise UserError(self.env._("Draw or type your signature to sign."))
        self._check_signature_image(signature)
        return name

    def _lock_for_signing(self):
        """Lock the document's row for the signature (``NOWAIT``, in a savepoint): of two
        signatures sent at once, the first wins and the other gets a clear message."""
        self.ensure_one()
        try:
            lock_for_user(self)
        except (UserError, errors.SerializationFailure):
            # held by the other signature, or changed by it since this transaction began
            raise UserError(
                self.env._(
                    "%(document)s is being signed at this very moment: reload the page to "
                    "see where it stands.",
                    document=self.display_name,
                )
            ) from None

    def _record_signature(self, name, signature, signed_on=None):
        """The signing step: write the signature (after the checks of the caller)."""
        self.ensure_one()
        self._write_step(
            {
                "signature": signature,
                "signed_by": name,
                "signed_on": signed_on or fields.Datetime.now(),
            }
        )

    def _record_signed_pdf(self, attachment):
        """The signing step: link the signed PDF, which is then frozen."""
        self.ensure_one()
        self._write_step({"signed_pdf_id": attachment.id})

    @api.model
    def _protected_attachment_fields(self):
        """Binary fields whose attachments are frozen once the document is signed."""
        return {"signature"}
