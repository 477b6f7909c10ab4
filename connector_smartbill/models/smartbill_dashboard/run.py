# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

LIMITED = {"v1": "v1_rate_limit", "v3": "v3_rate_limit"}  # sources with a call budget


class ConnectorSyncRun(models.Model):
    """What SmartBill's dashboard graphs measure on a run."""

    _inherit = "connector.sync.run"

    rate_share = fields.Float(
        "Rate limit used (%)",
        compute="_compute_rate_share",
        store=True,
        aggregator="avg",
        digits=(5, 1),
        help="The SmartBill calls of a finished run, in % of the calls its API allowed in "
        "the run's time (a window at least).",
        readonly=True,
    )

    @api.depends("api_calls", "started", "finished", "source", "connector")
    def _compute_rate_share(self):
        for run in self:
            limit_field = LIMITED.get(run.source)
            if not (run.connector == "smartbill" and limit_field and run.finished and run.started):
                run.rate_share = 0.0
                continue
            backend = run._backend().sudo()
            window = backend.rate_limit_window or 10.0
            seconds = max((run.finished - run.started).total_seconds(), window)
            allowed = seconds / window * (backend[limit_field] or 1)
            run.rate_share = min(100.0, 100.0 * run.api_calls / allowed)
