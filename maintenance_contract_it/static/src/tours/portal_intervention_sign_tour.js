import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("maintenance_portal_intervention_sign_tour", {
    steps: () => [
        {
            content: "The intervention waits for a signature",
            trigger: "#o_intervention_sign",
            run: "click",
        },
        {
            content: "Type the signer's name",
            trigger: "#modal_intervention_sign .o_web_sign_name_input",
            run: "edit Claire Tour",
        },
        {
            content: "The signature is drawn from the name",
            trigger: "#modal_intervention_sign canvas.o_web_sign_signature",
        },
        {
            content: "Sign",
            trigger: "#modal_intervention_sign .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The report is signed",
            trigger: "#intervention_signed_by:contains('Claire Tour')",
        },
    ],
});
