import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function selectMany2one(fieldName, value) {
    return [
        {
            content: `Type ${value} in ${fieldName}`,
            trigger: `.o_field_widget[name="${fieldName}"] input`,
            run: `edit ${value}`,
        },
        {
            content: `Pick ${value}`,
            trigger: `.o_field_widget[name="${fieldName}"] .ui-menu-item a:contains("${value}")`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("maintenance_contract_from_template", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Maintenance Contracts app",
            trigger: '.o_app[data-menu-xmlid="maintenance_contract_it.maintenance_contract_menu_root"]',
            run: "click",
        },
        // 1. With the wizard: Contracts > New from Template.
        {
            content: "Open the Contracts menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="maintenance_contract_it.maintenance_contract_menu_contracts"]',
            run: "click",
        },
        {
            content: "New from Template",
            trigger: '.dropdown-item[data-menu-xmlid="maintenance_contract_it.maintenance_contract_create_wizard_menu"]',
            run: "click",
        },
        ...selectMany2one("template_id", "Tour Template"),
        ...selectMany2one("partner_id", "Tour Customer"),
        {
            content: "Create the contract",
            trigger: '.modal-footer button[name="action_create_contract"]',
            run: "click",
        },
        {
            content: "The new contract shows its reference",
            trigger: '.o_form_view .o_field_widget[name="name"]:contains("MC/")',
        },
        {
            content: "It has the template's fee",
            trigger: '.o_field_widget[name="amount_period"]:contains("120")',
        },
        {
            content: "Open the Money tab",
            trigger: '.o_notebook a[name="money"]',
            run: "click",
        },
        {
            content: "It has the template's hourly rate",
            trigger: '.o_field_widget[name="extra_hourly_rate"] input:value("65")',
        },
        // 2. In the form: a new contract with the template field.
        {
            content: "Back to the contracts",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            content: "New contract",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        ...selectMany2one("partner_id", "Tour Customer"),
        ...selectMany2one("template_id", "Tour Template"),
        {
            content: "The template filled the fees",
            trigger: '.o_field_widget[name="amount_period"]:contains("120")',
        },
        {
            content: "Open the Terms tab",
            trigger: '.o_notebook a[name="terms"]',
            run: "click",
        },
        {
            content: "The template filled the notice period",
            trigger: '.o_field_widget[name="notice_period"] input:value("5")',
        },
        ...stepUtils.saveForm(),
        {
            content: "The saved contract shows its reference",
            trigger: '.o_form_view .o_field_widget[name="name"]:contains("MC/")',
        },
    ],
});
