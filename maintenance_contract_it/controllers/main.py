from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

REPORT_XMLID = "maintenance_contract_it.maintenance_contract_report_action"


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
        commercial partner and hide drafts."""
        partner = request.env.user.partner_id
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("state", "!=", "draft"),
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

        report = request.env.ref(REPORT_XMLID, raise_if_not_found=False)
        if report_type in ("html", "pdf", "text") and report:
            return self._show_report(
                model=contract_sudo,
                report_type=report_type,
                report_ref=REPORT_XMLID,
                download=download,
            )

        values = self._get_page_view_values(
            contract_sudo,
            access_token,
            {
                "contract": contract_sudo,
                "page_name": "maintenance_contract",
                "report_available": bool(report),
            },
            "my_maintenance_contracts_history",
            False,
            **kw,
        )
        return request.render("maintenance_contract_it.portal_maintenance_contract_page", values)
