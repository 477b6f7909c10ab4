# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

REPLAY_WINDOW = 60  # seconds: a delivery of the same event and record within it is a replay


class ConnectorWebhookEvent(models.Model):
    """The last accepted webhook delivery of each event and record, per backend: a
    delivery of the same event and record within ``REPLAY_WINDOW`` seconds (a replay, a
    burst of copies, a retry while its job is queued, running or just done) adds no job
    and no call to the source. A change made later is a new delivery; one made inside the
    window is read by the polling behind the webhooks."""

    _name = "connector.webhook.event"
    _description = "Connector webhook delivery"
    _log_access = False

    backend_ref = fields.Char(required=True, readonly=True)  # "model,id"
    event = fields.Char(required=True, readonly=True)
    object_ref = fields.Char(required=True, readonly=True)
    received = fields.Datetime(required=True, readonly=True, index=True)

    _event_uniq = models.Constraint(
        "unique(backend_ref, event, object_ref)", "One row per backend, event and record."
    )

    @api.model
    def _first_delivery(self, backend, event, object_ref, window=REPLAY_WINDOW):
        """Whether this delivery is the first of its event and record within ``window``
        seconds (recorded, atomically across workers: of concurrent copies one is)."""
        ref = f"{backend._name},{backend.id}"
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO connector_webhook_event (backend_ref, event, object_ref, received)
                VALUES (%(ref)s, %(event)s, %(object)s, now() at time zone 'UTC')
                ON CONFLICT (backend_ref, event, object_ref) DO UPDATE
                   SET received = EXCLUDED.received
                 WHERE connector_webhook_event.received
                       < EXCLUDED.received - make_interval(secs => %(window)s)
                RETURNING id
                """,
                ref=ref,
                event=event,
                object=str(object_ref),
                window=window,
            )
        )
        if rows:
            self.env.execute_query(
                SQL(
                    "DELETE FROM connector_webhook_event WHERE backend_ref = %s "
                    "AND received < (now() at time zone 'UTC') - make_interval(secs => %s)",
                    ref,
                    window,
                )
            )
        return bool(rows)
