import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function switchView(type) {
    return [
        {
            content: `Switch to the ${type} view`,
            trigger: `.o_switch_view.o_${type}`,
            run: "click",
        },
        {
            content: `The ${type} view is shown`,
            trigger: `.o_${type}_view`,
        },
    ];
}

registry.category("web_tour.tours").add("maintenance_intervention_tour", {
    steps: () => [
        // On the ticket: log an intervention, prefilled from the ticket's customer contract.
        {
            content: "Log an intervention",
            trigger: '.o_form_view button[name="action_log_intervention"]',
            run: "click",
        },
        {
            content: "The contract of the ticket's customer is proposed",
            trigger: '.o_field_widget[name="contract_id"] input:value("MC/")',
        },
        {
            content: "The equipment of the contract too",
            trigger: '.o_field_widget[name="equipment_id"] input:value("Tour server")',
        },
        ...stepUtils.saveForm(),
        {
            content: "The new report has a reference",
            trigger: '.o_form_view .o_field_widget[name="name"]:contains("INT/")',
        },
        // The ticket's interventions in every view.
        {
            content: "Back to the ticket",
            trigger: ".o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            content: "Open the ticket's interventions",
            trigger: '.o_form_view button[name="action_view_interventions"]',
            run: "click",
        },
        {
            content: "The planned visit is listed",
            trigger: '.o_list_view .o_data_row:contains("Tour visit")',
        },
        ...switchView("calendar"),
        {
            content: "The calendar filters by lead technician",
            trigger: '.o_calendar_filter[data-name="user_id"]',
        },
        ...switchView("kanban"),
        {
            content: "The visit is in the Planned column",
            trigger: '.o_kanban_record:contains("Tour visit")',
        },
        ...switchView("pivot"),
        ...switchView("list"),
        {
            content: "Open the visit",
            trigger: '.o_data_row:contains("Tour visit") td[name="name"]',
            run: "click",
        },
        {
            content: "Mark it as done",
            trigger: '.o_form_view button[name="action_done"]',
            run: "click",
        },
        {
            content: "It is done",
            trigger: '.o_statusbar_status button.o_arrow_button_current[data-value="done"]',
        },
        {
            content: "Open the signature page",
            trigger: '.o_notebook a[name="signature"]',
            run: "click",
        },
        {
            content: "The customer can sign",
            trigger: '.o_field_widget[name="signature"]',
        },
    ],
});
