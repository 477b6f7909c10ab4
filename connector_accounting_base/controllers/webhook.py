# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A source's webhook deliveries, the frame: a connector's route (``auth="none"``, POST
only, ``connector_body`` bounding it before it is read: see ``models/ir_http``) hands the
request here with its backend model. Nothing is imported in the request: the backend's
``receive_webhook(pairs, headers)`` checks the delivery (the source's signature rule)
and queues its job; anything it refuses, or a request for no backend, is answered 401
with the route, the backend's id and a fixed reason in the log, nothing of the payload."""

import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..api import errors

_logger = logging.getLogger(__name__)
FORM = "application/x-www-form-urlencoded"


def webhook_route(path, limit, seconds):
    """The route of a source's deliveries: POST only, no session, no CSRF token (the
    source signs instead), its body bounded to ``limit`` bytes read within ``seconds``
    before anything reads it."""
    return http.route(
        path,
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
        max_content_length=limit,
        connector_body=(limit, seconds),
    )


class ConnectorWebhookController:
    """A source's deliveries, for a connector's controller to call from its route:
    ``class X(http.Controller, ConnectorWebhookController)`` (a frame, not a controller:
    see ``ConnectorOAuthController``)."""

    def _webhook(self, model, backend_id, mimetype=FORM):
        httprequest = request.httprequest
        backends = request.env(user=SUPERUSER_ID)[model]
        # an id past PostgreSQL's integers is no backend (not a database error)
        backend = backends.browse(backend_id).exists() if 0 < backend_id < 2**31 else backends
        source = backends._alert_source()
        try:
            if not backend or not backend._webhook_ready():
                message = "A webhook for no backend of this database: refused"
                raise errors.AuthenticationError(message)
            if httprequest.mimetype != mimetype:
                message = "A webhook that is not in the source's format: refused"
                raise errors.ValidationError(message)
            pairs = list(httprequest.form.items(multi=True))
            backend.receive_webhook(pairs, httprequest.headers)
        except (errors.AuthenticationError, errors.ValidationError) as refused:
            _logger.warning("%s webhook to backend %s: %s", source, backend_id, refused)
            return request.make_response(
                "refused", headers=[("Content-Type", "text/plain")], status=401
            )
        return request.make_response("ok", headers=[("Content-Type", "text/plain")])
