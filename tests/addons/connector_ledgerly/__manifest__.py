# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Ledgerly Connector (example)",
    "summary": "A connector on the base in a few lines: OAuth, contacts polled and pushed by "
    "webhook, its runs and failed records in the shared screens (tests only)",
    "version": "19.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-smartbill",
    "author": "connector_smartbill contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "depends": ["connector_accounting_base"],
    "data": ["ir.model.access.csv", "views.xml"],
}
