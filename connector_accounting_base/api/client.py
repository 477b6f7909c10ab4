"""The API client every connector's clients build on (SmartBill V1 and V3, FreshBooks).

One ``requests.Session`` per client (connection reuse), explicit timeouts, the shared
rate limiter before every call, bounded retries with exponential backoff and jitter for
transient failures only. Each API subclass turns an answer into data or into one of the
errors of :mod:`.errors`; this module never sees a token in clear outside the session's
auth, and scrubs every message it raises.
"""

import contextvars
import json
import logging
import math
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import requests

from .errors import ConnectorError, RateLimitedError, TransientError
from .http import Redactor, Transport
from .limiter import shared_limiter

_logger = logging.getLogger(__name__)


@dataclass
class CallMeter:
    """What the clients did inside a :func:`metering` block (this thread only)."""

    calls: int = 0
    waits: int = 0
    waited_seconds: float = 0.0

    def record(self, waited):
        self.calls += 1
        if waited:
            self.waits += 1
            self.waited_seconds += waited


_meter = contextvars.ContextVar("connector_call_meter", default=None)


@contextmanager
def metering():
    """Count the API calls and rate-limit waits of the code in the block, e.g.
    one queue job; blocks nest (the outer one counts the inner one's calls too)."""
    meter = CallMeter()
    outer = _meter.get()
    token = _meter.set(meter)
    try:
        yield meter
    finally:
        _meter.reset(token)
        if outer is not None:
            outer.calls += meter.calls
            outer.waits += meter.waits
            outer.waited_seconds += meter.waited_seconds


def header_number(headers, name):
    """A numeric header, None when absent or not a finite number."""
    try:
        value = float(headers[name])
    except (KeyError, TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


class BaseClient:
    """Common behaviour; subclasses set ``api`` (the limiter's name for the API),
    ``limit``, ``server`` and ``user_agent`` and implement :meth:`_auth` and
    :meth:`_error_for`."""

    api = None
    limit = None
    server = "The server"
    user_agent = "connector_accounting_base (Odoo; +https://github.com/OCA)"

    def __init__(
        self,
        base_url,
        token,
        *,
        timeout=(5.0, 30.0),
        limit=None,
        margin=0.1,
        max_retries=3,
        max_retry_seconds=60.0,
        backoff=0.5,
        max_rate_wait=30.0,
        session=None,
        limiter_connect=None,
        limiter_key=None,
    ):
        if not token:
            raise ConnectorError(f"An API token for {self.server} is required")
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self.max_retry_seconds = max_retry_seconds
        self.backoff = backoff
        self.max_rate_wait = max_rate_wait
        # the budget is the token's, or the account's when tokens rotate (``limiter_key``)
        self.limiter = shared_limiter(
            self.api, limiter_key or token, limit or self.limit, margin, limiter_connect
        )
        self.redact = Redactor([token])
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        self.http = Transport(self.session, credentials=True, timeout=timeout, redactor=self.redact)
        self._auth(token)
        self.calls = 0

    def __repr__(self):
        return f"<{type(self).__name__} {self.base_url}>"

    def _auth(self, token):
        raise NotImplementedError

    def _error_for(self, response, body):
        """The error an answer stands for, or None when it is a success."""
        raise NotImplementedError

    # -- one logical call, with retries ----------------------------------------
    def request(
        self, path, params=None, *, accept="application/json", method="GET", json=None, retry=True
    ):
        """``method`` (GET) on ``path`` and return ``(response, body)``; ``body`` is the
        decoded JSON (Decimals for numbers with a fraction) or None for binary answers.
        ``json`` is the body sent. A request that changes something is retried like a
        read on a transient failure: its caller makes it safe to repeat, or asks for no
        retry (``retry=False``: only a rate-limit refusal, never processed, is retried)."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        request = (method, json)
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(url, params, accept, request)
            except TransientError as err:
                if not retry and not isinstance(err, RateLimitedError):
                    raise
                elapsed = time.monotonic() - started
                delay = self._retry_delay(err, attempt)
                if (
                    attempt > self.max_retries
                    or delay is None
                    or elapsed + delay > self.max_retry_seconds
                ):
                    raise
                _logger.info(
                    "%s %s %s: %s; retry %d/%d in %.1f s",
                    self.server,
                    self.api,
                    path,
                    err,
                    attempt,
                    self.max_retries,
                    delay,
                )
                time.sleep(delay)

    def _retry_delay(self, err, attempt):
        """Seconds before the next attempt, or None when we should not wait here."""
        if isinstance(err, RateLimitedError):
            self.limiter.block_until(err.retry_at or time.time() + 1)
            wait = max(0.0, (err.retry_at or 0) - time.time())
            # The limiter sleeps before the next call; beyond max_rate_wait the caller
            # (a queue job) is better off being retried later than holding a worker.
            return 0.0 if wait <= self.max_rate_wait else None
        backoff = self.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
        if err.retry_at:
            backoff = max(backoff, err.retry_at - time.time())
        return backoff

    def _attempt(self, url, params, accept, request=("GET", None)):
        endpoint = url[len(self.base_url) :] or "/"
        waited = self.limiter.acquire(max_wait=self.max_rate_wait)
        self.calls += 1
        if (meter := _meter.get()) is not None:
            meter.record(waited)
        method, body = request
        try:
            response = self.http.request(
                method, url, params=params, headers={"Accept": accept}, json=body
            )
        except ConnectorError as err:
            raise err.scrubbed(self.redact, endpoint) from None
        content = response.content
        self._observe_headers(response.headers)
        body = None
        if accept == "application/json" or "json" in response.headers.get("Content-Type", ""):
            body = self._decode_json(response, content)
        error = self._error_for(response, body)
        if error is not None:
            raise error.scrubbed(self.redact, endpoint)
        return response, body

    def _decode_json(self, response, content):
        """JSON with exact decimals; None when the body is not JSON (HTML error pages,
        truncated answers): :meth:`_error_for` decides what that means."""
        try:
            return json.loads(content.decode("utf-8"), parse_float=Decimal)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None

    def _observe_headers(self, headers):
        reset_at = header_number(headers, "X-RateLimit-Reset")
        self.limiter.observe(
            remaining=header_number(headers, "X-RateLimit-Remaining"),
            reset_at=reset_at,
            daily_remaining=header_number(headers, "X-RateLimit-Daily-Remaining"),
        )

    def unparseable(self, response):
        """The error for an answer that should be JSON and is not."""
        status = response.status_code
        kind = "HTML page" if "<html" in response.text[:500].lower() else "malformed JSON"
        return TransientError(f"{self.server} answered with a {kind}", status=status)
