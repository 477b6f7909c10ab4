"""One transport policy for every HTTP client of every connector: SmartBill V1 and V3,
ANAF's SPV, BNR, a web folder of documents, FreshBooks (no Odoo import).

An answer is read as a stream, under a size cap and a deadline for the whole attempt (a
server trickling one byte at a time cannot hold a worker); redirects are followed by
hand, a few, to the same host only; ``https`` is required to send credentials to any host
but the loopback; every failure is one of :mod:`.errors`' classes, its message without
any credential, in any of the forms a server may echo one back (:class:`Redactor`).
"""

import base64
import contextlib
import html
import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from ipaddress import ip_address
from urllib.parse import quote, quote_plus, urljoin, urlsplit

import requests

from .errors import TransientError, ValidationError

MAX_ANSWER_BYTES = 25 * 1024 * 1024
MAX_REDIRECTS = 3
DEADLINE = 60.0  # seconds for one attempt at most, from the request to the last byte
REDACTED = "***"
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def is_loopback(host):
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def check_url(url, credentials):
    """Refuse a URL the connector should not call: not http(s), or plain http to another
    host than the loopback when ``credentials`` go with the request."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        message = f"Not an http(s) URL: {Redactor()(url)}"
        raise ValidationError(message)
    if credentials and parts.scheme != "https" and not is_loopback(parts.hostname):
        message = f"{parts.hostname}: credentials are sent over https only (the URL says http)"
        raise ValidationError(message)


def pause_seconds(value):
    """``Retry-After`` (delta-seconds or an HTTP date) as seconds to wait, never negative
    and never infinite; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"[0-9]{1,12}(\.[0-9]{1,6})?", text, re.ASCII):
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


class Redactor:
    """Removes credentials from text, in every form a server may echo one back: as it
    is, base64 (HTTP Basic), URL-encoded, HTML-escaped, JSON-escaped; and the user and
    password of any URL."""

    def __init__(self, secrets=()):
        self._forms = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        if not secret:
            return
        forms = {
            secret,
            quote(secret, safe=""),
            quote_plus(secret),
            html.escape(secret),
            json.dumps(secret)[1:-1],
            base64.b64encode(secret.encode()).decode(),
        }
        self._forms = sorted(set(self._forms) | {f for f in forms if len(f) >= 4}, key=len)[::-1]

    def __call__(self, text):
        text = _USERINFO.sub(f"{REDACTED}@", str(text))
        for form in self._forms:
            text = text.replace(form, REDACTED)
        return text


@dataclass
class Answer:
    """What a server answered: status, headers, the whole body (bytes)."""

    status_code: int
    headers: dict
    content: bytes
    url: str

    @property
    def text(self):
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        """The body as JSON; :class:`TransientError` when it is not (an HTML error page,
        a truncated answer)."""
        try:
            return json.loads(self.content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise TransientError(
                "The server answered with something else than JSON", status=self.status_code
            ) from None


class _TimeoutAdapter(requests.adapters.HTTPAdapter):
    """Applies the (connect, read) timeouts to every request of the session, below
    ``Session.send`` (Odoo's test harness wraps that one and reads a number there)."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):
        kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class Transport:
    """Requests under the connector's policy, on one ``requests.Session`` (which carries
    the credentials: ``credentials=True`` makes https required)."""

    def __init__(
        self,
        session=None,
        *,
        credentials=False,
        timeout=(5.0, 30.0),
        deadline=None,
        max_bytes=MAX_ANSWER_BYTES,
        redactor=None,
    ):
        self.session = session or requests.Session()
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, _TimeoutAdapter(timeout))
        self.credentials = credentials
        # the whole attempt: its connect and read timeouts, whatever trickles in between
        self.deadline = deadline or min(DEADLINE, sum(timeout))
        self.max_bytes = max_bytes
        self.redact = redactor or Redactor()

    def get(self, url, params=None, headers=None):
        """The :class:`Answer` of a GET of ``url``, redirects followed (same host)."""
        return self.request("GET", url, params=params, headers=headers)

    def request(self, method, url, params=None, headers=None, data=None, json=None):
        """The :class:`Answer` of ``method`` on ``url``. A GET follows redirects (a few,
        to the same host); any other method is never redirected: a server answering one
        with a redirect is refused, the request is not sent twice."""
        started = time.monotonic()
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(url, self.credentials)
            response = self._send(method, url, params, headers, data, json)
            if not response.is_redirect:
                return self._read(response, url, started)
            target = urljoin(url, response.headers.get("Location", ""))
            response.close()
            if method != "GET":
                message = f"{urlsplit(url).hostname} answered a {method} with a redirect: refused"
                raise ValidationError(message)
            if urlsplit(target)[:2] != urlsplit(url)[:2]:
                message = (
                    f"{urlsplit(url).hostname} redirected to another host "
                    f"({urlsplit(target).hostname}): refused"
                )
                raise ValidationError(message)
            url, params = target, None
        raise TransientError(f"{urlsplit(url).hostname}: more than {MAX_REDIRECTS} redirects")

    def _send(self, method, url, params, headers, data, json):
        try:
            return self.session.request(
                method,
                url,
                params=params,
                headers=headers,
                data=data,
                json=json,
                stream=True,
                allow_redirects=False,
            )
        except requests.Timeout as err:
            raise TransientError(f"No answer in time ({type(err).__name__})") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as err:
            raise TransientError(f"Connection failed ({type(err).__name__})") from None
        except requests.RequestException as err:
            message = f"Request refused: {self.redact(err)}"
            raise ValidationError(message) from None

    def _read(self, response, url, started):
        """The whole body, under the size cap and the deadline: a watchdog closes the
        connection when the deadline passes, however slowly the bytes come."""
        chunks, size, late = [], 0, threading.Event()

        def stop():  # a read blocked on the socket wakes up when it is shut down
            late.set()
            with contextlib.suppress(AttributeError, OSError):
                response.raw._fp.fp.raw._sock.shutdown(socket.SHUT_RDWR)
            response.close()

        watchdog = threading.Timer(max(0.1, self.deadline - (time.monotonic() - started)), stop)
        watchdog.start()
        try:
            with response:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        message = f"The answer is larger than {self.max_bytes} bytes: refused"
                        raise ValidationError(message, status=response.status_code)
                    chunks.append(chunk)
        except (requests.RequestException, OSError, AttributeError, ValueError) as err:
            if not late.is_set():
                raise TransientError(f"The answer broke off ({type(err).__name__})") from None
        finally:
            watchdog.cancel()
        if late.is_set():
            raise TransientError(
                f"No complete answer within {self.deadline:.0f} s", status=response.status_code
            )
        return Answer(response.status_code, response.headers, b"".join(chunks), url)
