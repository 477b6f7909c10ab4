"""Tokens never leave the client: not in logs, exception texts, reprs or arguments."""

import base64
import logging

import pytest

from odoo.addons.connector_accounting_base.api.errors import strip_html
from odoo.addons.connector_smartbill.api import SmartBillError, SmartBillV1Client, SmartBillV3Client

from tests.conftest import CLIENT_OPTIONS, FAST_V1, FAST_V3


def _secrets(dataset):
    basic = base64.b64encode(f"{dataset.email}:{dataset.v1_token}".encode()).decode()
    return [dataset.v1_token, dataset.v3_token, basic]


def _leaks(text, dataset):
    return [s for s in _secrets(dataset) if s in text]


def test_no_secret_in_logs_errors_or_reprs(sim, dataset, caplog):
    caplog.set_level(logging.DEBUG)
    v1 = SmartBillV1Client(
        dataset.email,
        dataset.v1_token,
        dataset.cif,
        base_url=sim.url,
        limit=FAST_V1,
        **CLIENT_OPTIONS,
    )
    v3 = SmartBillV3Client(
        dataset.v3_token, dataset.cif, base_url=sim.url, limit=FAST_V3, **CLIENT_OPTIONS
    )
    seen = [repr(v1), repr(v3), repr(v1.limiter.state())]
    sim.inject("echo_auth", path="/tax")
    sim.inject("echo_auth", path="/clients")
    sim.inject("500", path="/series", times=10)
    sim.inject("403_block", path="/stocks")
    for call in (v1.taxes, lambda: list(v3.clients()), v1.series):
        with pytest.raises(SmartBillError) as err:
            call()
        seen += [str(err.value), repr(err.value), repr(err.value.args), err.value.message]
    assert "***" in seen[3]  # the echoed header was scrubbed, not dropped silently
    seen.append(caplog.text)
    assert caplog.records, "the retries were logged"
    assert _leaks("\n".join(seen), dataset) == []


def test_strip_html_keeps_the_message_and_drops_hidden_details():
    text = (
        "Eroare<br/>la <b>emitere</b>: client&nbsp;invalid"
        '<div id="moreErrorDetails" style="display:none">java.lang.NullPointer</div>'
    )
    assert strip_html(text) == "Eroare la emitere: client invalid"
