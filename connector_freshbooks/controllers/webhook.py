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

import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..api.base import errors
from ..api.webhooks import MAX_BODY, SIGNATURE_HEADER

BODY_SECONDS = 5  # a delivery is a few hundred bytes: all of it within this, or 408

_logger = logging.getLogger(__name__)


class FreshBooksWebhook(http.Controller):
    @http.route(
        "/freshbooks/webhook/<int:backend_id>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
        max_content_length=MAX_BODY,
        connector_body=(MAX_BODY, BODY_SECONDS),
    )
    def webhook(self, backend_id, **_form):
        httprequest = request.httprequest
        env = request.env(user=SUPERUSER_ID)
        backend = env["freshbooks.backend"].browse(backend_id).exists()
        try:
            if not backend or not backend.account_id:
                message = "A webhook for no FreshBooks backend of this database: refused"
                raise errors.AuthenticationError(message)
            if httprequest.mimetype != "application/x-www-form-urlencoded":
                message = "A webhook that is not a form: refused"
                raise errors.ValidationError(message)
            pairs = list(httprequest.form.items(multi=True))
            backend.receive_webhook(pairs, httprequest.headers.get(SIGNATURE_HEADER))
        except (errors.AuthenticationError, errors.ValidationError) as refused:
            _logger.warning("FreshBooks webhook to backend %s: %s", backend_id, refused)
            return request.make_response(
                "refused", headers=[("Content-Type", "text/plain")], status=401
            )
        return request.make_response("ok", headers=[("Content-Type", "text/plain")])
