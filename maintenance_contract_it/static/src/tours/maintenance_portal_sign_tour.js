import {registry} from "@web/core/registry";

// The customer signs a contract sent for signature: the test opens the emailed link.
registry.category("web_tour.tours").add("maintenance_portal_sign", {
    steps: () => [
        {
            content: "The contract awaits the customer's signature",
            trigger: ".o_mcit_sign_pending",
        },
        {
            content: "Open the signature form",
            trigger: "#o_mcit_sign_button",
            run: "click",
        },
        {
            content: "Type the name of the signatory",
            trigger: "#o_mcit_modal_sign .o_web_sign_name_input",
            run: "edit Claire Durand",
        },
        {
            content: "Sign",
            trigger: "#o_mcit_modal_sign .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The signature is recorded",
            trigger: ".o_mcit_sign_ok",
        },
        {
            content: "The page shows who signed",
            trigger: "#o_mcit_signature:contains('Claire Durand')",
        },
    ],
});
