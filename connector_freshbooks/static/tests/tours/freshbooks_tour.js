/** @odoo-module **/
// An accountant's way through FreshBooks in a real browser (see tests/test_tour.py):
// connect, sync, a failed record fixed and retried, the reconciliation.
import {registry} from "@web/core/registry";

const openBackend = [
    {
        content: "Open the FreshBooks backend",
        trigger: ".o_data_row td:contains('FreshBooks test')",
        run: "click",
    },
];

registry.category("web_tour.tours").add("freshbooks_connect_and_sync", {
    steps: () => [
        ...openBackend,
        {
            content: "A new backend says what to do first, with the redirect URI to register",
            trigger: ".o_form_view .o_field_widget[name='redirect_uri']",
        },
        {
            content: "Connect: FreshBooks' authorize page sends the manager back here",
            trigger: "button[name='action_connect']:contains('Connect to FreshBooks')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the backend, connected: it can be synchronised",
            trigger: ".o_form_view button[name='action_sync_now']",
        },
        {
            content: "Connect became a secondary Reconnect",
            trigger: "button[name='action_connect']:contains('Reconnect'):not(.btn-primary)",
        },
        {
            content: "Poll every entity now",
            trigger: "button[name='action_sync_now']",
            run: "click",
        },
        {
            content: "Odoo confirms the polling is queued",
            trigger: ".o_notification:contains('polling queued')",
        },
    ],
});

registry.category("web_tour.tours").add("freshbooks_retry_failed", {
    steps: () => [
        {
            content: "The run of the invoices has failed records",
            trigger: ".o_data_row:contains('Invoices'):contains('Failed records') td[name='entity']",
            run: "click",
        },
        {
            content: "Each failed record says what to fix",
            trigger: ".o_field_widget[name='failure_ids'] .o_data_row:contains('is not mapped')",
        },
        {
            content: "Retry them (the tax is added meanwhile)",
            trigger: ".o_form_view button[name='action_retry_failed']",
            run: "click",
        },
        {
            content: "Odoo says how many were queued again",
            trigger: ".o_notification:contains('failed records queued again')",
        },
    ],
});

registry.category("web_tour.tours").add("freshbooks_reconciliation", {
    steps: () => [
        {
            content: "Every month compared, FreshBooks against Odoo",
            trigger: ".o_list_view .o_data_row .o_field_badge:contains('Reconciled')",
        },
        {
            content: "The same as a pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "FreshBooks' and Odoo's totals side by side",
            trigger: ".o_pivot th:contains('Total (FreshBooks)')",
        },
    ],
});
