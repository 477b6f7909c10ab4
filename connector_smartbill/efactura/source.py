"""A web folder of e-Factura zips: ``index.json`` lists them, each is downloaded by name.

This is how the SmartBill simulator (and any folder an integrator publishes, e.g. the
XML files a user downloads from SmartBill) feeds the connector without SPV.
"""

from urllib.parse import urljoin

import requests

from ..api.transport import TimeoutAdapter
from .reader import MAX_BYTES, EFacturaError, SourceError


class DocumentFolder:
    def __init__(self, base_url, timeout=(5.0, 60.0), session=None):
        self.base_url = base_url.rstrip("/") + "/"
        self.session = TimeoutAdapter.mount(session or requests.Session(), timeout)

    def _get(self, name, **params):
        try:
            response = self.session.get(urljoin(self.base_url, name), params=params)
            response.raise_for_status()
        except requests.RequestException as err:
            raise SourceError(f"Document source {self.base_url}: {err}", retryable=True) from None
        if len(response.content) > MAX_BYTES:
            raise EFacturaError(f"{name} is too large ({len(response.content)} bytes)")
        return response

    def list(self, since=None, until=None):
        """Names of the documents issued between ``since`` and ``until`` (dates)."""
        params = {k: v.isoformat() for k, v in (("from", since), ("to", until)) if v}
        return [d["name"] for d in self._get("index.json", **params).json()["documents"]]

    def download(self, name):
        return self._get(name).content
