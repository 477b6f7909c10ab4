"""ANAF's SPV (Spatiul Privat Virtual) e-Factura messages: list them, download them.

Plain Python over ANAF's REST API (``listaMesajePaginatieFactura``, ``descarcare``) with
the OAuth access token Odoo's ``l10n_ro_edi`` keeps (or one set on the backend). The base
URL is a parameter so that the SmartBill simulator can stand in for ANAF.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import requests

from ..api.transport import TimeoutAdapter
from .reader import MAX_BYTES, SourceError

DEFAULT_URL = "https://api.anaf.ro/prod/FCTEL/rest"
BUCHAREST = ZoneInfo("Europe/Bucharest")
NO_MESSAGES = "Nu exista mesaje"


class SpvError(SourceError):
    """SPV refused or failed; ``retryable`` when trying later can help."""


def day_window(day):
    """``day`` (a date) as SPV's [startTime, endTime] in ms, Bucharest time."""
    start = datetime.combine(day, time.min, BUCHAREST)
    end = start + timedelta(days=1) - timedelta(milliseconds=1)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


class SpvClient:
    def __init__(self, token, base_url=DEFAULT_URL, timeout=(5.0, 60.0), session=None):
        if not token:
            raise SpvError(
                "No SPV access token: connect the company to ANAF (l10n_ro_edi) "
                "or set one on the backend"
            )
        self.base_url = base_url.rstrip("/")
        self.session = TimeoutAdapter.mount(session or requests.Session(), timeout)
        self.session.headers["Authorization"] = f"Bearer {token}"

    def _get(self, endpoint, **params):
        try:
            response = self.session.get(f"{self.base_url}/{endpoint}", params=params)
        except requests.RequestException as err:
            raise SpvError(f"SPV {endpoint}: {type(err).__name__}", retryable=True) from None
        if response.status_code in (401, 403):
            raise SpvError(f"SPV {endpoint}: access token refused ({response.status_code})")
        if response.status_code == 429 or response.status_code >= 500:
            raise SpvError(f"SPV {endpoint}: HTTP {response.status_code}", retryable=True)
        if response.status_code >= 400:
            raise SpvError(f"SPV {endpoint}: HTTP {response.status_code} {response.text[:200]}")
        if len(response.content) > MAX_BYTES:
            raise SpvError(f"SPV {endpoint}: answer too large")
        return response

    def messages(self, cif, day):
        """Every message of ``cif`` (digits) created on ``day``, page after page."""
        start, end = day_window(day)
        page = 1
        while True:
            body = self._get(
                "listaMesajePaginatieFactura", startTime=start, endTime=end, cif=cif, pagina=page
            ).json()
            if body.get("eroare"):
                if body["eroare"].startswith(NO_MESSAGES):
                    return
                raise SpvError(f"SPV: {body['eroare']}")
            yield from body.get("mesaje") or []
            if page >= int(body.get("numar_total_pagini") or 1):
                return
            page += 1

    def download(self, message_id):
        """The zip of message ``message_id`` (invoice XML and signature, or errors)."""
        return self._get("descarcare", id=message_id).content
