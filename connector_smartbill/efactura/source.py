"""A web folder of e-Factura zips: ``index.json`` lists them, each is downloaded by name.

This is how the SmartBill simulator (and any folder an integrator publishes, e.g. the
XML files a user downloads from SmartBill) feeds the connector without SPV. The folder's
URL may carry a user and password (``https://user:password@host/folder/``): they are sent
as HTTP Basic, over https only (the loopback aside), and never shown. A name the index
lists must be a plain file name in the folder: no path, no other host.
"""

import re
from urllib.parse import quote, urlsplit, urlunsplit

import requests

from odoo.addons.connector_accounting_base.api import http

from ..api.errors import SmartBillError
from .errors import MAX_ZIP_BYTES, SourceError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(zip|xml)", re.ASCII)


def split_credentials(url):
    """``url`` without its user and password, and them as ``(user, password)`` or None."""
    parts = urlsplit(url or "")
    if not parts.username:
        return url, None
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return bare, (parts.username, parts.password or "")


class DocumentFolder:
    def __init__(self, base_url, credentials=None, timeout=(5.0, 60.0), session=None):
        base_url, in_url = split_credentials(base_url)
        credentials = credentials or in_url
        self.base_url = base_url.rstrip("/") + "/"
        self.redact = http.Redactor(credentials or ())
        session = session or requests.Session()
        session.auth = credentials
        self.http = http.Transport(
            session,
            credentials=bool(credentials),
            timeout=timeout,
            max_bytes=MAX_ZIP_BYTES,
            redactor=self.redact,
        )

    def _get(self, path, **params):
        try:
            answer = self.http.get(self.base_url + path, params=params or None)
        except SmartBillError as err:
            raise SourceError(f"Document folder: {err}", retryable=err.retryable) from None
        if answer.status_code >= 400:
            raise SourceError(
                f"Document folder: HTTP {answer.status_code} for {path}",
                retryable=answer.status_code >= 500 or answer.status_code == 429,
            )
        return answer

    def list(self, since=None, until=None):
        """Names of the documents issued between ``since`` and ``until`` (dates)."""
        params = {k: v.isoformat() for k, v in (("from", since), ("to", until)) if v}
        try:
            index = self._get("index.json", **params).json()
            return [str(entry["name"]) for entry in index["documents"]]
        except (SmartBillError, KeyError, TypeError) as err:
            raise SourceError(
                f"Document folder: index.json is not a list of documents ({err})", retryable=True
            ) from None

    def download(self, name):
        """The content of document ``name``: a plain file name of the folder."""
        if not _NAME.fullmatch(name):
            raise SourceError(
                f"Document folder: {name[:80]!r} is not a file name of the folder: refused"
            )
        return self._get(quote(name)).content
