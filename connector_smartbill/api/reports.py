"""SmartBill's payments report ("Incasari" export, CSV or XLSX) as typed rows.

The columns are found by their headers; SmartBill's names are the defaults and each can
be renamed (``columns``). Amounts accept Romanian (1.234,56) and plain (1234.56) forms.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl

from .errors import ValidationError

DEFAULT_COLUMNS = {
    "date": "Data",
    "document": "Document",
    "type": "Tip incasare",
    "amount": "Valoare",
    "currency": "Moneda",
    "invoices": "Facturi",
    "client": "Client",
}
REQUIRED = ("date", "type", "amount", "invoices")


@dataclass
class PaymentRow:
    line: int
    date: date
    type: str
    amount: Decimal
    currency: str = "RON"
    document: str = ""
    client: str = ""
    invoices: list = field(default_factory=list)


def _amount(value):
    text = str(value).strip().replace(" ", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    return Decimal(text)


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def _table(content, filename):
    if filename.lower().endswith(".xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t")
    return list(csv.reader(io.StringIO(text), dialect))


def read_payments(content, filename, columns=None):
    """The report's rows; a row that cannot be read raises ValidationError naming it."""
    names = {**DEFAULT_COLUMNS, **(columns or {})}
    rows = [r for r in _table(content, filename) if any(c not in (None, "") for c in r)]
    if not rows:
        message = f"{filename}: empty report"
        raise ValidationError(message)
    headers = [str(h or "").strip().lower() for h in rows[0]]
    index = {
        key: headers.index(name.lower()) for key, name in names.items() if name.lower() in headers
    }
    missing = [names[key] for key in REQUIRED if key not in index]
    if missing:
        message = f"{filename}: column(s) not found: {', '.join(missing)}"
        raise ValidationError(message)
    result = []
    for number, row in enumerate(rows[1:], start=2):

        def cell(key, row=row):
            position = index.get(key)
            value = row[position] if position is not None and position < len(row) else None
            return "" if value is None else value

        try:
            result.append(
                PaymentRow(
                    line=number,
                    date=_date(cell("date")),
                    type=str(cell("type")).strip(),
                    amount=_amount(cell("amount")),
                    currency=str(cell("currency") or "RON").strip(),
                    document=str(cell("document")).strip(),
                    client=str(cell("client")).strip(),
                    invoices=[
                        i.strip().replace(" ", "")
                        for i in str(cell("invoices")).split(",")
                        if i.strip()
                    ],
                )
            )
        except (ValueError, InvalidOperation) as err:
            message = f"{filename} line {number}: {err}"
            raise ValidationError(message) from None
    return result
