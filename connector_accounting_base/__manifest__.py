# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Accounting Connector Base",
    "summary": "What every accounting connector shares: transport policy, redaction, rate "
    "budget, credential vault, health alerts, sync runs and failed records, pages of jobs",
    "version": "19.0.1.3.0",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-smartbill",
    "author": "connector_smartbill contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["connector", "mail", "queue_job"],
    "external_dependencies": {"python": ["cryptography", "requests"]},
    "data": [
        "models/connector_alert/ir.model.access.csv",
        "models/connector_webhook_event/ir.model.access.csv",
        "models/connector_checkpoint/ir.model.access.csv",
        "models/connector_sync_run/ir.model.access.csv",
        "models/connector_sync_run/data.xml",
        "models/connector_sync_run/views.xml",
        "models/connector_alert/data.xml",
        "models/connector_alert/views.xml",
    ],
}
