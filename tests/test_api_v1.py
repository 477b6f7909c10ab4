"""SmartBill V1 client against the simulator: every read endpoint and every error class."""

import time
from datetime import date
from decimal import Decimal

import pytest

from odoo.addons.connector_smartbill.api import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    SmartBillV1Client,
    TransientError,
    ValidationError,
    metering,
)

from tests.conftest import CLIENT_OPTIONS, FAST_V1


def test_taxes_are_the_2026_rates(v1):
    taxes = v1.taxes()
    assert [(t.name, t.percentage) for t in taxes] == [
        ("Normala", Decimal(21)),
        ("Redusa", Decimal(11)),
        ("Taxare inversa", Decimal(0)),
        ("SDD", Decimal(0)),
        ("SFDD", Decimal(0)),
    ]


def test_series_keep_zero_padding_and_accept_integer_next_numbers(v1, dataset):
    by_name = {s.name: s for s in v1.series()}
    assert set(by_name) == {"FCT", "FCJ", "PFT", "CHT"}
    fct_numbers = [n for (series, n) in dataset.invoices if series == "FCT"]
    assert by_name["FCT"].next_number == f"{len(fct_numbers) + 1:04d}"
    assert by_name["CHT"].next_number == "13" and by_name["CHT"].next_number_int == 13
    assert [s.name for s in v1.series(type="p")] == ["PFT"]


def test_unknown_series_type_is_a_validation_error_with_smartbill_text(v1):
    with pytest.raises(ValidationError, match="Tipul documentului nu poate fi g!"):
        v1.series(type="g")


def test_stocks_per_warehouse_and_filters(v1, dataset):
    stocks = v1.stocks(date(2026, 11, 1))
    assert [s.warehouse.warehouse_name for s in stocks] == [w["name"] for w in dataset.warehouses]
    assert stocks[0].warehouse.warehouse_type == "en gros"
    expected = sum(len(s["products"]) for s in dataset.stocks)
    assert sum(len(s.products) for s in stocks) == expected
    one = v1.stocks(date(2026, 11, 1), warehouse="Depozit Central", product_code="STK0000")
    assert len(one) == 1 and [p.product_code for p in one[0].products] == ["STK0000"]
    assert isinstance(one[0].products[0].quantity, Decimal)


def test_payment_status_amounts_are_exact_decimals(v1, dataset):
    invoice = dataset.invoices[("FCT", "0001")]
    status = v1.payment_status("FCT", "0001")
    assert status.invoice_total_amount == invoice["total"]
    assert status.paid_amount == invoice["paid"]
    assert status.unpaid_amount == invoice["total"] - invoice["paid"]
    assert status.is_paid == (invoice["paid"] == invoice["total"])
    assert (status.series, status.number) == ("FCT", "0001")


def test_unknown_invoice_is_not_found(v1):
    with pytest.raises(NotFoundError, match="Factura nu a fost gasita!"):
        v1.payment_status("FCT", "9999")


def test_invoice_pdf_bytes(v1):
    assert v1.invoice_pdf("FCT", "0002").startswith(b"%PDF-")


def test_pdf_of_unknown_invoice_is_an_html_502_retried_then_reported(v1, sim):
    with pytest.raises(TransientError, match="HTML page") as err:
        v1.invoice_pdf("FCT", "9999")
    assert err.value.status == 502
    assert sim.requests.count("/SBORO/api/invoice/pdf") == v1.max_retries + 1


def test_estimate_invoices(v1, dataset):
    created = v1.estimate_invoices("PFT", "0001")
    assert created.are_invoices_created
    assert [(d.series, d.number) for d in created.invoices] == dataset.estimates[("PFT", "0001")]
    assert not v1.estimate_invoices("PFT", "0003").are_invoices_created
    with pytest.raises(NotFoundError):
        v1.estimate_invoices("PFT", "0099")


def test_wrong_token_is_an_authentication_error_not_retried(sim, dataset):
    client = SmartBillV1Client(
        dataset.email, "003|wrong", dataset.cif, base_url=sim.url, limit=FAST_V1, **CLIENT_OPTIONS
    )
    with pytest.raises(AuthenticationError, match="Autentificare esuata"):
        client.taxes()
    assert len(sim.requests) == 1


def test_wrong_cif_is_a_permission_error(sim, dataset):
    client = SmartBillV1Client(
        dataset.email, dataset.v1_token, "RO1234", base_url=sim.url, limit=FAST_V1, **CLIENT_OPTIONS
    )
    with pytest.raises(PermissionDeniedError, match="nu mai este disponibila"):
        client.taxes()


@pytest.mark.parametrize("fault", ["500", "502_html", "503", "drop", "truncated", "html200"])
def test_transient_faults_are_retried_until_success(v1, sim, fault):
    sim.inject(fault, path="/series", times=2)
    assert len(v1.series()) == 4
    assert sim.requests.count("/SBORO/api/series") == 3


def test_metering_counts_each_attempt_of_the_block_and_its_outer_block(v1, sim):
    sim.inject("500", path="/series", times=1)
    with metering() as outer:
        v1.taxes()
        with metering() as inner:
            v1.series()
    assert (inner.calls, inner.waits) == (2, 0)
    assert outer.calls == 3
    assert len(sim.requests) == 3


def test_slow_answer_times_out_and_is_retried(v1, sim):
    sim.inject("slow", path="/tax", seconds=1.5)
    started = time.monotonic()
    assert len(v1.taxes()) == 5
    assert 1.0 <= time.monotonic() - started < 3
    assert sim.requests.count("/SBORO/api/tax") == 2


def test_persistent_fault_gives_up_after_max_retries(v1, sim):
    sim.inject("500", path="/tax", times=10)
    with pytest.raises(TransientError) as err:
        v1.taxes()
    assert err.value.status == 500 and err.value.retryable
    assert sim.requests.count("/SBORO/api/tax") == v1.max_retries + 1


def test_injected_401_is_not_retried(v1, sim):
    sim.inject("401", path="/tax")
    with pytest.raises(AuthenticationError):
        v1.taxes()
    assert sim.requests.count("/SBORO/api/tax") == 1


def test_short_429_is_waited_out(v1, sim):
    sim.inject("429", path="/tax", seconds=0.3)
    started = time.monotonic()
    assert len(v1.taxes()) == 5
    assert time.monotonic() - started >= 0.3


def test_403_block_pauses_the_token_without_calling_again(v1, sim):
    sim.inject("403_block", path="/tax")
    with pytest.raises(RateLimitedError, match="blocat") as err:
        v1.taxes()
    assert err.value.retry_at == pytest.approx(time.time() + 600, abs=5)
    assert v1.limiter.state()["blocked_until"] == pytest.approx(time.time() + 600, abs=5)
    with pytest.raises(RateLimitedError, match="next SmartBill call possible"):
        v1.series()
    assert sim.requests == ["/SBORO/api/tax"]
