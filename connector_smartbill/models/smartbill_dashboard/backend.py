# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import UTC, datetime

from odoo import fields, models
from odoo.tools.safe_eval import safe_eval

from ...api import V1_LIMIT, V3_LIMIT, shared_limiter


class SmartBillBackend(models.Model):
    """The operations dashboard: runs in progress and failed, what failed and since
    when (the base's figures, with the documents that failed), the rate limit's state,
    and the way to the records behind each figure."""

    _inherit = "smartbill.backend"

    partner_count = fields.Integer(compute="_compute_dashboard")
    product_count = fields.Integer(compute="_compute_dashboard")
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
        for backend in self:
            domain = [("backend_id", "=", backend._origin.id)]
            backend.partner_count = self.env["smartbill.res.partner"].search_count(domain)
            backend.product_count = self.env["smartbill.product.product"].search_count(domain)

    def _oldest_failures(self):
        first_document = self.env["smartbill.document"].search(
            [("backend_id", "=", self._origin.id), ("state", "=", "failed")],
            order="create_date",
            limit=1,
        )
        return [*super()._oldest_failures(), first_document.create_date]

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

    def _open_runs_action(self, xmlid):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [*safe_eval(action["domain"] or "[]"), *self._runs_domain()]
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

    def action_retry_failed(self):
        """Requeue every failed job and import every failed document again."""
        jobs = self._retry_failed_jobs()
        documents = (
            self.env["smartbill.document"]
            .search([("backend_id", "in", self.ids), ("state", "=", "failed")])
            .filtered("retriable")  # not ANAF's refusals: they hold no invoice
        )
        documents.action_retry()
        return self._notify_queued(
            self.env._(
                "%(jobs)s failed jobs and %(documents)s failed documents queued again.",
                jobs=jobs,
                documents=len(documents),
            )
        )
