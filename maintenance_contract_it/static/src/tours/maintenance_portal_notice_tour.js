import {registry} from "@web/core/registry";

// A contact allowed to give notice ends the contract on the portal: the end date announced
// before confirming is the one recorded (kept in the session storage across the pages).
const KEY = "maintenance_portal_notice_end_date";

registry.category("web_tour.tours").add("maintenance_portal_notice", {
    steps: () => [
        {
            content: "Give notice from the contract page",
            trigger: "#o_mcit_give_notice",
            run: "click",
        },
        {
            content: "The effective end date is stated before confirming",
            trigger: ".o_mcit_notice_end_date:not(:empty)",
            run() {
                sessionStorage.setItem(KEY, this.anchor.textContent.trim());
            },
        },
        {
            content: "Confirm the notice",
            trigger: ".o_mcit_notice_confirm",
            run: "click",
        },
        {
            content: "The notice is recorded, with the announced end date",
            trigger: ".o_mcit_notice_ok strong",
            run() {
                const recorded = this.anchor.textContent.trim();
                const announcedEndDate = sessionStorage.getItem(KEY);
                if (recorded !== announcedEndDate) {
                    throw new Error(
                        `The contract ends on ${recorded}, ${announcedEndDate} was announced`
                    );
                }
            },
        },
        {
            content: "Notice cannot be given twice",
            trigger: "body:not(:has(#o_mcit_give_notice))",
        },
    ],
});
