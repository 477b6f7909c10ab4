"""``connector_freshbooks.api.statement``: what a FreshBooks invoice states, explained
whatever FreshBooks' rounding, on the shapes of FreshBooks' own fixtures and pages."""

from decimal import Decimal

import pytest

from odoo.addons.connector_freshbooks.api import StatementError, read_statement

from tests.freshbooks_sim.dataset import compute_totals


def line(qty, unit, *taxes, compounded=False):
    values = {"qty": qty, "unit_cost": {"amount": unit, "code": "USD"}}
    for slot, (name, rate) in enumerate(taxes, start=1):
        values[f"taxName{slot}"], values[f"taxAmount{slot}"] = name, rate
    values["compounded_tax"] = compounded
    return values


def stated(lines, discount="0", rounding="invoice"):
    document = {"currency_code": "USD", "lines": lines, "discount_value": discount}
    compute_totals(document, rounding)
    return document


def test_the_java_sdk_fixture_with_its_discount():
    """get_invoice_response.json: 20.00 with HST 13 %, 24.00, 10 % off: 41.94."""
    fixture = {
        "amount": {"amount": "41.94", "code": "CAD"},
        "discount_total": {"amount": "-4.40", "code": "CAD"},
        "discount_value": "10",
        "lines": [line("1", "20.00", ("HST", "13")), line("1", "24.00")],
    }
    for raw in fixture["lines"]:
        raw["amount"] = {"amount": str(Decimal(raw["unit_cost"]["amount"])), "code": "CAD"}
    statement = read_statement(fixture)
    assert (statement.untaxed, statement.tax, statement.total) == (
        Decimal("39.60"), Decimal("2.34"), Decimal("41.94"))  # fmt: skip
    discounts = [item for item in statement.lines if item.discount]
    assert sorted(item.amount for item in discounts) == [Decimal("-2.40"), Decimal("-2.00")]
    assert sum(item.amount for item in statement.lines) == statement.untaxed


@pytest.mark.parametrize("rounding", ["invoice", "line"])
def test_either_rounding_is_explained_and_spread_to_the_cent(rounding):
    document = stated(
        [line("1", "0.15", ("GST", "10"))] * 7
        + [line("2.75", "112.3456", ("GST", "5"), ("PST", "7"), compounded=True)],
        discount="10",
        rounding=rounding,
    )
    statement = read_statement(document)
    assert statement.rounding in ("line", "document")
    assert statement.total == Decimal(document["amount"]["amount"])
    assert sum(statement.per_tax().values()) == statement.tax
    for item in statement.lines:
        assert all(value == value.quantize(Decimal("0.01")) for value in item.tax_amounts.values())


def test_a_rounding_neither_rule_gives_is_spread_within_half_a_cent_a_tax():
    document = stated([line("1", "0.15", ("GST", "10"))] * 7)
    document["amount"]["amount"] = "1.17"  # between 1.16 and 1.19: another rounding
    statement = read_statement(document)
    assert (statement.rounding, statement.tax) == ("spread", Decimal("0.12"))


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        ({"amount": {"amount": "10.60"}}, "the total does not add up"),
        ({"discount_value": "10", "discount_total": {"amount": "-3.00"}}, "the discount"),
        ({"lines": "not a list"}, "its lines are not a list"),
        ({"lines": [{"qty": "two", "unit_cost": {"amount": "1"}}]}, "qty is not a number"),
    ],
)
def test_what_nothing_explains_is_refused_naming_its_cause(change, cause):
    document = stated([line("1", "10.00", ("GST", "5"))])
    document.update(change)
    with pytest.raises(StatementError, match=cause):
        read_statement(document, label="FreshBooks invoice 0000007")
