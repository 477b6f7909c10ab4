"""SmartBill's payments report (Incasari) rows: columns by header, Romanian amounts."""

from datetime import date
from decimal import Decimal

import pytest

from odoo.addons.connector_smartbill.api import ValidationError
from odoo.addons.connector_smartbill.api.reports import read_payments

REPORT = (
    "Data;Document;Tip incasare;Valoare;Moneda;Facturi;Client\n"
    "02.09.2026;Chitanta CHT 0012;Chitanta;1.234,56;RON;FCT0001, FCT0002;Popescu SRL\n"
    "2026-09-03;OP 778;Ordin plata;99.5;EUR;FCJ0004;\n"
)


def test_rows_with_romanian_and_plain_amounts():
    rows = read_payments(REPORT.encode("utf-8-sig"), "incasari.csv")
    assert [(r.date, r.type, r.amount, r.currency, r.invoices) for r in rows] == [
        (date(2026, 9, 2), "Chitanta", Decimal("1234.56"), "RON", ["FCT0001", "FCT0002"]),
        (date(2026, 9, 3), "Ordin plata", Decimal("99.5"), "EUR", ["FCJ0004"]),
    ]
    assert rows[0].line == 2 and rows[0].document == "Chitanta CHT 0012"


def test_renamed_columns():
    renamed = REPORT.replace("Valoare", "Suma incasata")
    with pytest.raises(ValidationError, match="column\\(s\\) not found: Valoare"):
        read_payments(renamed.encode(), "incasari.csv")
    rows = read_payments(renamed.encode(), "incasari.csv", {"amount": "Suma incasata"})
    assert rows[1].amount == Decimal("99.5")


def test_bad_row_names_its_line():
    bad = REPORT.replace("2026-09-03", "ieri")
    with pytest.raises(ValidationError, match="incasari.csv line 3: not a date: 'ieri'"):
        read_payments(bad.encode(), "incasari.csv")
