"""The simulator written to as FreshBooks' users write to FreshBooks: the official SDK's
published examples (``examples/create_invoice.py``, the README's create/update/delete and
webhook calls) run unchanged, and every write delivers its documented event."""

from decimal import Decimal

import pytest
import requests
from freshbooks import Client, FilterBuilder
from freshbooks.errors import FreshBooksError

from tests.freshbooks_sim import EASTERN, Receiver
from tests.test_freshbooks_sim import REDIRECT, authorize, sdk_pointed_at

ACCOUNT = "zDmNq"
ALL_SCOPES = [
    "user:profile:read",
    *(f"user:{noun}:{how}" for noun in ("clients", "invoices", "payments", "credit_notes",
                                         "taxes") for how in ("read", "write")),
]  # fmt: skip


@pytest.fixture
def sim(monkeypatch):
    yield from sdk_pointed_at(monkeypatch, "tiny")


def sdk_for(sim, scopes=ALL_SCOPES):
    sdk = Client(
        client_id=sim.data.client_id, client_secret=sim.data.client_secret, redirect_uri=REDIRECT
    )
    sdk.get_access_token(authorize(sim, scopes=scopes)["code"])
    return sdk


def hooked(sim, sdk, event):
    """A verified callback of ``event`` at a receiver: the receiver."""
    receiver = Receiver()
    callback = sdk.callbacks.create(ACCOUNT, {"event": event, "uri": receiver.url})
    ((_headers, body),) = receiver.wait(1)
    sdk.callbacks.verify(ACCOUNT, callback.callbackid, receiver.form(body)["verifier"])
    receiver.received.clear()
    return receiver


def events(receiver, count):
    forms = [receiver.form(body) for _headers, body in receiver.wait(count)]
    return [(form["name"], form["object_id"]) for form in forms]


def test_the_sdks_create_invoice_example_runs_unchanged(sim):
    sdk = sdk_for(sim)
    receiver = hooked(sim, sdk, "invoice")
    client = sdk.clients.create(ACCOUNT, {"organization": "Python SDK Test Client"})
    line1 = {"name": "Fancy Dishes", "description": "They're pretty swanky", "qty": 6,
             "unit_cost": {"amount": "27.00", "code": "CAD"}}  # fmt: skip
    line2 = {"name": "Regular Glasses", "description": 'They look "just ok"', "qty": 8,
             "unit_cost": {"amount": "5.95", "code": "CAD"}}  # fmt: skip
    invoice = sdk.invoices.create(
        ACCOUNT,
        {"customerid": client.id, "create_date": "2026-12-07", "due_offset_days": 5,
         "lines": [line1, line2]},
    )  # fmt: skip
    assert invoice.invoice_number == "0000013"  # after the twelve of the seed
    assert Decimal(invoice.amount.amount) == Decimal("209.60") and invoice.v3_status == "draft"
    assert Decimal(invoice.outstanding.amount) == Decimal("209.60")
    sent = sdk.invoices.update(ACCOUNT, invoice.id, {"action_mark_as_sent": True})
    assert (sent.status, sent.v3_status) == (2, "sent")
    # each delivered once the answer is sent: in no promised order
    assert sorted(events(receiver, 2)) == [
        ("invoice.create", str(invoice.id)),
        ("invoice.update", str(invoice.id)),
    ]
    # the whole record on every read, lines included where asked
    assert Decimal(sdk.invoices.get(ACCOUNT, invoice.id).amount.amount) == Decimal("209.60")


def test_a_payment_settles_its_invoice_and_an_overpayment_leaves_a_credit(sim):
    sdk = sdk_for(sim)
    receiver = hooked(sim, sdk, "payment")
    invoice = next(i for i in sim.data.invoices.values() if i["v3_status"] == "sent")
    total = Decimal(invoice["amount"]["amount"])
    payment = sdk.payments.create(
        ACCOUNT,
        {"invoiceid": invoice["id"], "amount": {"amount": str(total + 10)}, "date": "2026-12-01",
         "type": "Check"},
    )  # fmt: skip
    assert Decimal(payment.amount.amount) == total + 10 and payment.overpaymentid
    credit = sdk.credit_notes.get(ACCOUNT, payment.overpaymentid)
    assert (credit.credit_type, Decimal(credit.amount.amount)) == ("overpayment", 10)
    paid = sdk.invoices.get(ACCOUNT, invoice["id"])
    assert (paid.v3_status, Decimal(paid.outstanding.amount)) == ("paid", 0)
    assert events(receiver, 1) == [("payment.create", str(payment.id))]
    sdk.payments.delete(ACCOUNT, payment.id)  # PUT vis_state 1, the SDK's way
    assert events(receiver, 2)[1] == ("payment.delete", str(payment.id))
    assert Decimal(sdk.invoices.get(ACCOUNT, invoice["id"]).outstanding.amount) == total


def test_a_discount_is_taken_off_the_subtotal_before_tax(sim):
    """The Java SDK's fixture: 20.00 with HST 13 % and 24.00, 10 % off -> 41.94."""
    sdk = sdk_for(sim)
    sim.data.taxes[9] = {"id": 9, "taxid": 9, "name": "HST", "amount": "13"}
    client = next(iter(sim.data.clients.values()))
    invoice = sdk.invoices.create(
        ACCOUNT,
        {
            "customerid": client["id"],
            "discount_value": "10",
            "lines": [
                {"name": "A", "qty": 1, "unit_cost": {"amount": "20.00"}, "taxName1": "HST",
                 "taxAmount1": "13"},
                {"name": "B", "qty": 1, "unit_cost": {"amount": "24.00"}},
            ],
        },
    )  # fmt: skip
    assert Decimal(invoice.discount_total.amount) == Decimal("-4.40")
    assert Decimal(invoice.amount.amount) == Decimal("41.94")


@pytest.mark.parametrize(("rounding", "expected"), [("invoice", "1.16"), ("line", "1.19")])
def test_tax_is_rounded_per_invoice_or_per_line_as_chosen(sim, rounding, expected):
    sim.data.rounding = rounding
    sdk = sdk_for(sim)
    client = next(iter(sim.data.clients.values()))
    line = {"qty": 1, "unit_cost": {"amount": "0.15"}, "taxName1": "GST", "taxAmount1": "10"}
    invoice = sdk.invoices.create(
        ACCOUNT, {"customerid": client["id"], "currency_code": "USD", "lines": [line] * 7}
    )
    assert Decimal(invoice.amount.amount) == Decimal(expected)


def test_scopes_and_errors_as_freshbooks_answers_them(sim):
    sdk = sdk_for(sim, scopes=["user:profile:read", "user:invoices:read"])
    client = next(iter(sim.data.clients.values()))
    before = len(sim.data.invoices)
    with pytest.raises(FreshBooksError) as err:
        sdk.invoices.create(ACCOUNT, {"customerid": client["id"], "lines": []})
    assert err.value.status_code == 403
    assert "insufficient_scope" in err.value.raw_response["message"]
    assert "Required: ['user:invoices:write']" in err.value.raw_response["message"]
    assert len(sim.data.invoices) == before
    with pytest.raises(FreshBooksError) as err:
        sdk.invoices.get(ACCOUNT, 999999)
    assert (err.value.status_code, err.value.error_code) == (404, 1012)
    sim.error_style = "new"
    answer = requests.get(
        f"{sim.url}/accounting/account/{ACCOUNT}/invoices/invoices/999999",
        headers={"Authorization": f"Bearer {sdk.access_token}"},
        timeout=5,
    )
    body = answer.json()
    assert answer.status_code == 404 and body["code"] == 5
    assert body["details"][0]["reason"] == "1012"


def test_a_refused_write_stores_nothing(sim):
    sdk = sdk_for(sim)
    client = next(iter(sim.data.clients.values()))
    before = (len(sim.data.invoices), dict(sim.data.next_ids))
    bad_line = {"qty": "two", "unit_cost": {"amount": "1.00"}}
    for values in (
        {"customerid": client["id"], "lines": [bad_line]},
        {"customerid": 424242, "lines": []},
        {"customerid": client["id"], "lines": [{"qty": 1, "taxName1": "GST", "taxAmount1": "5",
                                                "taxName2": "GST", "taxAmount2": "5"}]},
    ):  # fmt: skip
        with pytest.raises(FreshBooksError) as err:
            sdk.invoices.create(ACCOUNT, values)
        assert err.value.status_code == 400
    assert (len(sim.data.invoices), sim.data.next_ids) == before
    # the list and the search still read every record
    assert sdk.invoices.list(ACCOUNT).pages.total == before[0]


def test_a_put_with_vis_state_applies_only_it(sim):
    sdk = sdk_for(sim)
    client = next(iter(sim.data.clients.values()))
    sdk.clients.update(ACCOUNT, client["id"], {"vis_state": 2, "organization": "Renamed"})
    again = sdk.clients.get(ACCOUNT, client["id"])
    assert (again.vis_state, again.organization) == (2, client["organization"])


def test_updated_min_is_a_day_of_us_eastern(sim):
    sdk = sdk_for(sim)
    days = sorted({r["_updated"].astimezone(EASTERN).date() for r in sim.data.invoices.values()})
    day = days[-1]
    expected = sum(
        1 for r in sim.data.invoices.values() if r["_updated"].astimezone(EASTERN).date() >= day
    )
    found = sdk.invoices.list(ACCOUNT, builders=[FilterBuilder().between("updated", min=str(day))])
    assert found.pages.total == expected
    # a time of day is not looked at: the whole day is answered
    later = sdk.invoices.list(
        ACCOUNT, builders=[FilterBuilder().between("updated", min=f"{day} 23:59:59")]
    )
    assert later.pages.total == expected


def test_chaos_stores_nothing_half(sim):
    """Chaos answers a share of the calls with a fault before doing anything: each
    create is stored exactly when it was answered."""
    sim.chaos = 0.5
    sdk = sdk_for(sim)
    before = len(sim.data.clients)
    made = 0
    for index in range(12):
        try:
            sdk.clients.create(ACCOUNT, {"organization": f"Chaos {index}"})
            made += 1
        except (FreshBooksError, requests.RequestException):
            pass
    assert sim.chaos_faults
    assert len(sim.data.clients) == before + made
