# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class QueueJob(models.Model):
    """A connector's job knows the record it works on and what it did (filled by
    queue_job when it stores the job, see ``connector.job.mixin``) and the sync run it
    works for (``connector_run_id``)."""

    _inherit = "queue.job"

    connector_run_id = fields.Many2one(
        "connector.sync.run", "Sync run", index="btree_not_null", readonly=True
    )
    connector_ref = fields.Char("Source reference", readonly=True)
    connector_counts = fields.Json("Record counts", readonly=True)
    connector_calls = fields.Integer("API calls", readonly=True)
    connector_waits = fields.Integer("Rate-limit waits", readonly=True)
    connector_failed = fields.Boolean(
        "Record failed",
        readonly=True,
        help="The job ended but could not import its record (e.g. a document the source "
        "sent that cannot be booked): the reason is the job's result.",
    )
    connector_error_class = fields.Char(
        "Record error", readonly=True, help="Why the record could not be imported."
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A connector's job is its backend's company's, whoever queued it (a cron, a
        webhook, a user of another company): queue_job's multi-company rule then shows
        it to that company's users (queue_job takes the company of the queuing user)."""
        run_ids = {vals["connector_run_id"] for vals in vals_list if vals.get("connector_run_id")}
        runs = self.env["connector.sync.run"].sudo().browse(run_ids)
        companies = {run.id: run.company_id.id for run in runs}
        for vals in vals_list:
            if vals.get("connector_run_id"):
                vals["company_id"] = companies[vals["connector_run_id"]]
        return super().create(vals_list)


class ConnectorJobMixin(models.AbstractModel):
    """Models whose methods are a connector's jobs: tell queue_job what to store with
    each job (called by queue_job at every store of the job). A job given a ``run``
    (a ``connector.sync.run``) is linked to it."""

    _name = "connector.job.mixin"
    _description = "Connector job values"

    def _job_store_values(self, job):
        run = job.kwargs.get("run")
        values = {}
        # a job may delete its record (a document found stored already); a model's job
        # (an import of the source's record) has none
        if not self or self.exists():
            values["connector_ref"] = self._connector_job_ref(job)
        if run:
            values["connector_run_id"] = run.id
        outcome = job.result
        if hasattr(outcome, "counts"):
            values.update(
                connector_counts=outcome.counts,
                connector_calls=outcome.calls,
                connector_waits=outcome.waits,
                connector_failed=bool(outcome.counts.get("failed")),
                connector_error_class=outcome.error_class,
            )
        return values

    def _connector_job_ref(self, job):
        """The source's record a job works on, as people know it."""
        if job.method_name == "import_record":
            return job.args[1]
        if job.method_name == "import_records" and len(job.args[1]) == 1:
            return job.args[1][0][0]
        return self.display_name if len(self) == 1 else False
