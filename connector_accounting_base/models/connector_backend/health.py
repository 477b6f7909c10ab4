# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models


class ConnectorAccountingBackend(models.AbstractModel):
    """The health checks every connector shares, as alert causes
    (``{(kind, key): message}``, see ``_update_alerts``): records that keep failing, and
    jobs that wait while no job starts (the job runner is not running)."""

    _inherit = "connector.accounting.backend"

    runner_alert_minutes = fields.Integer(
        "Jobs waiting alert (minutes)",
        default=10,
        help="An alert opens when the backend's jobs have waited this long and no job started "
        "meanwhile: the job runner is not running, or cannot reach Odoo.",
    )
    failing_alert_tries = fields.Integer(
        "Failing record alert (tries)",
        default=3,
        help="An alert opens when a record failed after this many tries.",
    )

    @api.model
    def _cron_check_health(self):
        for backend in self.search(self._health_domain()):
            backend.check_health()

    def _health_domain(self):
        """The backends the health cron checks."""
        return [("active", "=", True)]

    @api.private
    def check_health(self):
        """Open the alerts whose cause is there, close those whose cause is gone (of the
        kinds ``_health_kinds``: an alert a connector opens elsewhere is left alone)."""
        for backend in self:
            backend._update_alerts(
                backend._health_causes(fields.Datetime.now()), backend._health_kinds()
            )

    def _health_causes(self, now):
        """``{(kind, key): message}``: the causes of alert there are now."""
        return {**self._failing_causes(), **self._runner_causes(now)}

    def _health_kinds(self):
        """The kinds of alert :meth:`check_health` opens and closes (None: every kind)."""
        return None

    def _failing_causes(self):
        failures = self.env["connector.sync.run.failure"].search(
            [
                *self._runs_domain(),
                ("state", "=", "failed"),
                ("tries", ">=", self.failing_alert_tries),
            ]
        )
        if not failures:
            return {}
        references = sorted(set(failures.mapped("reference")))
        return {
            ("failing", False): self.env._(
                "%(count)s records failed %(tries)s times or more: %(refs)s. Fix the cause, "
                "then Retry failed.",
                count=len(references),
                tries=self.failing_alert_tries,
                refs=", ".join(references[:10]) + (" ..." if len(references) > 10 else ""),
            )
        }

    def _runner_causes(self, now):
        """Jobs waiting longer than the threshold while no job started meanwhile."""
        cutoff = now - timedelta(minutes=self.runner_alert_minutes)
        jobs = self.env["queue.job"].sudo()
        domain = self._jobs_domain()
        waiting = jobs.search_count(
            [
                *domain,
                ("state", "in", ("pending", "enqueued")),
                ("date_created", "<", cutoff),
                "|",
                ("eta", "=", False),
                ("eta", "<", cutoff),
            ]
        )
        if not waiting:
            return {}
        started = jobs.search_count(
            ["|", ("state", "=", "started"), ("date_started", ">=", cutoff)], limit=1
        )
        if started:
            return {}
        return {
            ("runner", False): self.env._(
                "%(count)s %(connector)s jobs have waited more than %(minutes)s minutes and no "
                "job started meanwhile: the job runner is not running or cannot reach Odoo "
                "(see the deployment guide in the README).",
                count=waiting,
                connector=self._alert_source(),
                minutes=self.runner_alert_minutes,
            )
        }
