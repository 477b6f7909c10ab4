# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The two ends of an OAuth *Connect* (``connector.oauth.mixin``): the start, which sends
the manager to the source's authorize page, and the callback the source sends them back
to. A connector's controller gives them its routes and its backend model. Every
parameter is strictly in its form and bounded: anything else is a 400, never a 500."""

import logging
import re

from werkzeug.exceptions import NotFound

from odoo.exceptions import AccessDenied, UserError
from odoo.http import request

from ..api import errors

_logger = logging.getLogger(__name__)
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


class ConnectorOAuthController:
    """The two ends of *Connect*, for a connector's controller to call from its own
    routes: ``class X(http.Controller, ConnectorOAuthController)``. A frame, not a
    controller: two connectors subclassing one ``http.Controller`` would be merged by
    Odoo into one class, their routes of the same method name hiding each other. The
    routes are the connector's; these are what they do."""

    def _oauth_start(self, model, backend_id):
        refused = bad_parameters(backend_id=backend_id or "")
        if refused:
            return refused
        backend = request.env[model].browse(int(backend_id)).exists()
        if not backend:
            raise NotFound()
        return request.redirect(backend._authorize_url(), local=False)

    def _oauth_callback(self, model, state, code, error):
        refused = bad_parameters(state=state or None, code=code or None, error=error or None)
        if refused:
            return refused
        source = request.env[model]._alert_source()
        try:
            backend = request.env[model]._backend_of_state(state or "")
        except AccessDenied as denied:
            # the reason only: nothing of the request (its code or state) is logged
            _logger.warning("%s authorization refused: %s", source, denied)
            return request.make_response(
                f"{source} authorization refused: {denied}",
                headers=[("Content-Type", "text/plain; charset=utf-8")],
                status=403,
            )
        if error or not code:
            message = request.env._(
                "%(system)s did not authorize the connection (%(error)s).",
                system=source,
                error=error or "no code",
            )
        else:
            try:
                backend._connect_with_code(code)
                message = None
            except (errors.ConnectorError, UserError) as failure:
                message = request.env._(
                    "Connecting to %(system)s failed: %(failure)s", system=source, failure=failure
                )
        if message:
            # the state is spent either way (committed with this request)
            backend.message_post(body=message)
        return request.redirect(f"/odoo/{model}/{backend.id}")
