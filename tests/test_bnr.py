"""BNR rates client against the simulator's BNR files."""

from datetime import date
from decimal import Decimal

import pytest

from odoo.addons.connector_smartbill.api import ValidationError
from odoo.addons.connector_smartbill.api.bnr import BnrClient, parse_rates


def test_yearly_file_rates_per_unit_with_multiplier(sim):
    client = BnrClient(sim.url.removesuffix("/SBORO/api"))
    rates = client.year(2026)
    day = date(2026, 11, 2)
    offset = Decimal(day.toordinal() % 97) / 10000
    assert rates[day]["EUR"] == Decimal("4.9700") + offset
    assert rates[day]["HUF"] == (Decimal("1.2500") + offset) / 100
    assert date(2026, 11, 1) not in rates  # a Sunday: BNR publishes no rate
    assert max(client.latest()) == max(rates)


def test_not_xml_is_refused():
    with pytest.raises(ValidationError, match="not XML"):
        parse_rates(b"<html>")
