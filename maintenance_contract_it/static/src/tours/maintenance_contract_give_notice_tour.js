import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("maintenance_contract_give_notice", {
    steps: () => [
        {
            content: "Open the notice wizard of the active contract",
            trigger: ".o_form_view button[name='action_open_notice_wizard']",
            run: "click",
        },
        {
            content: "The notice was sent by email",
            trigger: ".modal div[name='channel'] select",
            run: 'select "email"',
        },
        {
            content: "Choose the reason",
            trigger: ".modal div[name='reason_id'] input",
            run: "edit Price too",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-item:contains('Price too high')",
            run: "click",
        },
        {
            content: "Record the notice",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The contract shows when it ends",
            trigger: ".o_form_view .alert-warning:contains('the contract ends on')",
        },
    ],
});
