"""BNR (National Bank of Romania) reference exchange rates, as it publishes them.

``nbrfxrates.xml`` has the last days; ``files/xml/years/nbrfxrates{YYYY}.xml`` a whole
year. Each ``<Cube date=...>`` lists ``<Rate currency="EUR">4.9771</Rate>``, RON per unit,
or per ``multiplier`` units (``<Rate currency="HUF" multiplier="100">``).
"""

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from odoo.addons.connector_accounting_base.api import http

from .errors import TransientError, ValidationError

DEFAULT_URL = "https://www.bnr.ro"
NS = {"bnr": "http://www.bnr.ro/xsd"}


def parse_rates(xml):
    """{date: {currency: RON per one unit}} from a BNR XML file."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as err:
        message = f"BNR rates are not XML: {err}"
        raise ValidationError(message) from None
    if root.tag != f"{{{NS['bnr']}}}DataSet":
        message = f"BNR rates are not BNR's XML: root element is {root.tag[:80]}"
        raise ValidationError(message)
    rates = {}
    try:
        for cube in root.iterfind(".//bnr:Cube", NS):
            day = date.fromisoformat(cube.get("date") or "")
            rates[day] = {
                rate.get("currency"): _rate(rate.text) / _rate(rate.get("multiplier", "1"))
                for rate in cube.iterfind("bnr:Rate", NS)
            }
    except (ValueError, ArithmeticError) as err:
        message = f"BNR rates unreadable: {err}"
        raise ValidationError(message) from None
    return rates


def _rate(text):
    """A positive decimal as BNR writes it (4.9771, 100), else ValueError."""
    value = (text or "").strip()
    if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,9})?", value, re.ASCII) or not Decimal(value):
        raise ValueError(f"not a rate: {value[:20]!r}")
    return Decimal(value)


class BnrClient:
    def __init__(self, base_url=DEFAULT_URL, timeout=(5.0, 60.0), session=None):
        self.base_url = base_url.rstrip("/")
        self.http = http.Transport(session, timeout=timeout)

    def _get(self, path):
        try:
            response = self.http.get(f"{self.base_url}/{path}")
        except (TransientError, ValidationError) as err:
            raise type(err)(f"BNR: {err}", status=err.status) from None
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"BNR: HTTP {response.status_code}", status=response.status_code)
        if response.status_code >= 400:
            message = f"BNR: HTTP {response.status_code} for {path}"
            raise ValidationError(message, status=response.status_code)
        return parse_rates(response.content)

    def year(self, year):
        return self._get(f"files/xml/years/nbrfxrates{year}.xml")

    def latest(self):
        return self._get("nbrfxrates.xml")
