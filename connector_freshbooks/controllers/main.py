# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The two ends of *Connect to FreshBooks*: the start, which sends the manager to
FreshBooks' authorize page, and the callback FreshBooks sends them back to (the redirect
URI registered with the app: ``<web.base.url>/freshbooks/auth/callback``)."""

import logging
import re

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessDenied, UserError
from odoo.http import request

from ..api.base import errors

_logger = logging.getLogger(__name__)
# every parameter strictly in its form and bounded: anything else is a 400, never a 500
PARAMETERS = {
    "backend_id": re.compile(r"[0-9]{1,9}", re.ASCII),
    "state": re.compile(r"[A-Za-z0-9_.=-]{1,512}", re.ASCII),
    "code": re.compile(r"[A-Za-z0-9_.~-]{1,512}", re.ASCII),
    "error": re.compile(r"[a-z_]{1,64}", re.ASCII),
}


def bad_parameters(**values):
    """A 400 naming the first parameter not in its form, or None."""
    for name, value in values.items():
        if value is not None and not (isinstance(value, str) and PARAMETERS[name].fullmatch(value)):
            return request.make_response(
                f"Invalid parameter: {name}",
                headers=[("Content-Type", "text/plain; charset=utf-8")],
                status=400,
            )
    return None


class FreshBooksAuth(http.Controller):
    @http.route("/freshbooks/auth/start", type="http", auth="user", methods=["GET"])
    def start(self, backend_id=None, **kwargs):
        refused = bad_parameters(backend_id=backend_id or "")
        if refused:
            return refused
        backend = request.env["freshbooks.backend"].browse(int(backend_id)).exists()
        if not backend:
            raise NotFound()
        return request.redirect(backend._authorize_url(), local=False)

    @http.route("/freshbooks/auth/callback", type="http", auth="user", methods=["GET"])
    def callback(self, state=None, code=None, error=None, **kwargs):
        refused = bad_parameters(state=state or None, code=code or None, error=error or None)
        if refused:
            return refused
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
