# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ...jobs import JobOutcome, identity_without_run, smartbill_job


class SmartBillBackend(models.Model):
    """Completeness: every number SmartBill issued in an invoice series is in Odoo."""

    _inherit = "smartbill.backend"

    missing_count = fields.Integer("Numbers missing in Odoo", compute="_compute_missing_count")

    def _compute_missing_count(self):
        for backend in self:
            backend.missing_count = self.env["smartbill.series.gap"].search_count(
                [("backend_id", "=", backend._origin.id), ("state", "=", "missing")]
            )

    def _sync_entities(self):
        return {**super()._sync_entities(), "completeness": self.env._("Completeness")}

    def _queue_completeness(self, since=None, until=None, dry_run=False):
        run = self._new_run("completeness", "v1", dry_run=dry_run)
        self.with_delay(priority=30, identity_key=identity_without_run).check_completeness(run=run)
        return run

    @smartbill_job
    def check_completeness(self, run=None):
        """Job: every number below each invoice series' next number is imported, or
        listed as missing in Odoo / not in SmartBill (one payment-status call each)."""
        self.ensure_one()
        self.env["smartbill.series"].import_batch(self)  # today's next numbers
        counts = self.env["smartbill.series.gap"].check_backend(self)
        return JobOutcome(
            f"{counts['missing']} missing in Odoo, {counts['not_in_smartbill']} not in SmartBill",
            {"read": sum(counts.values())},
        )

    def action_check_completeness(self):
        return self._action_queue("completeness", self.env._("Completeness check queued."))

    def action_open_gaps(self):
        return self._open("smartbill.series.gap", self.env._("Invoice numbers missing in Odoo"))
