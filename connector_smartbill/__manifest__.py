# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "SmartBill Connector",
    "summary": "Mirror SmartBill (Romania) invoices, partners, products and payments into Odoo",
    "version": "19.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-smartbill",
    "author": "connector_smartbill contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["account", "connector"],
    "external_dependencies": {"python": ["lxml", "openpyxl", "pydantic", "requests"]},
    "data": [
        "security/smartbill_security.xml",
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "data/smartbill_data.xml",
        "views/smartbill_backend_views.xml",
        "views/smartbill_binding_views.xml",
        "views/smartbill_document_views.xml",
        "views/smartbill_sync_run_views.xml",
        "views/smartbill_menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["connector_smartbill/static/tests/tours/*.js"],
    },
}
