# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import UTC, datetime

from odoo import fields, models
from odoo.tools.safe_eval import safe_eval

from ...api import V1_LIMIT, V3_LIMIT, shared_limiter


class SmartBillBackend(models.Model):
    """The operations dashboard: runs in progress and failed, what failed and since
    when, the rate limit's state, and the way to the records behind each figure."""

    _inherit = "smartbill.backend"

    partner_count = fields.Integer(compute="_compute_dashboard")
    product_count = fields.Integer(compute="_compute_dashboard")
    failed_job_count = fields.Integer("Failed jobs", compute="_compute_dashboard")
    running_run_count = fields.Integer("Runs in progress", compute="_compute_dashboard")
    failed_run_count = fields.Integer("Runs with failures", compute="_compute_dashboard")
    oldest_failure = fields.Datetime(
        compute="_compute_dashboard", help="When the oldest failure still to fix happened."
    )
    v1_calls_left = fields.Integer(
        "V1 calls left",
        compute="_compute_rate_state",
        help="Calls the Odoo processes may still send in the current window (the window "
        "is kept in the database, shared by every process).",
    )
    v3_calls_left = fields.Integer("V3 reads left", compute="_compute_rate_state")
    blocked_until = fields.Datetime(
        "Blocked until",
        compute="_compute_rate_state",
        help="SmartBill blocked the token (403/429): no call is sent before this time.",
    )
    rate_limit_waits = fields.Integer(
        "Rate-limit waits",
        compute="_compute_rate_state",
        help="Times this process waited for a free slot rather than be refused.",
    )

    def _compute_dashboard(self):
        runs = self.env["smartbill.sync.run"]
        jobs = self.env["queue.job"].sudo()
        for backend in self:
            domain = [("backend_id", "=", backend._origin.id)]
            backend.partner_count = self.env["smartbill.res.partner"].search_count(domain)
            backend.product_count = self.env["smartbill.product.product"].search_count(domain)
            backend.failed_job_count = self.env["smartbill.sync.run.failure"].search_count(
                [*domain, ("state", "=", "failed")]
            )
            backend.running_run_count = runs.search_count([*domain, ("state", "=", "running")])
            backend.failed_run_count = runs.search_count([*domain, ("state", "=", "failed")])
            first_job = jobs.search(
                [*backend._jobs_domain(), ("state", "=", "failed")], order="date_created", limit=1
            )
            first_document = self.env["smartbill.document"].search(
                [*domain, ("state", "=", "failed")], order="create_date", limit=1
            )
            dates = [d for d in (first_job.date_created, first_document.create_date) if d]
            backend.oldest_failure = min(dates) if dates else False

    def _limiter_states(self):
        """The limiters' state of this backend's tokens (their window is shared)."""
        backend = self.sudo()
        states = {}
        for kind, token, published, calls in (
            ("v1", backend.v1_token, V1_LIMIT, backend.v1_rate_limit),
            ("v3", backend.v3_token, V3_LIMIT, backend.v3_rate_limit),
        ):
            if token:
                limiter = shared_limiter(kind, token, **self._limits(published, calls))
                states[kind] = limiter.state()
        return states

    def _compute_rate_state(self):
        for backend in self:
            states = backend._limiter_states() if backend._origin.id else {}
            backend.v1_calls_left = states.get("v1", {}).get("calls_left", 0)
            backend.v3_calls_left = states.get("v3", {}).get("calls_left", 0)
            blocked = [s["blocked_until"] for s in states.values() if s["blocked_until"]]
            backend.blocked_until = (
                datetime.fromtimestamp(max(blocked), UTC).replace(tzinfo=None) if blocked else False
            )
            backend.rate_limit_waits = sum(s["waits"] for s in states.values())

    def action_open_runs(self):
        return self._open("smartbill.sync.run", self.env._("SmartBill sync runs"))

    def action_open_failed_runs(self):
        action = self.action_open_runs()
        action["domain"] = [*action["domain"], ("state", "=", "failed")]
        return action

    def _open_runs_action(self, xmlid):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [*safe_eval(action["domain"] or "[]"), ("backend_id", "in", self.ids)]
        return action

    def action_open_run_graph(self):
        """Records, SmartBill calls and failures per day."""
        return self._open_runs_action("connector_smartbill.smartbill_sync_run_action_graph")

    def action_open_rate_graph(self):
        """The share of the rate limit the runs used, per day."""
        return self._open_runs_action("connector_smartbill.smartbill_sync_run_action_rate")

    def action_open_partners(self):
        return self._open("smartbill.res.partner", self.env._("SmartBill partners"))

    def action_open_products(self):
        return self._open("smartbill.product.product", self.env._("SmartBill products"))

    def action_open_failed_jobs(self):
        """The records that failed (jobs out of tries, documents that cannot be booked)."""
        action = self._open("smartbill.sync.run.failure", self.env._("Failed SmartBill records"))
        action.update(view_mode="list", domain=[*action["domain"], ("state", "=", "failed")])
        return action

    def action_retry_failed(self):
        """Requeue every failed job and import every failed document again."""
        self._check_manager()
        # the runs that have a failed job, closed or not: a run is closed by the cron
        # once all its jobs ended, and a job that failed meanwhile waits for no cron
        failed = (
            self.env["queue.job"]
            .sudo()
            .search([("state", "=", "failed"), ("smartbill_run_id.backend_id", "in", self.ids)])
        )
        runs = self.env["smartbill.sync.run"].browse(failed.smartbill_run_id.ids)
        jobs = runs.action_retry_failed()
        documents = self.env["smartbill.document"].search(
            [
                ("backend_id", "in", self.ids),
                ("state", "=", "failed"),
                "|",
                ("attachment_id", "!=", False),
                ("unread", "=", True),  # its source could not give it: fetched again
            ]
        )
        documents.action_retry()
        return self._notify_queued(
            self.env._(
                "%(jobs)s failed jobs and %(documents)s failed documents queued again.",
                jobs=jobs,
                documents=len(documents),
            )
        )
