import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("maintenance_ticket_sla", {
    url: "/odoo/helpdesk-tickets/new",
    steps: () => [
        {
            content: "Title of the ticket",
            trigger: '.o_field_widget[name="name"] input',
            run: "edit Printer on fire",
        },
        {
            content: "Customer under contract",
            trigger: '.o_field_widget[name="partner_id"] input',
            run: "edit SLA Tour Customer",
        },
        {
            content: "Pick the customer",
            trigger: '.o_field_widget[name="partner_id"] .ui-menu-item a:contains("SLA Tour Customer")',
            run: "click",
        },
        {
            content: "The contract is found",
            trigger: '.o_field_widget[name="contract_id"] input:not(:value(""))',
        },
        {
            content: "Describe the problem",
            trigger: '.o_field_widget[name="description"] .odoo-editor-editable',
            run: "editor The printer is on fire",
        },
        ...stepUtils.saveForm(),
        {
            content: "The response clock runs",
            trigger: '.o_mcit_sla_response .badge:contains("Running")',
        },
        {
            content: "The resolution clock runs",
            trigger: '.o_mcit_sla_resolution .badge:contains("Running")',
        },
        {
            content: "Reply to the customer",
            trigger: ".o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            content: "Write the reply",
            trigger: ".o-mail-Composer-input",
            run: "edit We are on our way",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is posted",
            trigger: '.o-mail-Message:contains("We are on our way")',
        },
        {
            content: "Close the ticket",
            trigger: '.o_statusbar_status button:contains("Solved (tour)")',
            run: "click",
        },
        {
            content: "Response met",
            trigger: '.o_mcit_sla_response .badge:contains("Met")',
        },
        {
            content: "Resolution met",
            trigger: '.o_mcit_sla_resolution .badge:contains("Met")',
        },
    ],
});
