"""One error hierarchy for every outside system a connector calls.

Callers act on the class: ``retryable`` errors are worth another try later (a queue job
retry), the others need a person (credentials, permissions, bad data). Messages are the
server's own text with the HTML stripped; they never contain a credential.
"""

import html
import math
import re
import time
from datetime import UTC, datetime

MAX_PAUSE = 3600.0  # seconds: a server asking to wait longer is not waited for

_HIDDEN_DETAILS = re.compile(
    r"<div[^>]*id=[\"']moreErrorDetails[\"'][^>]*>.*?</div>", re.IGNORECASE | re.DOTALL
)
_BREAK = re.compile(r"<(?:br|/p|/div|/li|/h\d)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def strip_html(text):
    """A server's error text (SmartBill's ``errorText``) as plain text: tags removed,
    hidden details dropped."""
    text = _HIDDEN_DETAILS.sub(" ", text or "")
    text = _BREAK.sub(" ", text)
    text = html.unescape(_TAG.sub("", text))
    return _SPACES.sub(" ", text).strip()


class ConnectorError(Exception):
    """Base class. ``status`` is the HTTP status (None without an answer), ``code`` the
    machine-readable code when the server sends one (SmartBill V3's ``errors[].code``,
    an OAuth ``error``)."""

    retryable = False

    def __init__(self, message, *, status=None, code=None, endpoint=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.endpoint = endpoint

    def scrubbed(self, redact, endpoint):
        """This error with every secret removed from its message (and args)."""
        self.message = redact(self.message)
        self.args = (self.message,)
        self.endpoint = endpoint
        return self

    def __str__(self):
        where = f" [{self.endpoint}]" if self.endpoint else ""
        status = f"HTTP {self.status}: " if self.status else ""
        return f"{status}{self.message}{where}"


class AuthenticationError(ConnectorError):
    """Wrong e-mail, token or environment (401)."""


class PermissionDeniedError(ConnectorError):
    """The token may not do this, or the company (CIF) is not available to it."""


class NotFoundError(ConnectorError):
    """The document or record does not exist (any more) on the server."""


class ValidationError(ConnectorError):
    """The server refused the request as malformed; retrying cannot help."""


class TransientError(ConnectorError):
    """5xx, timeouts, dropped connections, truncated or HTML answers: try again later.

    ``retry_at`` (unix time) is set when the server said when (``Retry-After`` on a 503).
    """

    retryable = True

    def __init__(self, message, *, retry_at=None, **kwargs):
        if retry_at is not None:
            latest = time.time() + MAX_PAUSE
            if not math.isfinite(retry_at) or retry_at > latest:
                # a pause of more than an hour (or for ever) is not waited for: the job
                # ends, with the time, instead of freezing the token
                when = (
                    datetime.fromtimestamp(retry_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
                    if math.isfinite(retry_at) and retry_at < 4e9
                    else "a time too far to tell"
                )
                message = f"{message} (asked to wait until {when}: not waited for)"
                self.retryable = False
                retry_at = latest
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


class RateLimitedError(TransientError):
    """Too many calls: the token is paused until ``retry_at`` (unix time).

    Raised by the server (SmartBill's 403 "blocat", a 429) or by the client's own
    limiter when the wait is longer than the caller accepts to sleep.
    """
