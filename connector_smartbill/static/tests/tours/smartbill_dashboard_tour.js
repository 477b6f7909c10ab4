/* Copyright 2026 connector_smartbill contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const openBackend = [
    {
        content: "Open the SmartBill backend from the backends' kanban",
        trigger: ".o_kanban_record:contains('SmartBill test')",
        run: "click",
    },
    {
        content: "The backend form is shown",
        trigger: ".o_form_view .o_field_widget[name='company_vat_code']",
    },
];

registry.category("web_tour.tours").add("smartbill_import_now", {
    url: "/odoo/action-connector_smartbill.smartbill_backend_action",
    steps: () => [
        ...openBackend,
        {
            content: "Open the synchronisation tab",
            trigger: ".o_notebook a[name='sync']",
            run: "click",
        },
        {
            content: "Import partners now, from their row in what the backend synchronises",
            trigger:
                ".o_field_widget[name='entity_ids'] tr:contains('Partners') button[name='action_sync_now']",
            run: "click",
        },
        {
            content: "Odoo confirms the import is queued",
            trigger: ".o_notification:contains('import queued')",
        },
    ],
});

registry.category("web_tour.tours").add("smartbill_dashboard", {
    url: "/odoo/action-connector_smartbill.smartbill_backend_action",
    steps: () => [
        {
            content: "The kanban card counts the imported partners",
            trigger: ".o_kanban_record:contains('SmartBill test'):contains('Partners: 200')",
        },
        ...openBackend,
        {
            content: "Partners smart button",
            trigger: "button[name='action_open_partners'] .o_stat_value:contains('200')",
        },
        {
            content: "No run in progress",
            trigger: "button[name='action_open_runs'] .o_stat_value:contains('0')",
        },
        {
            content: "No failed record",
            trigger: ".o_field_widget[name='failed_job_count'] span:contains('0')",
        },
        {
            content: "The rate limit's figures are on the technical tab",
            trigger: ".o_notebook a[name='credentials']",
            run: "click",
        },
        {
            content: "V3 reads left in the window are shown",
            trigger: ".o_field_widget[name='v3_calls_left'] span",
        },
        {
            content: "Back to the synchronisation tab for the screenshot",
            trigger: ".o_notebook a[name='sync']",
            run: "click",
        },
        {
            content: "What the backend synchronises is shown; back to the top",
            trigger: ".o_field_widget[name='entity_ids'] tr:contains('Partners')",
            run() {
                document.querySelector(".o_content").scrollTo(0, 0);
            },
        },
    ],
});

registry.category("web_tour.tours").add("smartbill_runs_graph", {
    url: "/odoo/action-connector_smartbill.smartbill_backend_action",
    steps: () => [
        ...openBackend,
        {
            content: "Open the runs per day from the dashboard",
            trigger: "button[name='action_open_run_graph']",
            run: "click",
        },
        {
            content: "The graph of the sync runs is drawn",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});

registry.category("web_tour.tours").add("smartbill_reconciliation", {
    url: "/odoo/action-connector_smartbill.smartbill_reconciliation_action",
    steps: () => [
        {
            content: "The months are listed, grouped",
            trigger: ".o_list_view .o_group_header",
            run: "click",
        },
        {
            content: "A month's rows are reconciled",
            trigger: ".o_data_row .o_field_badge:contains('Reconciled')",
        },
    ],
});

registry.category("web_tour.tours").add("smartbill_fix_and_retry", {
    url: "/odoo/action-connector_smartbill.smartbill_backend_action",
    steps: () => [
        ...openBackend,
        {
            content: "The backend counts the e-Factura files that failed: open them",
            trigger: "button[name='action_open_failed_documents']",
            run: "click",
        },
        {
            content: "Each failed file says what to fix",
            trigger: ".o_data_row:contains('VAT mapping') td[name='name']",
            run: "click",
        },
        {
            content: "The reason names the screen that fixes it",
            trigger:
                ".o_form_view .o_field_widget[name='message']:contains('SmartBill > Configuration > VAT mapping')",
        },
        {
            content: "Retry it (the accountant has set the mapping meanwhile)",
            trigger: ".o_form_view button[name='action_retry']",
            run: "click",
        },
        {
            content: "Odoo says what it queued",
            trigger: ".o_notification:contains('1 queued for import')",
        },
    ],
});
