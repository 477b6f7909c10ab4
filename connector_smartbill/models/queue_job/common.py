# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class QueueJob(models.Model):
    """A SmartBill job knows its sync run, the SmartBill record it works on, and what it
    did (filled by queue_job when it stores the job, see ``smartbill.job.mixin``)."""

    _inherit = "queue.job"

    smartbill_run_id = fields.Many2one(
        "smartbill.sync.run", "SmartBill sync run", index="btree_not_null", readonly=True
    )
    smartbill_ref = fields.Char("SmartBill reference", readonly=True)
    smartbill_counts = fields.Json("SmartBill counts", readonly=True)
    smartbill_calls = fields.Integer("SmartBill calls", readonly=True)
    smartbill_waits = fields.Integer("Rate-limit waits", readonly=True)
    smartbill_failed = fields.Boolean(
        "SmartBill record failed",
        readonly=True,
        help="The job ended but could not import its record (e.g. a document SmartBill "
        "sent that cannot be booked): the reason is the job's result.",
    )
    smartbill_error_class = fields.Char(
        "SmartBill error", readonly=True, help="Why the record could not be imported."
    )


class SmartBillJobMixin(models.AbstractModel):
    """Models whose methods are SmartBill jobs: tell queue_job what to store with
    each job (called by queue_job at every store of the job)."""

    _name = "smartbill.job.mixin"
    _description = "SmartBill job values"

    def _job_store_values(self, job):
        run = job.kwargs.get("run")
        values = {}
        if self.exists():  # a job may delete its record (a document found stored already)
            values["smartbill_ref"] = self._smartbill_job_ref(job)
        if run:
            values["smartbill_run_id"] = run.id
        outcome = job.result
        if hasattr(outcome, "counts"):
            values.update(
                smartbill_counts=outcome.counts,
                smartbill_calls=outcome.calls,
                smartbill_waits=outcome.waits,
                smartbill_failed=bool(outcome.counts.get("failed")),
                smartbill_error_class=outcome.error_class,
            )
        return values

    def _smartbill_job_ref(self, job):
        """The SmartBill record a job works on, as people know it."""
        if job.method_name == "import_record":
            return job.args[1]
        if job.method_name == "import_records" and len(job.args[1]) == 1:
            return job.args[1][0][0]
        return self.display_name if len(self) == 1 else False
