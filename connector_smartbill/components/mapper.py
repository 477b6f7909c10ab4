# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import unicodedata

from odoo.addons.component.core import AbstractComponent

from ..efactura import is_placeholder

# SmartBill writes countries by their Romanian name or ISO code.
COUNTRY_NAMES_RO = {
    "romania": "RO",
    "germania": "DE",
    "franta": "FR",
    "italia": "IT",
    "ungaria": "HU",
    "bulgaria": "BG",
    "austria": "AT",
    "spania": "ES",
    "olanda": "NL",
    "tarile de jos": "NL",
    "polonia": "PL",
    "belgia": "BE",
    "cehia": "CZ",
    "republica moldova": "MD",
    "moldova": "MD",
    "marea britanie": "GB",
    "regatul unit": "GB",
    "grecia": "GR",
    "slovacia": "SK",
    "suedia": "SE",
    "danemarca": "DK",
    "elvetia": "CH",
    "statele unite": "US",
    "sua": "US",
    "ucraina": "UA",
    "serbia": "RS",
    "turcia": "TR",
}


def plain(text):
    """Lower case without diacritics or county prefixes: 'Județul Iași' -> 'iasi'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().strip()
    for prefix in ("judetul ", "jud. ", "municipiul "):
        text = text.removeprefix(prefix)
    return text


def split_vat(vat_code):
    """SmartBill's ``vatCode`` -> (VAT for Odoo or False, Romanian CUI digits or None).

    RO CUIs keep the form SmartBill sends (``RO`` only for VAT payers); a CNP (13 digits),
    ``-`` or zeros mean a private person without a VAT number.
    """
    value = (vat_code or "").replace(" ", "").upper()
    if is_placeholder(value) or (value.isdigit() and len(value) == 13):
        return False, None
    digits = value.removeprefix("RO")
    return value, digits if digits.isdigit() else None


class SmartBillImportMapper(AbstractComponent):
    _name = "smartbill.import.mapper"
    _inherit = ["connector.import.mapper", "smartbill.base"]

    def _address(self, record):
        """Odoo address values of a SmartBill record (address, city, county, country)."""
        country = country_for(self.env, record.get("country"))
        return {
            "street": record.get("address") or False,
            "city": record.get("city") or False,
            "country_id": country.id,
            "state_id": state_for(self.env, country, record.get("county")).id,
        }


def country_for(env, name):
    """res.country from an ISO code or a (Romanian or English) name."""
    key = plain(name)
    if not key:
        return env["res.country"]
    code = key.upper() if len(key) == 2 else COUNTRY_NAMES_RO.get(key)
    if code:
        return env["res.country"].search([("code", "=", code)], limit=1)
    return env["res.country"].search([("name", "=ilike", name.strip())], limit=1)


def state_for(env, country, county):
    """A county (``Cluj``, ``Iasi``, ``Bucuresti``, ``CJ``, ``RO-CJ``) of ``country``."""
    key = plain(county).removeprefix(f"{(country.code or '').lower()}-")
    if not key or not country:
        return env["res.country.state"]
    states = env["res.country.state"].search([("country_id", "=", country.id)])
    return next(
        (s for s in states if key in (plain(s.name), (s.code or "").lower())),
        env["res.country.state"],
    )
