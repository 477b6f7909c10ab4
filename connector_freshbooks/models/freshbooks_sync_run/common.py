# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

SOURCES = [
    ("polling", "Polling"),
    ("webhook", "Webhooks"),
    ("push", "Customers pushed"),
]


class FreshBooksSyncRun(models.Model):
    """A FreshBooks sync run (the mechanism is the base's ``connector.sync.run.mixin``).
    A polling run carries the newest change time it read (``checkpoint``, FreshBooks'
    US/Eastern wall clock): the backend's checkpoint moves to it only when every job
    of the run is done, so a page that failed is read again by the next poll."""

    _name = "freshbooks.sync.run"
    _inherit = "connector.sync.run.mixin"
    _description = "FreshBooks sync run"
    _job_run_field = "freshbooks_run_id"
    _failure_model = "freshbooks.sync.run.failure"

    backend_id = fields.Many2one(
        "freshbooks.backend", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    api_calls = fields.Integer("FreshBooks calls")
    checkpoint = fields.Char(
        readonly=True, help="The newest change time read (US/Eastern, as FreshBooks gives it)."
    )
    job_ids = fields.One2many("queue.job", "freshbooks_run_id", "Jobs", readonly=True)
    failure_ids = fields.One2many(
        "freshbooks.sync.run.failure", "run_id", "Failed records and retries", readonly=True
    )

    def _selection_source(self):
        return SOURCES

    def refresh_from_jobs(self):
        closed = super().refresh_from_jobs()
        for run in closed.filtered(lambda r: r.state == "done" and r.checkpoint):
            run.backend_id._move_checkpoint(run.entity, run.checkpoint)
        return closed


class FreshBooksSyncRunFailure(models.Model):
    """A FreshBooks record that failed or waits for a retry (a view over queue_job)."""

    _name = "freshbooks.sync.run.failure"
    _inherit = "connector.sync.run.failure.mixin"
    _description = "FreshBooks failed record"
    _auto = False
    _run_model = "freshbooks.sync.run"

    run_id = fields.Many2one("freshbooks.sync.run", "Sync run", readonly=True)
    backend_id = fields.Many2one("freshbooks.backend", readonly=True)
    reference = fields.Char("FreshBooks reference")
