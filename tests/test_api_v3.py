"""SmartBill V3 client against the simulator: pagination, filters, single records, errors."""

import time

import pytest

from odoo.addons.connector_smartbill.api import (
    AuthenticationError,
    NotFoundError,
    SmartBillV3Client,
    ValidationError,
)
from odoo.addons.connector_smartbill.api.errors import problems

from tests.conftest import CLIENT_OPTIONS, FAST_V3


def test_clients_walk_every_page_in_order(v3, sim, dataset):
    v3.page_size = 50
    clients = list(v3.clients())
    assert [c.id for c in clients] == [c["id"] for c in dataset.clients]
    assert len(sim.requests) == 4  # 160 clients, 50 per page
    first = clients[0]
    assert first.name == dataset.clients[0]["name"]
    assert first.vat_code == dataset.clients[0]["vatCode"]


def test_lists_are_lazy(v3, sim):
    iterator = v3.products()
    assert sim.requests == []
    next(iterator)
    assert len(sim.requests) == 1


def test_every_resource_is_listed_completely(v3, dataset):
    assert len(list(v3.suppliers())) == len(dataset.suppliers)
    assert len(list(v3.products())) == len(dataset.products)
    warehouses = list(v3.warehouses())
    assert [(w.name, w.type) for w in warehouses] == [
        ("Depozit Central", "en gros"),
        ("Magazin Cluj", "en detail"),
        ("Magazin Iasi", "en detail"),
    ]


def test_filters(v3, dataset):
    client = dataset.clients[10]
    assert [c.id for c in v3.clients(vat_code=client["vatCode"])] == [
        c["id"] for c in dataset.clients if c["vatCode"] == client["vatCode"]
    ]
    assert [c.id for c in v3.clients(code=client["code"])] == [client["id"]]
    word = client["name"].split()[0].lower()
    assert {c.id for c in v3.clients(name=word)} == {
        c["id"] for c in dataset.clients if word in c["name"].lower()
    }
    product = dataset.products[5]
    assert [p.id for p in v3.products(code=product["code"])] == [product["id"]]
    # product names match whole words only
    number = product["name"].split()[-1]
    assert [p.code for p in v3.products(name=number)] == [product["code"]]
    with pytest.raises(ValueError, match="Unknown filter"):
        list(v3.iterate("warehouses", code="X"))


def test_get_one_record_with_decimal_price(v3, dataset):
    product = dataset.products[3]
    record = v3.get_product(product["id"])
    assert record.price == product["price"] and record.code == product["code"]
    assert record.cn_code == product["cnCode"]
    warehouse = v3.get_warehouse(dataset.warehouses[1]["id"])
    assert warehouse.name == "Magazin Cluj"


def test_unknown_id_is_not_found_with_code(v3):
    with pytest.raises(NotFoundError) as err:
        v3.get_client("cus_" + "0" * 32)
    assert err.value.code == "client_not_found" and err.value.status == 404


def test_malformed_id_is_refused_before_calling(v3, sim):
    with pytest.raises(ValidationError, match="Malformed"):
        v3.get_client("sup_" + "0" * 32)
    assert sim.requests == []


def test_wrong_token(sim, dataset):
    client = SmartBillV3Client(
        "sb_live_wrong", dataset.cif, base_url=sim.url, limit=FAST_V3, **CLIENT_OPTIONS
    )
    with pytest.raises(AuthenticationError) as err:
        list(client.clients())
    assert err.value.code == "invalid_api_key"
    test_client = SmartBillV3Client(
        "sb_test_abc", dataset.cif, base_url=sim.url, limit=FAST_V3, **CLIENT_OPTIONS
    )
    with pytest.raises(AuthenticationError) as err:
        list(test_client.warehouses())
    assert err.value.code == "wrong_environment"


def test_429_with_retry_after_is_honoured(v3, sim):
    sim.inject("429", path="/warehouses", seconds=0.4)
    started = time.monotonic()
    assert len(list(v3.warehouses())) == 3
    assert time.monotonic() - started >= 0.4
    assert sim.requests.count("/SBORO/api/v3/companies/" + v3.cif + "/warehouses") == 2


def test_503_retry_after_is_honoured(v3, sim):
    sim.inject("503", path="/warehouses", seconds=0.3)
    started = time.monotonic()
    assert len(list(v3.warehouses())) == 3
    assert time.monotonic() - started >= 0.3


def test_page_fault_mid_walk_is_retried_without_losing_records(v3, sim, dataset):
    v3.page_size = 40
    sim.inject("drop", path="/clients", times=1)
    sim.inject("truncated", path="/clients", times=1)
    assert len({c.id for c in v3.clients()}) == len(dataset.clients)


def test_server_penalty_escalates_for_a_client_without_limiter(sim, dataset):
    """Control: the simulator really punishes bursts, so the limiter tests can fail."""
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {dataset.v3_token}"
    url = f"{sim.url}/v3/companies/{dataset.cif}/warehouses"
    answers = [session.get(url, timeout=2) for _ in range(62)]
    limited = [a for a in answers if a.status_code == 429]
    assert len(limited) == 2
    assert float(limited[1].headers["Retry-After"]) > float(limited[0].headers["Retry-After"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"errors": [{"code": "E1", "message": "<b>No</b> client"}, "junk", {"message": 2}]},
            ("E1", "No client; 2"),
        ),
        ({"errors": 5}, (None, "")),
        ({"errors": "text"}, (None, "")),
        (["errors"], (None, "")),
        ("errors", (None, "")),
        (None, (None, "")),
    ],
)
def test_a_problem_body_of_any_shape_is_read_or_left(body, expected):
    """The problem format's ``errors[]`` as a hostile server may send it."""
    assert problems(body) == expected
