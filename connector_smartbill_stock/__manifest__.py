# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "SmartBill Connector - Stock",
    "summary": "SmartBill's stock per workpoint, compared with Odoo's warehouses",
    "version": "19.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-smartbill",
    "author": "connector_smartbill contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["connector_smartbill", "stock"],
    "data": [
        "models/smartbill_stock_level/ir.model.access.csv",
        "models/smartbill_stock_level/data.xml",
        "models/smartbill_stock_level/views.xml",
    ],
}
