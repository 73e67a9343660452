from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk
from odoo.http import request

from .main import MaintenanceContractPortal


def portal_active_contracts():
    """The active contracts of the portal user's company, as the user reads them (record
    rules), never another customer's."""
    Contract = request.env["maintenance.contract"]
    if request.env.user._is_public() or not Contract.has_access("read"):
        return Contract
    return Contract.search(
        [
            ("commercial_partner_id", "=", request.env.user.commercial_partner_id.id),
            ("state", "=", "active"),
        ],
        order="name",
    )


def parse_id(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class MaintenanceContractPortalHelpdesk(CustomerPortalHelpdesk, MaintenanceContractPortal):
    """helpdesk_mgmt's ticket pages show the contract, the equipment and the SLA deadlines in
    the customer's timezone."""

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        values["format_portal_datetime"] = self._get_portal_datetime_formatter(ticket)
        values["portal_timezone"] = self._get_portal_timezone(ticket)
        return values

    @http.route()
    def portal_my_tickets(self, *args, **kw):
        response = super().portal_my_tickets(*args, **kw)
        if hasattr(response, "qcontext"):
            response.qcontext["format_portal_datetime"] = self._get_portal_datetime_formatter()
            response.qcontext["portal_timezone"] = self._get_portal_timezone()
        return response


class MaintenanceContractTicketController(HelpdeskTicketController):
    """helpdesk_mgmt's new ticket form: the customer picks the equipment among those covered
    by their active contracts; a contract may come preselected from the contract page."""

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        contracts = portal_active_contracts()
        selected_contract = contracts.filtered(lambda c: c.id == parse_id(kw.get("contract_id")))
        equipment = (selected_contract or contracts).equipment_ids
        selected_equipment = equipment.filtered(lambda e: e.id == parse_id(kw.get("equipment_id")))
        if not selected_equipment and len(equipment) == 1:
            selected_equipment = equipment
        values.update(
            {
                "maintenance_contracts": contracts,
                "selected_contract": selected_contract,
                "covered_equipment": equipment,
                "selected_equipment": selected_equipment,
            }
        )
        return values

    @http.route()
    def support_ticket_close(self, **kw):
        """helpdesk_mgmt closes the ticket it is given as superuser, whoever asks: only the
        users who may read the ticket may close it (closing stops its SLA clocks)."""
        ticket = request.env["helpdesk.ticket"].browse(parse_id(kw.get("ticket_id"))).exists()
        if not ticket or not ticket.has_access("read"):
            raise Forbidden(request.env._("You cannot close this ticket."))
        return super().support_ticket_close(**kw)

    def _prepare_submit_ticket_vals(self, **kw):
        vals = super()._prepare_submit_ticket_vals(**kw)
        contract_id = parse_id(kw.get("contract_id"))
        equipment_id = parse_id(kw.get("equipment_id"))
        if not (contract_id or equipment_id):
            return vals
        # the ticket is created as superuser: refuse what the customer may not choose
        contracts = portal_active_contracts()
        contract = contracts.filtered(lambda c: c.id == contract_id)
        if contract_id and not contract:
            raise Forbidden(request.env._("This contract is not one of your active contracts."))
        equipment = (contract or contracts).equipment_ids.filtered(lambda e: e.id == equipment_id)
        if equipment_id and not equipment:
            raise Forbidden(
                request.env._("This equipment is not covered by one of your active contracts.")
            )
        if equipment:
            vals["equipment_id"] = equipment.id
            contract = contract or contracts.filtered(lambda c: equipment in c.equipment_ids)[:1]
        if contract:
            vals["contract_id"] = contract.id
        return vals
