"""BNR (National Bank of Romania) reference exchange rates, as it publishes them.

``nbrfxrates.xml`` has the last days; ``files/xml/years/nbrfxrates{YYYY}.xml`` a whole
year. Each ``<Cube date=...>`` lists ``<Rate currency="EUR">4.9771</Rate>``, RON per unit,
or per ``multiplier`` units (``<Rate currency="HUF" multiplier="100">``).
"""

from datetime import date
from decimal import Decimal

import requests
from lxml import etree

from .errors import TransientError, ValidationError
from .transport import TimeoutAdapter

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
    rates = {}
    for cube in root.iterfind(".//bnr:Cube", NS):
        day = date.fromisoformat(cube.get("date"))
        rates[day] = {
            rate.get("currency"): Decimal(rate.text.strip()) / Decimal(rate.get("multiplier", "1"))
            for rate in cube.iterfind("bnr:Rate", NS)
        }
    return rates


class BnrClient:
    def __init__(self, base_url=DEFAULT_URL, timeout=(5.0, 60.0), session=None):
        self.base_url = base_url.rstrip("/")
        self.session = TimeoutAdapter.mount(session or requests.Session(), timeout)

    def _get(self, path):
        try:
            response = self.session.get(f"{self.base_url}/{path}")
        except requests.RequestException as err:
            raise TransientError(f"BNR: {type(err).__name__}") from None
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
