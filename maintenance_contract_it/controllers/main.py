from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import consteq, format_datetime, str2bool

from ..tools.timezones import contact_timezone, timezone_label

REPORT_XMLID = "maintenance_contract_it.maintenance_contract_report_action"
AMENDMENT_REPORT_XMLID = "maintenance_contract_it.action_report_maintenance_contract_amendment"
# Amendments and interventions a customer may read (as the portal record rules say).
PORTAL_AMENDMENT_STATES = ("confirmed", "applied")
PORTAL_INTERVENTION_STATES = ("done", "signed")
# Number of interventions listed on the contract page.
CONTRACT_PAGE_INTERVENTIONS = 5


def portal_lang_redirect(document, access_token, partner=None):
    """On the first visit of a link with an access token (an emailed link) by a visitor who
    is not logged in, show the page in the language of the customer's contact rather than
    the browser's: redirect once to the same URL behind the contact's language prefix. The
    visitor may switch language afterwards.

    :param partner: the contact the link was sent to (default: the document's customer)
    :return: a redirection, or None to render the page as requested
    """
    if not access_token or not request.env.user._is_public():
        return None
    visited = request.session.get("mcit_portal_lang_visited", [])
    key = f"{document._name},{document.id}"
    if key in visited:
        return None
    request.session["mcit_portal_lang_visited"] = (visited + [key])[-50:]
    lang_code = (partner or document.partner_id).lang
    if not lang_code or lang_code == request.lang.code:
        return None
    lang = request.env["res.lang"]._get_data(code=lang_code)
    if not lang or lang.code not in request.env["res.lang"]._get_frontend():
        return None
    query = url_encode(request.httprequest.args)
    return request.redirect(f"/{lang.url_code}{request.httprequest.path}?{query}")


def portal_link_partner(document, pid=None, hash=None):
    """The contact a portal link was sent to, when the link is signed for them."""
    if pid and hash:
        try:
            partner_id = int(pid)
        except ValueError:
            return None
        if consteq(document._sign_token(partner_id), hash):
            return request.env["res.partner"].sudo().browse(partner_id).exists()
    return None


class MaintenanceContractPortal(CustomerPortal):
    """Customers read their maintenance contracts on /my/contracts."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "maintenance_contract_count" in counters:
            Contract = request.env["maintenance.contract"]
            values["maintenance_contract_count"] = (
                Contract.search_count(self._get_maintenance_contract_domain())
                if Contract.has_access("read")
                else 0
            )
        return values

    def _get_maintenance_contract_domain(self):
        """Contracts listed on the portal; the record rules restrict them to the user's
        commercial partner and hide the drafts not sent for signature (proposals are
        listed, signed or not)."""
        partner = request.env.user.partner_id
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            "|",
            ("state", "!=", "draft"),
            ("signature_requested", "=", True),
        ]

    def _get_maintenance_contract_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Start date"), "order": "date_start desc, id desc"},
            "date_end": {"label": request.env._("End date"), "order": "date_end desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, date_start desc"},
        }

    @http.route(
        ["/my/contracts", "/my/contracts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_maintenance_contracts(self, page=1, sortby=None, **kw):
        values = self._prepare_portal_layout_values()
        Contract = request.env["maintenance.contract"]
        domain = self._get_maintenance_contract_domain()
        searchbar_sortings = self._get_maintenance_contract_searchbar_sortings()
        if sortby not in searchbar_sortings:
            sortby = "date"
        order = searchbar_sortings[sortby]["order"]

        contract_count = Contract.search_count(domain) if Contract.has_access("read") else 0
        pager = portal_pager(
            url="/my/contracts",
            url_args={"sortby": sortby},
            total=contract_count,
            page=page,
            step=self._items_per_page,
        )
        contracts = (
            Contract.search(domain, order=order, limit=self._items_per_page, offset=pager["offset"])
            if contract_count
            else Contract
        )
        request.session["my_maintenance_contracts_history"] = contracts.ids[:100]
        values.update(
            {
                "contracts": contracts,
                "page_name": "maintenance_contract",
                "pager": pager,
                "default_url": "/my/contracts",
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
            }
        )
        return request.render("maintenance_contract_it.portal_my_maintenance_contracts", values)

    @http.route(["/my/contracts/<int:contract_id>"], type="http", auth="public", website=True)
    def portal_my_maintenance_contract(
        self, contract_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            contract_sudo = self._document_check_access(
                "maintenance.contract", contract_id, access_token
            )
        except (AccessError, MissingError):
            if report_type:
                # a document link of a contract the user may not read: no document, and no
                # hint whether the contract exists
                return request.not_found()
            return request.redirect("/my")

        redirect = portal_lang_redirect(
            contract_sudo,
            access_token,
            portal_link_partner(contract_sudo, kw.get("pid"), kw.get("hash")),
        )
        if redirect:
            return redirect
        report = request.env.ref(REPORT_XMLID, raise_if_not_found=False)
        if report_type in ("html", "pdf", "text") and report:
            return self._show_report(
                model=contract_sudo,
                report_type=report_type,
                report_ref=REPORT_XMLID,
                download=str2bool(download or "0", False),
            )

        values = self._get_page_view_values(
            contract_sudo,
            access_token,
            dict(
                self._prepare_maintenance_contract_service_values(contract_sudo),
                contract=contract_sudo,
                page_name="maintenance_contract",
                report_available=bool(report),
            ),
            "my_maintenance_contracts_history",
            False,
            **kw,
        )
        return request.render("maintenance_contract_it.portal_maintenance_contract_page", values)

    def _get_portal_amendments(self, contract_sudo):
        """The amendments of the contract its customer may read: confirmed or applied."""
        return (
            request.env["maintenance.contract.amendment"]
            .sudo()
            .search(
                [("contract_id", "=", contract_sudo.id), ("state", "in", PORTAL_AMENDMENT_STATES)],
                order="number desc, id desc",
            )
        )

    def _get_portal_invoices(self, contract_sudo):
        """The posted customer invoices and credit notes of the contract (grouped invoices of
        the customer's contracts included), newest first.

        Read as superuser: ``contract_sudo`` has passed :meth:`_document_check_access` and only
        the moves of this contract are read; each links to its own portal page with its
        access token.

        Only the invoices of the contract's customer are listed (the database constraint
        says so already: this holds for links made before it, or by SQL)."""
        customer = contract_sudo.commercial_partner_id
        return (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("maintenance_contract_ids", "in", contract_sudo.id),
                    ("commercial_partner_id", "=", customer.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                ],
                order="invoice_date desc, id desc",
            )
        )

    def _filter_portal_invoices(self, invoices_sudo, contract_sudo):
        """Checked again when the page is rendered: an invoice (and its access token) is
        shown only if its customer is the contract's and, for a customer's contact, the
        contact's own commercial partner."""
        customers = contract_sudo.commercial_partner_id
        user = request.env.user
        if user._is_portal():
            customers &= user.partner_id.commercial_partner_id
        return invoices_sudo.filtered(lambda m: m.commercial_partner_id in customers)

    def _prepare_maintenance_contract_service_values(self, contract_sudo):
        """What the contract page shows of the service: the SLA compliance of the current
        billing period, the open tickets, the last interventions and the amendments.

        ``contract_sudo`` comes from :meth:`_document_check_access`; only what belongs to
        this contract is read from it."""
        today = fields.Date.context_today(contract_sudo)
        values = {
            "is_proposal": bool(contract_sudo._portal_proposal_status()),
            "format_portal_datetime": self._get_portal_datetime_formatter(contract_sudo),
            "portal_timezone_label": self._get_portal_timezone_label(contract_sudo),
            "billing_frequency_label": self._get_billing_frequency_label(contract_sudo),
            "sla_compliance_started": bool(
                contract_sudo.date_start and contract_sudo.date_start <= today
            ),
        }
        if values["is_proposal"]:
            # before signing: what the customer signs, no service yet
            return values
        period_start, period_end = contract_sudo._get_period_bounds(today)
        tickets = contract_sudo.ticket_ids
        interventions = contract_sudo.intervention_ids.filtered(
            lambda i: i.state in PORTAL_INTERVENTION_STATES
        )
        open_tickets = tickets.filtered(lambda t: not t.closed).sorted(
            lambda t: (t.sla_resolution_deadline or fields.Datetime.now(), t.id)
        )
        return dict(
            values,
            **{
                "period_start": period_start,
                "period_end": period_end,
                "sla_compliance": self._get_sla_compliance(
                    contract_sudo, tickets, period_start, period_end
                ),
                "open_tickets": open_tickets,
                "interventions": interventions.sorted(
                    lambda i: (i.date or fields.Date.today(), i.id), reverse=True
                )[:CONTRACT_PAGE_INTERVENTIONS],
                "intervention_count": len(interventions),
                "amendments": self._get_portal_amendments(contract_sudo),
                "invoices": self._filter_portal_invoices(
                    self._get_portal_invoices(contract_sudo), contract_sudo
                ),
                "amendment_report_available": bool(
                    request.env.ref(AMENDMENT_REPORT_XMLID, raise_if_not_found=False)
                ),
            },
        )

    def _get_sla_compliance(self, contract_sudo, tickets, period_start, period_end):
        """Targets met and missed per target (response, resolution) among the tickets whose
        deadline falls in the period; targets still running count in neither.

        :return: dict target -> dict ``met``, ``missed``, ``percent`` (False without any)"""
        if not contract_sudo.sla_policy_id:
            return {}
        start, end = contract_sudo._sla_period_bounds(period_start, period_end)
        compliance = {}
        for target in ("response", "resolution"):
            statuses = [
                ticket[f"sla_{target}_status"]
                for ticket in tickets
                if ticket[f"sla_{target}_deadline"]
                and start <= ticket[f"sla_{target}_deadline"] < end
            ]
            met, missed = statuses.count("met"), statuses.count("breached")
            compliance[target] = {
                "met": met,
                "missed": missed,
                "percent": round(100.0 * met / (met + missed)) if met + missed else False,
            }
        return compliance

    def _get_billing_frequency_label(self, contract_sudo):
        return {
            "monthly": request.env._("per month"),
            "quarterly": request.env._("per quarter"),
            "semiannual": request.env._("per half-year"),
            "yearly": request.env._("per year"),
        }.get(contract_sudo.billing_frequency, "")

    def _get_portal_partner_for(self, document=None):
        """The contact reading the page: the portal user, or the customer of a document
        opened through an access token."""
        user = request.env.user
        if not user._is_public():
            return user.partner_id
        return document.partner_id if document else request.env["res.partner"]

    def _get_portal_timezone(self, document=None):
        """The time zone of the contact reading the page (see :meth:`_get_portal_partner_for`):
        theirs, else the zone of the document's support calendar, else the company's."""
        partner = self._get_portal_partner_for(document)
        calendar = None
        if document and hasattr(document, "_get_portal_calendar"):
            calendar = document._get_portal_calendar()
        elif document and "contract_id" in document:
            # a ticket or an intervention: its contract's support hours
            calendar = document.sudo().contract_id.sla_policy_id.calendar_id
        company = document.company_id if document and "company_id" in document else None
        return contact_timezone(partner, company or request.env.company, calendar)

    def _get_portal_timezone_label(self, document=None):
        """The name of that zone for people, in the page's language ("Paris time")."""
        return timezone_label(request.env, self._get_portal_timezone(document))

    def _get_portal_datetime_formatter(self, document=None):
        """A function formatting a UTC datetime in the portal user's timezone and language.

        The page is rendered in that zone too: the datetimes it shows with ``t-field``
        (helpdesk_mgmt's dates of a ticket) are in the same zone as the others."""
        tz = self._get_portal_timezone(document)
        request.update_context(tz=tz)
        env = request.env

        def format_portal_datetime(value):
            return format_datetime(env, value, tz=tz, dt_format="short") if value else ""

        return format_portal_datetime
