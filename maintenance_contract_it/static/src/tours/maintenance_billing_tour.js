import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("maintenance_billing_tour", {
    steps: () => [],
});
