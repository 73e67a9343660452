import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("maintenance_billing_tour", {
    steps: () => [
        // The accountant opens the list of the periods to invoice.
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Maintenance Contracts app",
            trigger: '.o_app[data-menu-xmlid="maintenance_contract_it.maintenance_contract_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Invoicing menu",
            trigger: '.o_menu_sections [data-menu-xmlid="maintenance_contract_it.maintenance_contract_menu_invoicing"]',
            run: "click",
        },
        {
            content: "Open the periods to invoice",
            trigger: '.dropdown-item[data-menu-xmlid="maintenance_contract_it.maintenance_contract_period_menu_to_invoice"]',
            run: "click",
        },
        {
            content: "Select the period of the tour customer's contract",
            trigger: ".o_data_row:contains('Tour Billing Customer') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Invoice it",
            trigger: '.o_control_panel button[name="action_invoice"]',
            run: "click",
        },
        // The invoice shows the period of its line and its contract.
        {
            content: "Its line names the period",
            trigger: '.o_field_widget[name="invoice_line_ids"] .o_data_row:contains("Tour support")',
        },
        {
            content: "and links the billing period",
            trigger: '.o_field_widget[name="invoice_line_ids"] td[name="maintenance_period_id"]:contains("MC/")',
        },
        {
            content: "Open the other information of the invoice",
            trigger: '.o_notebook .nav-link[name="other_info"]',
            run: "click",
        },
        {
            content: "The invoice is the contract's",
            // set by the invoicing, read-only on the invoice
            trigger: '.o_form_view .o_field_widget.o_readonly_modifier[name="contract_id"]:contains("MC/")',
        },
    ],
});
