# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.connector_accounting_base.jobs import (
    JobOutcome,
    connector_job,
    identity_without_run,
)

COMPLETENESS_PAGE = 50  # calls of one job: a page done is kept, whatever comes after


class SmartBillBackend(models.Model):
    """Completeness: every number SmartBill issued in an invoice series is in Odoo."""

    _inherit = "smartbill.backend"

    missing_count = fields.Integer("Numbers missing in Odoo", compute="_compute_missing_count")
    completeness_since = fields.Date(
        "Check numbers from",
        help="The completeness check starts at the first number issued on or after this "
        "day (default: at the first number imported).",
    )
    completeness_budget = fields.Integer(
        "Completeness calls per run",
        default=300,
        help="SmartBill calls one completeness run may make (one per number not in Odoo); "
        "the next run goes on from where this one stopped.",
    )

    def _compute_missing_count(self):
        for backend in self:
            backend.missing_count = self.env["smartbill.series.gap"].search_count(
                [("backend_id", "=", backend._origin.id), ("state", "=", "missing")]
            )

    def _sync_entities(self):
        return {**super()._sync_entities(), "completeness": self.env._("Completeness")}

    def _queue_completeness(self, since=None, until=None, dry_run=False):
        """The check of every invoice series, in pages; with ``since`` (a re-sync of a
        period), the numbers issued from then on are checked again."""
        if since and not dry_run:
            self.env["smartbill.series.gap"].forget(self, since)
        run = self._new_run("completeness", "v1", date_from=since, dry_run=dry_run)
        job = self.with_delay(priority=30, identity_key=identity_without_run)
        return self._run_of(run, job.check_completeness(run=run))

    @connector_job
    def check_completeness(self, budget=None, run=None):
        """Job: a page of the completeness check (at most *Completeness page* SmartBill
        calls), then the next page in a job of its own, until every series is checked up
        to its next number or the run's budget (*Completeness calls per run*) is spent.
        A page that dies is done again from where the last one stopped."""
        self.ensure_one()
        if budget is None:  # the run's first page
            budget = self.completeness_budget
            self.env["smartbill.series"].import_batch(self)  # today's next numbers
        asked, left = self.env["smartbill.series.gap"].check_page(
            self, min(budget, COMPLETENESS_PAGE)
        )
        if left is None and budget - asked > 0:
            self.with_delay(priority=30).check_completeness(budget=budget - asked, run=run)
        gaps = self.env["smartbill.series.gap"]
        missing = gaps.search_count([("backend_id", "=", self.id), ("state", "=", "missing")])
        deleted = gaps.search_count(
            [("backend_id", "=", self.id), ("state", "=", "not_in_smartbill")]
        )
        return JobOutcome(
            f"{missing} missing in Odoo, {deleted} not in SmartBill",
            {"read": asked},
        )

    def action_check_completeness(self):
        return self._action_queue("completeness", self.env._("Completeness check queued."))

    def action_open_gaps(self):
        return self._open("smartbill.series.gap", self.env._("Invoice numbers missing in Odoo"))
