import binascii
from urllib.parse import urlencode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from .main import MaintenanceContractPortal

AMENDMENT_REPORT_XMLID = "maintenance_contract_it.action_report_maintenance_contract_amendment"
# Messages shown on the page after an action, by the ``message`` of the query string.
PORTAL_MESSAGES = ("sign_ok", "refuse_ok", "notice_ok")


class MaintenanceContractSigningPortal(MaintenanceContractPortal):
    """The customer signs or refuses a contract or an amendment sent for signature, and
    gives notice of termination, on the portal."""

    # Page values

    def _get_page_view_values(
        self, document, access_token, values, session_history, no_breadcrumbs, **kwargs
    ):
        values = super()._get_page_view_values(
            document, access_token, values, session_history, no_breadcrumbs, **kwargs
        )
        if document._name in ("maintenance.contract", "maintenance.contract.amendment"):
            self._set_document_lang(document)
            partner = self._get_portal_partner()
            values.update(
                {
                    "can_sign": document._has_to_be_signed(),
                    "signed_document": document if document.signature else False,
                    "notice_allowed": document._name == "maintenance.contract"
                    and bool(partner)
                    and document._portal_can_give_notice(partner),
                    "signing_message": kwargs.get("message")
                    if kwargs.get("message") in PORTAL_MESSAGES
                    else False,
                    "refuse_error": kwargs.get("refuse_error"),
                    "format_portal_datetime": self._get_portal_datetime_formatter(document),
                    "portal_timezone_label": self._get_portal_timezone_label(document),
                }
            )
        return values

    def _set_document_lang(self, document):
        """A visitor following an emailed link reads the page in the customer's language;
        a logged-in contact reads it in their own."""
        if request.env.user._is_public() and document.partner_id.lang:
            request.update_context(lang=document.partner_id.lang)

    def _get_portal_partner(self):
        """The logged-in contact, or an empty recordset for a visitor with a link."""
        user = request.env.user
        return request.env["res.partner"] if user._is_public() else user.partner_id

    def _get_author(self, document_sudo):
        return self._get_portal_partner() or document_sudo.partner_id

    # Signing

    def _portal_sign(self, model_name, document_id, access_token, name, signature, check=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            document_sudo = self._document_check_access(model_name, document_id, access_token)
        except (AccessError, MissingError):
            return {"error": request.env._("This document does not exist or you cannot sign it.")}
        if check and not check(document_sudo):
            return {"error": request.env._("This document does not exist or you cannot sign it.")}
        try:
            # nothing of a failed signature is kept (the document's own checks may refuse it
            # after the signature is written)
            with request.env.cr.savepoint():
                document_sudo._portal_sign(
                    name,
                    signature,
                    request.httprequest.remote_addr,
                    self._get_author(document_sudo),
                )
        except (UserError, ValidationError) as error:
            return {"error": error.args[0]}
        except (TypeError, binascii.Error):
            return {"error": request.env._("The signature could not be read.")}
        return {
            "force_refresh": True,
            "redirect_url": document_sudo.get_portal_url(query_string="&message=sign_ok"),
        }

    def _portal_refuse(self, model_name, document_id, access_token, reason, check=None):
        try:
            document_sudo = self._document_check_access(model_name, document_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if check and not check(document_sudo):
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                document_sudo._portal_refuse(reason, self._get_author(document_sudo))
        except UserError as error:
            return request.redirect(
                document_sudo.get_portal_url(
                    query_string="&" + urlencode({"refuse_error": error.args[0]})
                )
            )
        return request.redirect(document_sudo.get_portal_url(query_string="&message=refuse_ok"))

    @http.route(
        ["/my/contracts/<int:contract_id>/accept"], type="json", auth="public", website=True
    )
    def portal_maintenance_contract_accept(
        self, contract_id, access_token=None, name=None, signature=None
    ):
        return self._portal_sign("maintenance.contract", contract_id, access_token, name, signature)

    @http.route(
        ["/my/contracts/<int:contract_id>/refuse"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_maintenance_contract_refuse(
        self, contract_id, access_token=None, refuse_reason=None, **kw
    ):
        return self._portal_refuse("maintenance.contract", contract_id, access_token, refuse_reason)

    # Amendments

    def _amendment_of(self, contract_id):
        return lambda amendment: amendment.contract_id.id == contract_id

    @http.route(
        ["/my/contracts/<int:contract_id>/amendments/<int:amendment_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_maintenance_amendment(
        self,
        contract_id,
        amendment_id,
        access_token=None,
        report_type=None,
        download=False,
        **kw,
    ):
        try:
            amendment_sudo = self._document_check_access(
                "maintenance.contract.amendment", amendment_id, access_token
            )
        except (AccessError, MissingError):
            amendment_sudo = None
        if not amendment_sudo or amendment_sudo.contract_id.id != contract_id:
            return request.not_found() if report_type else request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=amendment_sudo,
                report_type=report_type,
                report_ref=AMENDMENT_REPORT_XMLID,
                download=download,
            )
        values = self._get_page_view_values(
            amendment_sudo,
            access_token,
            {
                "amendment": amendment_sudo,
                "contract": amendment_sudo.contract_id,
                "page_name": "maintenance_contract",
            },
            "my_maintenance_amendments_history",
            False,
            **kw,
        )
        return request.render("maintenance_contract_it.portal_maintenance_amendment_page", values)

    @http.route(
        ["/my/contracts/<int:contract_id>/amendments/<int:amendment_id>/accept"],
        type="json",
        auth="public",
        website=True,
    )
    def portal_maintenance_amendment_accept(
        self, contract_id, amendment_id, access_token=None, name=None, signature=None
    ):
        return self._portal_sign(
            "maintenance.contract.amendment",
            amendment_id,
            access_token,
            name,
            signature,
            check=self._amendment_of(contract_id),
        )

    @http.route(
        ["/my/contracts/<int:contract_id>/amendments/<int:amendment_id>/refuse"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_maintenance_amendment_refuse(
        self, contract_id, amendment_id, access_token=None, refuse_reason=None, **kw
    ):
        return self._portal_refuse(
            "maintenance.contract.amendment",
            amendment_id,
            access_token,
            refuse_reason,
            check=self._amendment_of(contract_id),
        )

    # Notice

    def _get_notice_contract(self, contract_id):
        """The contract the logged-in contact reads by the record rules (no access token),
        as superuser, or None."""
        try:
            return self._document_check_access("maintenance.contract", contract_id)
        except (AccessError, MissingError):
            return None

    def _render_notice_refused(self, contract_sudo, refusal):
        """The notice page of a contact who may not give notice: why (``refusal``, a code
        of ``_portal_notice_refusal``), and whom to ask."""
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "contract": contract_sudo,
                "page_name": "maintenance_contract",
                "notice_refusal": refusal,
                "notice_contact": contract_sudo.user_id.partner_id
                or contract_sudo.company_id.partner_id,
            }
        )
        return request.render("maintenance_contract_it.portal_maintenance_contract_notice", values)

    @http.route(["/my/contracts/<int:contract_id>/notice"], type="http", auth="user", website=True)
    def portal_maintenance_contract_notice(self, contract_id, **kw):
        contract_sudo = self._get_notice_contract(contract_id)
        if not contract_sudo:
            return request.redirect("/my")
        refusal = contract_sudo._portal_notice_refusal(request.env.user.partner_id)
        if refusal:
            return self._render_notice_refused(contract_sudo, refusal)
        today = fields.Date.context_today(contract_sudo)
        end_date = contract_sudo._portal_get_notice_end_date()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "contract": contract_sudo,
                "page_name": "maintenance_contract",
                "notice_date": today,
                "notice_end_date": end_date,
                "notice_in_time": end_date == contract_sudo.date_end,
            }
        )
        return request.render("maintenance_contract_it.portal_maintenance_contract_notice", values)

    @http.route(
        ["/my/contracts/<int:contract_id>/notice/confirm"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_maintenance_contract_notice_confirm(self, contract_id, **kw):
        contract_sudo = self._get_notice_contract(contract_id)
        if not contract_sudo:
            return request.redirect("/my")
        refusal = contract_sudo._portal_notice_refusal(request.env.user.partner_id)
        if refusal:
            return self._render_notice_refused(contract_sudo, refusal)
        try:
            with request.env.cr.savepoint():
                contract_sudo._portal_give_notice(request.env.user.partner_id)
        except (UserError, AccessError) as error:
            values = self._prepare_portal_layout_values()
            values.update(
                {
                    "contract": contract_sudo,
                    "page_name": "maintenance_contract",
                    "notice_error": error.args[0],
                }
            )
            return request.render(
                "maintenance_contract_it.portal_maintenance_contract_notice", values
            )
        return request.redirect(contract_sudo.get_portal_url(query_string="&message=notice_ok"))
