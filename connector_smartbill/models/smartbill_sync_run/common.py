# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

SOURCES = [
    ("v1", "SmartBill API V1"),
    ("v3", "SmartBill API V3"),
    ("folder", "e-Factura folder"),
    ("upload", "Upload"),
    ("spv", "ANAF SPV"),
    ("bnr", "BNR"),
]


class SmartBillSyncRun(models.Model):
    """A SmartBill sync run (the mechanism is the base's ``connector.sync.run.mixin``)."""

    _name = "smartbill.sync.run"
    _inherit = "connector.sync.run.mixin"
    _description = "SmartBill sync run"
    _job_run_field = "smartbill_run_id"
    _failure_model = "smartbill.sync.run.failure"

    backend_id = fields.Many2one(
        "smartbill.backend", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    api_calls = fields.Integer("SmartBill calls")
    job_ids = fields.One2many("queue.job", "smartbill_run_id", "Jobs", readonly=True)
    failure_ids = fields.One2many(
        "smartbill.sync.run.failure", "run_id", "Failed records and retries", readonly=True
    )

    def _selection_source(self):
        return SOURCES


class SmartBillSyncRunFailure(models.Model):
    """A SmartBill record that failed or waits for a retry (a view over queue_job)."""

    _name = "smartbill.sync.run.failure"
    _inherit = "connector.sync.run.failure.mixin"
    _description = "SmartBill failed record"
    _auto = False
    _run_model = "smartbill.sync.run"

    run_id = fields.Many2one("smartbill.sync.run", "Sync run", readonly=True)
    backend_id = fields.Many2one("smartbill.backend", readonly=True)
    reference = fields.Char("SmartBill reference")
