# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "FreshBooks Connector",
    "summary": "Connect Odoo to FreshBooks (OAuth 2.0): customers, invoices and payments",
    "version": "19.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-smartbill",
    "author": "connector_smartbill contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["account", "connector_accounting_base"],
    "external_dependencies": {"python": ["cryptography", "requests"]},
    "data": [
        "security/freshbooks_security.xml",
        "models/freshbooks_backend/ir.model.access.csv",
        "models/freshbooks_backend/data.xml",
        "models/freshbooks_backend/views.xml",
    ],
}
