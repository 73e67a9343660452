from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..models.maintenance_sla_policy import HELPDESK_PRIORITIES
from .main import MaintenanceContractPortal

# Why a new ticket is refused: the codes of the messages of the form (never text of the URL).
TICKET_REFUSALS = ("contract", "equipment", "priority", "invalid")


class TicketRefused(Exception):
    """A new ticket the customer may not open as typed: ``code`` is one of
    ``TICKET_REFUSALS``, ``detail`` the message of a validation error of the ticket."""

    def __init__(self, code, detail=None):
        super().__init__(code)
        self.code = code
        self.detail = detail


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
        values["portal_timezone"] = self._get_portal_timezone_label(ticket)
        return values

    @http.route()
    def portal_my_tickets(self, *args, **kw):
        response = super().portal_my_tickets(*args, **kw)
        if hasattr(response, "qcontext"):
            response.qcontext["format_portal_datetime"] = self._get_portal_datetime_formatter()
            response.qcontext["portal_timezone"] = self._get_portal_timezone_label()
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
                "ticket_priorities": self._get_portal_ticket_priorities(),
                "selected_priority": kw.get("priority")
                if kw.get("priority") in dict(HELPDESK_PRIORITIES)
                else "1",
                "sla_targets": self._get_portal_sla_targets(selected_contract or contracts),
            }
        )
        return values

    def _get_portal_ticket_priorities(self):
        """The urgencies the customer chooses from: helpdesk priorities, in their language."""
        Ticket = request.env["helpdesk.ticket"]
        return Ticket._fields["priority"]._description_selection(Ticket.env)

    def _get_portal_sla_targets(self, contracts):
        """The response and resolution targets of each SLA policy of ``contracts``, by
        priority: a list of (policy, contracts, {priority: target line}), read as superuser
        (the customer reads their own contracts' service levels on the contract page)."""
        targets = []
        for policy, policy_contracts in contracts.sudo().grouped("sla_policy_id").items():
            if policy:
                lines = {line.priority: line for line in policy.line_ids}
                targets.append((policy, policy_contracts, lines))
        return targets

    @http.route()
    def submit_ticket(self, **kw):
        """A refused ticket comes back to the form, with the reason and what was typed;
        nothing of it is kept."""
        try:
            with request.env.cr.savepoint():
                return super().submit_ticket(**kw)
        except TicketRefused as refused:
            return self._render_refused_ticket(refused.code, kw, refused.detail)
        except (UserError, ValidationError) as error:
            return self._render_refused_ticket("invalid", kw, error.args[0])

    def _render_refused_ticket(self, code, kw, detail=None):
        values = self._get_create_new_ticket_values(**kw)
        values.update(
            {
                "ticket_refusal": code if code in TICKET_REFUSALS else "invalid",
                "ticket_refusal_detail": detail,
                "ticket_form": {
                    key: kw.get(key) or "" for key in ("subject", "description", "category", "team")
                },
            }
        )
        return request.render("helpdesk_mgmt.portal_create_ticket", values)

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
        priority = kw.get("priority")
        if priority:
            if priority not in dict(HELPDESK_PRIORITIES):
                raise TicketRefused("priority")
            vals["priority"] = priority
        contract_id = parse_id(kw.get("contract_id"))
        equipment_id = parse_id(kw.get("equipment_id"))
        if not (contract_id or equipment_id):
            return vals
        # the ticket is created as superuser: refuse what the customer may not choose
        contracts = portal_active_contracts()
        contract = contracts.filtered(lambda c: c.id == contract_id)
        if contract_id and not contract:
            raise TicketRefused("contract")
        equipment = (contract or contracts).equipment_ids.filtered(lambda e: e.id == equipment_id)
        if equipment_id and not equipment:
            raise TicketRefused("equipment")
        if equipment:
            vals["equipment_id"] = equipment.id
            contract = contract or contracts.filtered(lambda c: equipment in c.equipment_ids)[:1]
        if contract:
            vals["contract_id"] = contract.id
        return vals
