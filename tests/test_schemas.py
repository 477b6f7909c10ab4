"""SmartBill answers parse into the typed models: the documented examples and variations."""

import json
from decimal import Decimal
from pathlib import Path

import pydantic
import pytest

from odoo.addons.connector_smartbill.api.schemas import (
    Client,
    EstimateInvoices,
    PaymentStatus,
    Product,
    Series,
    Tax,
    WarehouseStock,
)
from odoo.addons.connector_smartbill.api.v1 import _unwrap

EXAMPLES = json.loads(
    (Path(__file__).parent / "fixtures" / "swagger_v1_examples.json").read_text(),
    parse_float=Decimal,
)


def test_swagger_tax_example():
    taxes = [Tax.model_validate(t) for t in _unwrap(EXAMPLES["/tax"])["taxes"]]
    assert len(taxes) == 7
    assert (taxes[1].name, taxes[1].percentage) == ("Normala", Decimal(20))


def test_swagger_series_example_string_and_integer_numbers():
    series = [Series.model_validate(s) for s in _unwrap(EXAMPLES["/series"])["list"]]
    assert [(s.name, s.next_number, s.type) for s in series] == [
        ("CHT", "13", "c"),
        ("FCT", "0117", "f"),
        ("PFT", "0032", "p"),
    ]
    assert series[1].next_number_int == 117


def test_swagger_stocks_example_quantity_as_text_or_number():
    rows = [WarehouseStock.model_validate(w) for w in _unwrap(EXAMPLES["/stocks"])["list"]]
    assert [r.warehouse.warehouse_type for r in rows] == ["en detail", "en gros"]
    assert [p.quantity for p in rows[0].products] == [Decimal(100), Decimal(100)]


def test_swagger_payment_status_examples():
    paid = PaymentStatus.model_validate(_unwrap(EXAMPLES["/invoice/paymentstatus"]))
    assert (paid.invoice_total_amount, paid.paid_amount, paid.unpaid_amount) == (62, 62, 0)
    assert paid.is_paid and paid.paid is None
    unpaid = PaymentStatus.model_validate(_unwrap(EXAMPLES["/invoice/paymentstatus#unpaid"]))
    assert not unpaid.is_paid and unpaid.unpaid_amount == Decimal(100)


def test_swagger_estimate_example_boolean_as_text():
    answer = EstimateInvoices.model_validate(_unwrap(EXAMPLES["/estimate/invoices"]))
    assert answer.are_invoices_created is True
    assert [(d.series, d.number) for d in answer.invoices] == [("FCT", "0028"), ("FCT", "0036")]


def test_booleans_as_numbers_extra_fields_and_missing_optionals():
    client = Client.model_validate(
        {"id": "cus_" + "a" * 32, "name": "X SRL", "isVatPayer": 1, "newField2027": "ignored"}
    )
    assert client.is_vat_payer is True and client.vat_code is None
    assert client.delivery_addresses == []
    assert not hasattr(client, "newField2027")


def test_codes_keep_leading_zeros_even_when_sent_as_numbers():
    product = Product.model_validate(
        {"id": "prod_" + "b" * 32, "name": "Faina", "cnCode": "01101500"}
    )
    assert product.cn_code == "01101500"
    numeric = Product.model_validate({"id": "prod_" + "b" * 32, "name": "Faina", "code": 1234})
    assert numeric.code == "1234"


def test_amounts_are_exact_and_strict():
    assert PaymentStatus.model_validate(
        {"invoiceTotalAmount": 0.1, "paidAmount": "0,2", "unpaidAmount": Decimal("0.30")}
    ).invoice_total_amount == Decimal("0.1")
    with pytest.raises(pydantic.ValidationError, match="boolean"):
        PaymentStatus.model_validate(
            {"invoiceTotalAmount": True, "paidAmount": 0, "unpaidAmount": 0}
        )
    with pytest.raises(pydantic.ValidationError, match="not an amount"):
        PaymentStatus.model_validate(
            {"invoiceTotalAmount": "n/a", "paidAmount": 0, "unpaidAmount": 0}
        )
    with pytest.raises(pydantic.ValidationError, match="finite"):
        PaymentStatus.model_validate(
            {"invoiceTotalAmount": "NaN", "paidAmount": 0, "unpaidAmount": 0}
        )
