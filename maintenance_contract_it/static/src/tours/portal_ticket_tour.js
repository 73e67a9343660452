import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("maintenance_portal_ticket_tour", {
    steps: () => [
        {
            content: "The contract page offers to open a ticket",
            trigger: "#contract_new_ticket",
            run: "click",
        },
        {
            content: "The contract is preselected",
            trigger: "select[name='contract_id']:has(option:selected:contains('MC/'))",
        },
        {
            content: "Choose the covered equipment",
            trigger: "select[name='equipment_id']",
            run: "selectByLabel Portal tour server",
        },
        {
            content: "Subject",
            trigger: "input[name='subject']",
            run: "edit The portal tour server is down",
        },
        {
            content: "Description",
            trigger: "textarea[name='description']",
            run: "edit Nobody can log in since this morning.",
        },
        {
            content: "Submit the ticket",
            trigger: "button[type='submit']:contains('Submit Ticket')",
            run: "click",
        },
        {
            content: "The ticket page shows the contract's equipment",
            trigger: "#ticket_maintenance_contract:contains('Portal tour server')",
        },
        {
            content: "and by when a response is due",
            trigger: ".o_ticket_response_deadline .o_sla_deadline",
        },
        {
            content: "with its status",
            trigger: ".o_ticket_response_deadline .o_sla_status[data-status='running']",
        },
    ],
});
