# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Health: the checks that open and close a FreshBooks backend's alerts (every 10
minutes): an entity not polled successfully for too long, records that keep failing,
jobs that do not start, and webhooks silent while polling finds changes (the callbacks
are gone or cannot reach Odoo: polling alone catches up, within its interval)."""

from datetime import timedelta

from odoo import fields, models

CHECKED = ["stale", "failing", "runner", "webhooks"]


class FreshBooksBackend(models.Model):
    _inherit = "freshbooks.backend"

    stale_alert_hours = fields.Integer(
        "No successful poll alert (hours)",
        default=2,
        help="An alert opens when an entity has had no successful poll for longer (0: never).",
    )
    webhook_alert_hours = fields.Integer(
        "Silent webhooks alert (hours)",
        default=2,
        help="An alert opens when, over this long, polling found changes and no webhook "
        "came (0: never).",
    )

    def _health_domain(self):
        return [("state", "!=", "draft")]

    def _health_causes(self, now):
        return {
            **super()._health_causes(now),
            **self._stale_causes(now),
            **self._webhook_causes(now),
        }

    def _health_kinds(self):
        return CHECKED  # reconnect: opened and closed by the connection itself

    def _polls(self, **domain):
        return self.env["connector.sync.run"].search(
            [*self._runs_domain(), ("source", "=", "polling")]
            + [(name, "=", value) for name, value in domain.items()],
            order="started desc",
        )

    def _stale_causes(self, now):
        if not self.stale_alert_hours:
            return {}
        causes = {}
        limit = now - timedelta(hours=self.stale_alert_hours)
        for entity, label in self._sync_entities().items():
            polls = self._polls(entity=entity)
            if not polls:
                continue  # never polled: nothing to be late on
            done = polls.filtered(lambda run: run.state == "done")[:1]
            since = done.finished or polls[-1].started
            if since < limit:
                causes["stale", entity] = self.env._(
                    "%(entity)s: no successful poll since %(since)s (alert after %(hours)s "
                    "hours). Last run: %(run)s.",
                    entity=label,
                    since=done.finished or self.env._("ever"),
                    hours=self.stale_alert_hours,
                    run=polls[0].display_name,
                )
        return causes

    def _webhook_causes(self, now):
        if not (self.webhook_alert_hours and self.webhook_ids.filtered("verified")):
            return {}
        since = now - timedelta(hours=self.webhook_alert_hours)
        runs = self.env["connector.sync.run"].search(
            [*self._runs_domain(), ("started", ">=", since)]
        )
        polled = runs.filtered(lambda r: r.source == "polling" and r.state == "done")
        changes = sum(polled.mapped("created_count")) + sum(polled.mapped("updated_count"))
        if not changes or runs.filtered(lambda r: r.source == "webhook"):
            return {}
        return {
            ("webhooks", False): self.env._(
                "In the last %(hours)s hours polling found %(changes)s changes and no webhook "
                "came: register the webhooks again, and check that FreshBooks reaches "
                "%(uri)s.",
                hours=self.webhook_alert_hours,
                changes=changes,
                uri=self._webhook_uri(),
            )
        }


class ConnectorAlert(models.Model):
    _inherit = "connector.alert"

    kind = fields.Selection(
        selection_add=[("webhooks", "Webhooks silent")], ondelete={"webhooks": "cascade"}
    )
