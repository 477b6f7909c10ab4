# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Public routes bounded before a byte of their body is read.

Odoo parses a request's form before its controller runs, and werkzeug applies a route's
``max_content_length`` only where a Content-Length is sent: a chunked body is read whole
first, and a slow sender holds a worker for as long as it likes. A route declared with
``connector_body=(limit, seconds)`` (besides Odoo's own keys) is checked here, in
``ir.http._pre_dispatch``, which runs after routing and before anything reads the body:

* a method the route does not declare: 405;
* a chunked body, or one announced longer than ``limit`` bytes: 413, nothing read;
* a body not fully arrived within ``seconds``: 408, at most ``limit`` bytes read;
* otherwise the body, read here, is what Odoo's form parser reads.

Every refusal closes the connection (nothing of the body is drained) and is logged as
the route, its arguments (the backend's id) and a fixed reason: nothing of the request.
A reverse proxy in front of Odoo should bound these paths as well (README, deployment).
"""

import logging
import time

import werkzeug.exceptions

from odoo import models
from odoo.http import Response, request

_logger = logging.getLogger(__name__)
READ_SIZE = 1024


class Refusal(werkzeug.exceptions.HTTPException):
    """A bounded route's refusal: the status, a fixed text, the connection closed."""

    def __init__(self, status, reason, allow=None):
        headers = [("Content-Type", "text/plain"), ("Connection", "close")]
        if allow:
            headers.append(("Allow", ", ".join(allow)))
        super().__init__(reason, Response(reason, status=status, headers=headers))
        self.reason = reason


def _read_within(httprequest, length, limit, seconds):
    """The ``length`` bytes of the body, each read waiting at most for what is left of
    ``seconds`` (one socket read at a time: a sender trickling bytes gains nothing)."""
    environ = httprequest._HTTPRequest__environ  # the raw one (Odoo filters the socket)
    stream = environ["wsgi.input"]
    sock = environ.get("socket")
    read = getattr(stream, "read1", stream.read)
    previous = sock.gettimeout() if sock else None
    deadline = time.monotonic() + seconds
    chunks, size = [], 0
    try:
        while size < length:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Refusal(408, "The request body did not arrive in time.")
            if sock:
                sock.settimeout(left)
            chunk = read(min(READ_SIZE, length - size, limit - size))
            if not chunk:
                raise Refusal(400, "The request body is shorter than announced.")
            chunks.append(chunk)
            size += len(chunk)
    except (TimeoutError, OSError):
        raise Refusal(408, "The request body did not arrive in time.") from None
    finally:
        if sock:
            sock.settimeout(previous)
    return b"".join(chunks)


def read_bounded_body(httprequest, methods, limit, seconds):
    """The request's body under the route's bounds, or a :class:`Refusal`."""
    if httprequest.method not in methods:
        raise Refusal(405, "Method not allowed.", allow=methods)
    if "chunked" in (httprequest.headers.get("Transfer-Encoding") or "").lower():
        raise Refusal(413, "A chunked request body is not accepted here.")
    announced = httprequest.headers.get("Content-Length") or "0"
    if not (announced.isascii() and announced.isdigit() and len(announced) <= 12):
        raise Refusal(400, "An invalid Content-Length.")
    if int(announced) > limit:
        raise Refusal(413, "The request body is too large.")
    return _read_within(httprequest, int(announced), limit, seconds)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        routing = rule.endpoint.routing
        if routing.get("connector_body"):
            limit, seconds = routing["connector_body"]
            httprequest = request.httprequest
            try:
                body = read_bounded_body(
                    httprequest, routing.get("methods") or ["POST"], limit, seconds
                )
            except Refusal as refusal:
                _logger.warning("%s %s refused: %s", rule.rule, dict(args), refusal.reason)
                raise
            # Odoo's form parser reads the body from here (werkzeug's cached data)
            httprequest._HTTPRequest__wrapped._cached_data = body
        return super()._pre_dispatch(rule, args)
