from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_datetime

from ..tools.timezones import contact_timezone, format_local_datetime

# Fields that customers (portal users) must not read are restricted to this group: the
# portal page shows the signature through the controller, after its access checks.
USER_GROUP = "maintenance_contract_it.group_maintenance_contract_user"
MANAGER_GROUP = "maintenance_contract_it.group_maintenance_contract_manager"


class MaintenancePortalSignatureMixin(models.AbstractModel):
    """A document that the customer signs, or refuses, online on the portal: a contract or
    an amendment. The document is signed while it is a draft; the model says what signing
    does (``_on_portal_signed``), which report is the signed copy and which email asks for
    the signature."""

    _name = "maintenance.portal.signature.mixin"
    _inherit = ["maintenance.signed.document.mixin"]
    _description = "Document Signed on the Portal"
    # states in which a signed document is frozen (a contract is signed while it is a draft,
    # then changes through its lifecycle once active)
    _signature_frozen_states = ("draft",)

    signature = fields.Image(
        copy=False, attachment=True, max_width=1024, max_height=1024, groups=USER_GROUP
    )
    signed_by = fields.Char(copy=False, readonly=True, groups=USER_GROUP)
    signed_on = fields.Datetime(copy=False, readonly=True, groups=USER_GROUP)
    signature_requested = fields.Boolean(
        string="Sent for Signature",
        readonly=True,
        copy=False,
        help="The signature request was emailed to the customer: the draft is a proposal "
        "that the customer's contacts see on the portal, until the request is withdrawn.",
    )

    # Hooks of the models

    def _get_signature_report_xmlid(self):
        """XML id of the report whose PDF is the signed copy."""
        raise NotImplementedError

    def _get_signature_mail_template_xmlid(self):
        """XML id of the email that asks the customer to sign."""
        raise NotImplementedError

    def _get_signature_account_manager(self):
        """User told when the customer signs or refuses."""
        raise NotImplementedError

    def _on_portal_signed(self):
        """What signing does to the document (run as superuser, after the checks)."""
        raise NotImplementedError

    def _get_portal_calendar(self):
        """The support calendar whose zone the customer's contacts read times in when they
        have none of their own (empty: the company's zone)."""
        return self.env["resource.calendar"]

    # Hooks of maintenance.signed.document.mixin

    def _is_content_frozen(self):
        self.ensure_one()
        return self.state in self._signature_frozen_states and self._is_signed()

    def _can_reset_signature(self):
        return self._is_content_frozen()

    def _get_signature_reset_user(self):
        return self._get_signature_account_manager()

    # Actions

    def action_send_for_signature(self):
        """Open the email composer with the signature request, a link to the portal."""
        self.ensure_one()
        self.check_access("write")
        self._check_can_be_signed()
        template = self.env.ref(self._get_signature_mail_template_xmlid())
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send for Signature"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": (
                    "mail.mail_notification_layout_with_responsible_signature"
                ),
                "force_email": True,
            },
        }

    def action_withdraw_signature_request(self):
        """Manager only: withdraw the signature request of unsigned drafts. The link sent to
        the customer stops opening the document (its access token is renewed on the next
        request), and the withdrawal is logged."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a contract manager can withdraw a signature request.")
            )
        for document in self:
            if not document._has_to_be_signed():
                raise UserError(
                    self.env._(
                        "%(document)s is not waiting for a signature: there is no request to "
                        "withdraw.",
                        document=document.display_name,
                    )
                )
        for document in self:
            document.sudo().write({"access_token": False, "signature_requested": False})
            document.message_post(
                body=self.env._(
                    "Signature request withdrawn by %(user)s: the link sent to the customer "
                    "no longer opens the document.",
                    user=self.env.user.name,
                )
            )
        return True

    # Business methods

    def _has_to_be_signed(self):
        self.ensure_one()
        return self.state == "draft" and not self.sudo().signature

    def _check_can_be_signed(self):
        self.ensure_one()
        document = self.sudo()
        if document.signature:
            raise UserError(
                self.env._(
                    "%(document)s was already signed by %(name)s on %(date)s: it cannot be "
                    "signed again.",
                    document=document.display_name,
                    name=document.signed_by,
                    date=format_datetime(self.env, document.signed_on),
                )
            )
        if document.state != "draft":
            raise UserError(
                self.env._(
                    "%(document)s is no longer a draft: it cannot be signed or refused.",
                    document=document.display_name,
                )
            )

    def _portal_timezone(self, partner):
        """The time zone in which ``partner`` (a contact of the customer) reads the times of
        the document."""
        self.ensure_one()
        return contact_timezone(partner, self.company_id, self._get_portal_calendar())

    def _portal_format_datetime(self, value, partner):
        """``value`` (UTC) as ``partner`` reads it: their language, date format and time
        zone, the zone named ("07/12/2026 08:30 (heure de La Réunion)")."""
        self.ensure_one()
        lang = partner.lang or self.partner_id.lang or self.env.lang
        return format_local_datetime(self.env, value, self._portal_timezone(partner), lang)

    def _lock_for_portal_update(self):
        """Lock the document's row so that two notices sent at once cannot both pass the
        checks: the second waits, then sees the first (signatures: ``_lock_for_signing``)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT id FROM %s WHERE id = %s FOR UPDATE", SQL.identifier(self._table), self.id)
        )
        self.invalidate_recordset()

    def _portal_sign(self, name, signature, ip_address, partner):
        """Sign the document as ``name`` (drawn ``signature``, base64), for ``partner``, from
        ``ip_address``: the signed PDF is attached to the message that records it. The caller
        checked the access to the document; ``self`` is sudo."""
        self.ensure_one()
        name = self._check_signature_input(name, signature)
        self._lock_for_signing()
        self._check_can_be_signed()
        now = fields.Datetime.now()
        self._record_signature(name, signature, now)
        report = self.env["ir.actions.report"].sudo()
        pdf = report._render_qweb_pdf(self._get_signature_report_xmlid(), self.ids)[0]
        filename = self.env._("%(document)s - signed.pdf", document=self.display_name)
        message = self.message_post(
            body=self.env._(
                "Signed online by %(name)s on %(date)s from the IP address %(ip)s.",
                name=name,
                date=self._portal_format_datetime(now, partner),
                ip=ip_address or self.env._("unknown"),
            ),
            attachments=[(filename.replace("/", "-"), pdf)],
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self._record_signed_pdf(message.attachment_ids[:1])
        self._on_portal_signed()
        return True

    def _portal_refuse(self, reason, partner):
        """The customer refuses to sign, for ``reason``: the document stays a draft and its
        account manager gets a to-do. ``self`` is sudo, after the caller's access checks."""
        self.ensure_one()
        self._lock_for_signing()
        self._check_can_be_signed()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why you refuse to sign."))
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "%(contact)s refused to sign online, for this reason:",
                    contact=partner.display_name,
                ),
                reason,
            ),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self._schedule_signature_activity(
            self.env._(
                "%(document)s refused by the customer: %(reason)s",
                document=self.display_name,
                reason=reason[:100],
            )
        )
        return True

    def _schedule_signature_activity(self, summary, note=None):
        self.ensure_one()
        user = self._get_signature_account_manager() or self.create_uid
        return self._get_signature_activity_record().activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id
        )
