# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""FreshBooks' webhook deliveries: ``/freshbooks/webhook/<backend id>``.

Nothing is imported in the request: a delivery whose signature matches queues its job
(once per event and record within the replay window) and is answered at once. Anything
else (no backend, an unsigned or wrongly signed body, another business's) gets 401, the
log holding the route, the backend's id and a fixed reason: nothing of the payload. The
body is a form of six short fields: the base bounds it before anything reads it (POST
only, a Content-Length of at most 4 KB, no chunked body, all of it within 5 seconds).
"""

from odoo import http

from odoo.addons.connector_accounting_base.controllers.webhook import (
    ConnectorWebhookController,
    webhook_route,
)

from ..api.webhooks import MAX_BODY

BODY_SECONDS = 5  # a delivery is a few hundred bytes: all of it within this, or 408


class FreshBooksWebhook(http.Controller, ConnectorWebhookController):
    @webhook_route("/freshbooks/webhook/<int:backend_id>", MAX_BODY, BODY_SECONDS)
    def webhook(self, backend_id, **_form):
        return self._webhook("freshbooks.backend", backend_id)
