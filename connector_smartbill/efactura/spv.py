"""ANAF's SPV (Spatiul Privat Virtual) e-Factura messages: list them, download them.

Plain Python over ANAF's REST API (``listaMesajePaginatieFactura``, ``descarcare``) with
the OAuth access token Odoo's ``l10n_ro_edi`` keeps (or one set on the backend). The base
URL is a parameter so that the SmartBill simulator can stand in for ANAF.
"""

from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests

from odoo.addons.connector_accounting_base.api import http

from ..api.errors import SmartBillError
from .errors import MAX_ZIP_BYTES, SourceError

DEFAULT_URL = "https://api.anaf.ro/prod/FCTEL/rest"
BUCHAREST = ZoneInfo("Europe/Bucharest")
NO_MESSAGES = "Nu exista mesaje"


class SpvError(SourceError):
    """SPV refused or failed; ``retryable`` when trying later can help."""


class SpvAccessError(SpvError):
    """ANAF refused the token: every call would be refused the same."""


def day_window(day):
    """``day`` (a date) as SPV's [startTime, endTime] in ms, Bucharest time."""
    start = datetime.combine(day, time.min, BUCHAREST)
    end = start + timedelta(days=1) - timedelta(milliseconds=1)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


ANAF_HOST = "api.anaf.ro"  # ANAF's production (/prod/FCTEL) and test (/test/FCTEL) APIs
MAX_PAGES = 500  # of one day's list: 500 x 500 messages


class SpvClient:
    """ANAF's e-Factura messages with the company's OAuth token. The token goes to
    ANAF's host only, over https; the loopback (the simulator, tests) only when
    ``test_mode`` says so."""

    def __init__(
        self, token, base_url=DEFAULT_URL, timeout=(5.0, 60.0), session=None, test_mode=False
    ):
        if not token:
            raise SpvError(
                "No SPV access token: connect the company to ANAF (l10n_ro_edi) "
                "or set one on the backend"
            )
        parts = urlsplit(base_url or "")
        anaf = parts.scheme == "https" and parts.hostname == ANAF_HOST and not parts.port
        if not anaf and not (test_mode and http.is_loopback(parts.hostname or "")):
            shown = http.Redactor([token])(base_url)
            raise SpvError(
                f"SPV URL {shown!r} is not ANAF's (https://{ANAF_HOST}); "
                "another host is allowed only on the loopback, in test mode"
            )
        self.base_url = base_url.rstrip("/")
        self.redact = http.Redactor([token])
        session = session or requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        self.http = http.Transport(
            session,
            credentials=True,
            timeout=timeout,
            max_bytes=MAX_ZIP_BYTES,
            redactor=self.redact,
        )

    def _get(self, endpoint, **params):
        try:
            answer = self.http.get(f"{self.base_url}/{endpoint}", params=params)
        except SmartBillError as err:
            raise SpvError(f"SPV {endpoint}: {err}", retryable=err.retryable) from None
        status = answer.status_code
        if status in (401, 403):
            raise SpvAccessError(f"SPV {endpoint}: access token refused ({status})")
        if status == 429 or status >= 500:
            raise SpvError(f"SPV {endpoint}: HTTP {status}", retryable=True)
        if status >= 400:
            raise SpvError(f"SPV {endpoint}: HTTP {status} {self.redact(answer.text[:200])}")
        return answer

    def messages(self, cif, day):
        """Every message of ``cif`` (digits) created on ``day``, page after page; a
        message is ``{"id", "id_solicitare", "tip", "data_creare", ...}``, its ids
        digits."""
        start, end = day_window(day)
        page = 1
        while True:
            answer = self._get(
                "listaMesajePaginatieFactura", startTime=start, endTime=end, cif=cif, pagina=page
            )
            try:
                body = answer.json()
                error = body.get("eroare")
                messages = body.get("mesaje") or []
                pages = int(body.get("numar_total_pagini") or 1)
            except (SmartBillError, AttributeError, TypeError, ValueError) as err:
                raise SpvError(
                    f"SPV: the list of messages is unreadable ({err})", retryable=True
                ) from None
            if error:
                if str(error).startswith(NO_MESSAGES):
                    return
                raise SpvError(f"SPV: {self.redact(str(error)[:300])}")
            for message in messages:
                yield _checked(message)
            if page >= min(pages, MAX_PAGES):
                return
            page += 1

    def download(self, message_id):
        """The zip of message ``message_id`` (invoice XML and signature, or errors)."""
        return self._get("descarcare", id=message_id).content


def _checked(message):
    """An SPV message as the connector keeps it, its ids digits (they go in URLs and
    names)."""
    if not isinstance(message, dict):
        raise SpvError("SPV: a message of the list is not an object")
    ids = {key: str(message.get(key) or "") for key in ("id", "id_solicitare")}
    if not all(value.isascii() and value.isdigit() and len(value) < 30 for value in ids.values()):
        raise SpvError(f"SPV: a message has malformed ids: {ids!r}"[:200])
    return {**message, **ids, "tip": str(message.get("tip") or "")}
