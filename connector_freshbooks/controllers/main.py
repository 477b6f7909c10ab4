# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The two ends of *Connect to FreshBooks*: the start, which sends the manager to
FreshBooks' authorize page, and the callback FreshBooks sends them back to (the redirect
URI registered with the app: ``<web.base.url>/freshbooks/auth/callback``)."""

import logging

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessDenied, UserError
from odoo.http import request

from ..api.base import errors

_logger = logging.getLogger(__name__)


class FreshBooksAuth(http.Controller):
    @http.route("/freshbooks/auth/start", type="http", auth="user", methods=["GET"])
    def start(self, backend_id=None, **kwargs):
        backend_id = int(backend_id) if str(backend_id or "").isdigit() else 0
        backend = request.env["freshbooks.backend"].browse(backend_id).exists()
        if not backend:
            raise NotFound()
        return request.redirect(backend._authorize_url(), local=False)

    @http.route("/freshbooks/auth/callback", type="http", auth="user", methods=["GET"])
    def callback(self, state=None, code=None, error=None, **kwargs):
        try:
            backend = request.env["freshbooks.backend"]._backend_of_state(state or "")
        except AccessDenied as refused:
            # the reason only: nothing of the request (its code or state) is logged
            _logger.warning("FreshBooks authorization refused: %s", refused)
            return request.make_response(
                f"FreshBooks authorization refused: {refused}",
                headers=[("Content-Type", "text/plain; charset=utf-8")],
                status=403,
            )
        if error or not code:
            message = request.env._(
                "FreshBooks did not authorize the connection (%s).", error or "no code"
            )
        else:
            try:
                backend._connect_with_code(code)
                message = None
            except (errors.ConnectorError, UserError) as failure:
                message = request.env._("Connecting to FreshBooks failed: %s", failure)
        if message:
            # the state is spent either way (committed with this request)
            backend.message_post(body=message)
        return request.redirect(f"/odoo/freshbooks.backend/{backend.id}")
