import {registry} from "@web/core/registry";

// A contact allowed to give notice ends the contract on the portal: the end date announced
// before confirming is the one recorded (kept in the session storage across the pages), and
// the contract page (reloaded too) and the contracts list show the notice received with it.
const KEY = "maintenance_portal_notice_end_date";

function checkEndDate(element, where) {
    const shown = element.textContent.trim();
    const announcedEndDate = sessionStorage.getItem(KEY);
    if (shown !== announcedEndDate) {
        throw new Error(`The ${where} shows the end on ${shown}, ${announcedEndDate} was announced`);
    }
}

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
        {
            content: "The contract page shows the notice received and the effective end",
            trigger: "#contract_notice_received .o_mcit_notice_received_end strong",
            run() {
                checkEndDate(this.anchor, "contract page");
            },
        },
        {
            content: "Its tacit renewal is stopped by the notice",
            trigger: "#contract_duration .o_mcit_renewal_stopped",
        },
        {
            content: "Reload the contract page",
            trigger: "#contract_notice_received",
            run() {
                window.location.href = window.location.pathname;
            },
        },
        {
            content: "After reloading, the notice received is still shown",
            trigger:
                "body:not(:has(.o_mcit_notice_ok)) #contract_notice_received .o_mcit_notice_received_end strong",
            run() {
                checkEndDate(this.anchor, "reloaded contract page");
                window.location.href = "/my/contracts";
            },
        },
        {
            content: "The contracts list shows the notice received and the effective end",
            trigger: ".o_mcit_notice_received .o_mcit_notice_received_end strong",
            run() {
                checkEndDate(this.anchor, "contracts list");
            },
        },
    ],
});
