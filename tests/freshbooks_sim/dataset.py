"""A seeded FreshBooks business: clients, taxes, invoices with their lines, payments,
credit notes.

Shapes follow FreshBooks' public API documentation (freshbooks.com/api: clients,
invoices, payments, taxes, credits) and the response fixtures of the official SDKs
(``freshbooks/freshbooks-python-sdk`` ``tests/fixtures``; the Java SDK's
``get_invoice_response.json`` for discounts): money is ``{"amount": "12.34", "code":
"USD"}`` with the amount a string, a line's ``taxAmount1``/``taxAmount2`` hold the rate in
percent (``compounded_tax``: the second tax is charged on the line and the first tax),
``status`` is numeric (1 draft, 2 sent, 4 paid, 8 partial...) and ``vis_state`` 0 active,
1 deleted, 2 archived. Each record keeps its change time as an aware UTC datetime
(``_updated``); the server prints it as FreshBooks does.

FreshBooks' arithmetic, as its pages and fixtures state it: a line's ``amount`` is qty x
unit cost before tax and discount; ``discount_value`` is a percentage of the subtotal and
``discount_total`` the (negative) money it takes off; tax is charged on the discounted
base; the invoice's ``amount`` is subtotal + discount_total + tax. Whether FreshBooks
rounds tax per line or per tax of the invoice is published nowhere: :func:`compute_totals`
does either (``ROUNDINGS``), so that a connector is tried against both.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# clients, invoices
PRESETS = {
    "tiny": (5, 12),
    "demo": (40, 120),
    "bench-quick": (100, 1000),
    "bench-1k": (1000, 10000),
}
TAXES = [("GST", "5", "123456789RT0001"), ("PST", "7", "PST-1234-5678"), ("VAT", "20", "GB123")]
STATUS_NAMES = {1: "draft", 2: "sent", 3: "viewed", 4: "paid", 8: "partial"}
# freshbooks.com/api/payments: the types a payment may have
PAYMENT_TYPES = (
    "Check", "Credit", "Cash", "Bank Transfer", "Credit Card", "Debit", "PayPal", "2Checkout",
    "VISA", "MASTERCARD", "DISCOVER", "AMEX", "DINERS", "JCB", "ACH", "Other",
)  # fmt: skip
PAID_WITH = ("Check", "Credit Card", "Bank Transfer", "Cash", "PayPal", "ACH")
ROUNDINGS = ("invoice", "line")  # tax rounded once per tax of the invoice, or per line
# the first change times straddle a daylight-saving switch of US/Eastern (2026-11-01 02:00)
EPOCH = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)


def money(amount, code):
    return {"amount": f"{Decimal(amount).quantize(CENT, ROUND_HALF_UP)}", "code": code}


def cents(value):
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def decimal(value):
    """A FreshBooks number (a string, or money) as a Decimal."""
    if isinstance(value, dict):
        value = value.get("amount")
    return Decimal(str(value if value not in (None, "") else "0"))


@dataclass
class Dataset:
    """One business with one account; the OAuth app registered for it."""

    account_id: str = "zDmNq"
    business_id: int = 77001
    identity_id: int = 50501
    business_name: str = "Maple Leaf Consulting Inc."
    client_id: str = "fb_app_client_id_0001"
    client_secret: str = "fb_app_client_secret_0001"
    currency_code: str = "USD"
    rounding: str = "invoice"
    redirect_uris: list = field(default_factory=list)
    clients: dict = field(default_factory=dict)
    taxes: dict = field(default_factory=dict)
    invoices: dict = field(default_factory=dict)
    payments: dict = field(default_factory=dict)
    credit_notes: dict = field(default_factory=dict)
    next_ids: dict = field(default_factory=dict)

    def new_id(self, kind):
        self.next_ids[kind] = self.next_ids.get(kind, 1000) + 1
        return self.next_ids[kind]

    def next_number(self, kind):
        """The next ``invoice_number`` / ``credit_number``: seven digits, as FreshBooks
        numbers a business's documents by default."""
        records = self.invoices if kind == "invoice" else self.credit_notes
        key = "invoice_number" if kind == "invoice" else "credit_number"
        numbers = [int(r[key]) for r in records.values() if str(r.get(key, "")).isdigit()]
        return f"{max(numbers, default=0) + 1:07d}"


def generate(preset="demo", seed=1, rounding="invoice"):
    """The business of ``preset`` (see ``PRESETS``), the same for the same seed."""
    count_clients, count_invoices = PRESETS[preset]
    rng = random.Random(seed)
    data = Dataset(rounding=rounding)
    moment = EPOCH
    for index, (name, rate, number) in enumerate(TAXES, start=1):
        data.taxes[index] = {
            "id": index,
            "taxid": index,
            "name": name,
            "amount": rate,
            "number": number,
            "compound": False,
            "_updated": moment,
        }
    for _ in range(count_clients):
        moment += timedelta(minutes=rng.randint(1, 40))
        client_id = data.new_id("client")
        currency = rng.choice(("USD", "USD", "USD", "CAD", "EUR"))
        data.clients[client_id] = {
            "id": client_id,
            "userid": client_id,
            "fname": rng.choice(("Ana", "Bob", "Chen", "Dara", "Eli", "Femi")),
            "lname": rng.choice(("Smith", "Ng", "Okafor", "Ross", "Varga")),
            "organization": f"Client {client_id} Ltd.",
            "email": f"billing{client_id}@example.com",
            "vat_name": "VAT" if currency == "EUR" else None,
            "vat_number": f"EU{client_id:09d}" if currency == "EUR" else None,
            "currency_code": currency,
            "p_street": f"{rng.randint(1, 999)} Queen St",
            "p_city": "Toronto",
            "p_province": "ON",
            "p_code": "M5H 2N2",
            "p_country": "Canada",
            "bus_phone": "",
            "signup_date": moment,  # UTC, as FreshBooks gives a client's signup date
            "vis_state": 0,
            "_updated": moment,
        }
    clients = list(data.clients.values())
    for number in range(1, count_invoices + 1):
        moment += timedelta(minutes=rng.randint(1, 30))
        client = rng.choice(clients)
        add_invoice(data, rng, client, number, moment)
    return data


def add_invoice(data, rng, client, number, moment):
    """An invoice of ``client`` numbered ``number``, changed at ``moment``, with 1 to 4
    lines of up to two taxes (now and then a fractional quantity, a unit cost of four
    decimals or a discount), and the payments of its status."""
    code = client["currency_code"]
    invoice_id = data.new_id("invoice")
    lines = []
    for line_id in range(1, rng.randint(1, 4) + 1):
        qty = Decimal(rng.choice(("1", "2", "3", "0.5", "12", "2.75")))
        unit_cost = Decimal(rng.randint(500, 250000)) / 100
        if rng.random() < 0.1:
            unit_cost += Decimal(rng.randint(1, 99)) / 10000
        taxes = rng.sample(list(data.taxes.values()), rng.choice((0, 1, 1, 2)))
        line = {
            "lineid": line_id,
            "invoiceid": invoice_id,
            "type": 0,
            "name": rng.choice(("Consulting", "Design", "Support plan", "Training day")),
            "description": f"Work item {number}-{line_id}",
            "qty": f"{qty.normalize():f}",
            "unit_cost": {"amount": f"{unit_cost.normalize():f}", "code": code},
        }
        for slot, tax in enumerate(taxes, start=1):
            line[f"taxName{slot}"], line[f"taxAmount{slot}"] = tax["name"], tax["amount"]
        lines.append(line)
    status = rng.choice((1, 2, 2, 4, 4, 8))
    invoice = {
        "id": invoice_id,
        "invoiceid": invoice_id,
        "invoice_number": f"{number:07d}",
        "customerid": client["id"],
        "organization": client["organization"],
        "fname": client["fname"],
        "lname": client["lname"],
        "currency_code": code,
        "create_date": moment.date(),
        "due_offset_days": 30,
        "due_date": moment.date() + timedelta(days=30),
        "discount_value": rng.choice(("0", "0", "0", "0", "5", "10")),
        "status": status,
        "v3_status": STATUS_NAMES[status],
        "vis_state": 0,
        "lines": lines,
        "_created": moment,
        "_updated": moment,
    }
    compute_totals(invoice, data.rounding)
    data.invoices[invoice_id] = invoice
    settle(data, invoice)  # FreshBooks states paid and outstanding on every invoice
    total = decimal(invoice["amount"])
    if status in (4, 8):
        share = total if status == 4 else cents(total / 2)
        add_payment(data, invoice, share, moment + timedelta(minutes=5), rng.choice(PAID_WITH))
    return invoice


def add_payment(data, invoice, amount, moment, kind="Check", **extra):
    payment_id = data.new_id("payment")
    data.payments[payment_id] = {
        "id": payment_id,
        "logid": payment_id,
        "invoiceid": invoice["id"],
        "clientid": invoice["customerid"],
        "amount": money(amount, invoice["currency_code"]),
        "date": moment.date(),
        "type": kind,
        "note": "",
        "from_credit": False,
        "creditid": None,
        "overpaymentid": None,
        "vis_state": 0,
        "_updated": moment,
        **extra,
    }
    settle(data, invoice)
    return data.payments[payment_id]


def line_taxes(line):
    """``[(name, rate)]`` of a line's (up to two) taxes."""
    return [
        (str(line[f"taxName{slot}"]).strip(), decimal(line.get(f"taxAmount{slot}")))
        for slot in (1, 2)
        if str(line.get(f"taxName{slot}") or "").strip()
    ]


def compute_totals(document, rounding="invoice"):
    """Every line's ``amount``, the document's ``discount_total`` and ``amount`` (with
    tax), as FreshBooks states them (see the module's doc); ``rounding`` says where tax
    is rounded: once per tax of the document, or on each line."""
    code = document["currency_code"]
    subtotal = Decimal(0)
    for line in document.get("lines") or []:
        line["unit_cost"] = {"amount": str(decimal(line.get("unit_cost"))), "code": code}
        line["amount"] = money(decimal(line.get("qty")) * decimal(line["unit_cost"]), code)
        subtotal += decimal(line["amount"])
    percent = decimal(document.get("discount_value"))
    discount = cents(subtotal * percent / 100)
    factor = 1 - percent / 100
    per_tax, line_rounded = {}, Decimal(0)
    for line in document.get("lines") or []:
        base = decimal(line["amount"]) * factor
        first = None
        for slot, (name, rate) in enumerate(line_taxes(line), start=1):
            compounded = slot == 2 and line.get("compounded_tax") and first is not None
            amount = (base + first) * rate / 100 if compounded else base * rate / 100
            if rounding == "line":
                amount = cents(amount)
                line_rounded += amount
            first = amount if slot == 1 else first
            per_tax[(name, rate)] = per_tax.get((name, rate), Decimal(0)) + amount
    tax = line_rounded if rounding == "line" else sum(map(cents, per_tax.values()), Decimal(0))
    document["discount_total"] = money(-discount, code)
    document["amount"] = money(subtotal - discount + tax, code)
    document["_untaxed"], document["_tax"] = subtotal - discount, tax


def settle(data, invoice):
    """``paid`` and ``outstanding`` from the invoice's active payments (an overpayment's
    excess is the client's credit, not the invoice's)."""
    code = invoice["currency_code"]
    total = decimal(invoice["amount"])
    paid = sum(
        (
            decimal(p["amount"])
            for p in data.payments.values()
            if p["invoiceid"] == invoice["id"] and p["vis_state"] == 0
        ),
        Decimal(0),
    )
    paid = min(paid, total)
    invoice["paid"], invoice["outstanding"] = money(paid, code), money(total - paid, code)
    if invoice["status"] != 1:  # a draft stays a draft until it is sent
        invoice["status"] = 4 if paid >= total else (8 if paid else 2)
        invoice["v3_status"] = STATUS_NAMES[invoice["status"]]
        invoice["payment_status"] = {4: "paid", 8: "partial"}.get(invoice["status"], "unpaid")
