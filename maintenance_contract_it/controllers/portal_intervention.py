import binascii

from odoo import http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import str2bool

from .main import PORTAL_INTERVENTION_STATES, portal_lang_redirect, portal_link_partner
from .portal_helpdesk import MaintenanceContractPortalHelpdesk

INTERVENTION_REPORT_XMLID = "maintenance_contract_it.maintenance_intervention_report_action"


class MaintenanceInterventionPortal(MaintenanceContractPortalHelpdesk):
    """Customers read their intervention reports on /my/interventions and sign them online."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "maintenance_intervention_count" in counters:
            Intervention = request.env["maintenance.intervention"]
            values["maintenance_intervention_count"] = (
                Intervention.search_count(self._get_maintenance_intervention_domain())
                if Intervention.has_access("read")
                else 0
            )
        return values

    def _get_maintenance_intervention_domain(self):
        """Interventions listed on the portal: the done and signed ones of the user's company
        (as the record rules say)."""
        partner = request.env.user.partner_id
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("state", "in", PORTAL_INTERVENTION_STATES),
        ]

    def _get_maintenance_intervention_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Date"), "order": "date desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, date desc"},
        }

    @http.route(
        ["/my/interventions", "/my/interventions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_maintenance_interventions(self, page=1, sortby=None, **kw):
        values = self._prepare_portal_layout_values()
        Intervention = request.env["maintenance.intervention"]
        domain = self._get_maintenance_intervention_domain()
        searchbar_sortings = self._get_maintenance_intervention_searchbar_sortings()
        if sortby not in searchbar_sortings:
            sortby = "date"
        count = Intervention.search_count(domain) if Intervention.has_access("read") else 0
        pager = portal_pager(
            url="/my/interventions",
            url_args={"sortby": sortby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        interventions = (
            Intervention.search(
                domain,
                order=searchbar_sortings[sortby]["order"],
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else Intervention
        )
        request.session["my_maintenance_interventions_history"] = interventions.ids[:100]
        values.update(
            {
                "interventions": interventions,
                "page_name": "maintenance_intervention",
                "pager": pager,
                "default_url": "/my/interventions",
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
            }
        )
        return request.render("maintenance_contract_it.portal_my_maintenance_interventions", values)

    def _get_portal_intervention(self, intervention_id, access_token):
        """The intervention as superuser, once the user's access (or token) is checked;
        planned and cancelled ones are not shown to customers."""
        intervention_sudo = self._document_check_access(
            "maintenance.intervention", intervention_id, access_token
        )
        if intervention_sudo.state not in PORTAL_INTERVENTION_STATES:
            raise MissingError(request.env._("This intervention report is not available."))
        return intervention_sudo

    @http.route(
        ["/my/interventions/<int:intervention_id>"], type="http", auth="public", website=True
    )
    def portal_my_maintenance_intervention(
        self, intervention_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            intervention_sudo = self._get_portal_intervention(intervention_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        redirect = portal_lang_redirect(
            intervention_sudo,
            access_token,
            portal_link_partner(intervention_sudo, kw.get("pid"), kw.get("hash")),
        )
        if redirect:
            return redirect
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=intervention_sudo,
                report_type=report_type,
                report_ref=INTERVENTION_REPORT_XMLID,
                download=str2bool(download or "0", False),
            )
        values = self._get_page_view_values(
            intervention_sudo,
            access_token,
            {
                "intervention": intervention_sudo,
                "page_name": "maintenance_intervention",
                "format_portal_datetime": self._get_portal_datetime_formatter(intervention_sudo),
                "portal_timezone": self._get_portal_timezone_label(intervention_sudo),
            },
            "my_maintenance_interventions_history",
            False,
            **kw,
        )
        return request.render(
            "maintenance_contract_it.portal_maintenance_intervention_page", values
        )

    @http.route(
        ["/my/interventions/<int:intervention_id>/sign"], type="json", auth="public", website=True
    )
    def portal_maintenance_intervention_sign(
        self, intervention_id, access_token=None, name=None, signature=None
    ):
        """Sign the intervention report online (portal signature widget), then post the
        signed PDF in its chatter."""
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            intervention_sudo = self._get_portal_intervention(intervention_id, access_token)
        except (AccessError, MissingError):
            return {"error": request.env._("Invalid intervention report.")}
        try:
            intervention_sudo.with_context(lang=request.env.lang)._portal_sign(name, signature)
        except UserError as error:
            return {"error": error.args[0]}
        except (TypeError, ValueError, binascii.Error):
            return {"error": request.env._("Invalid signature data.")}
        pdf = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(intervention_sudo.company_id)
            ._render_qweb_pdf(INTERVENTION_REPORT_XMLID, intervention_sudo.ids)[0]
        )
        user = request.env.user
        message = intervention_sudo.message_post(
            body=request.env._(
                "Intervention report signed by %(name)s", name=intervention_sudo.signed_by
            ),
            attachments=[(f"{intervention_sudo._get_report_base_filename()}.pdf", pdf)],
            author_id=intervention_sudo.partner_id.id if user._is_public() else user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        intervention_sudo._record_signed_pdf(message.attachment_ids[:1])
        return {
            "force_refresh": True,
            "redirect_url": intervention_sudo.get_portal_url(),
        }
