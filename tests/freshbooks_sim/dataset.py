"""A seeded FreshBooks business: clients, taxes, invoices with their lines, payments.

Shapes follow FreshBooks' public API documentation (freshbooks.com/api: clients,
invoices, payments, taxes) and the response fixtures of the official Python SDK
(``freshbooks/freshbooks-python-sdk``, ``tests/fixtures``): money is ``{"amount": "12.34",
"code": "USD"}`` with the amount a string, a line's ``taxAmount1``/``taxAmount2`` hold the
rate in percent, ``status`` is numeric (1 draft, 2 sent, 4 paid, 8 partial...) and
``vis_state`` 0 active, 1 deleted, 2 archived. Each record keeps its change time as an
aware UTC datetime (``_updated``); the server prints it as FreshBooks does.
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
PAYMENT_TYPES = ("Check", "Credit Card", "Bank Transfer", "Cash")
# the first change times straddle a daylight-saving switch of US/Eastern (2026-11-01 02:00)
EPOCH = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)


def money(amount, code):
    return {"amount": f"{amount.quantize(CENT, ROUND_HALF_UP)}", "code": code}


@dataclass
class Dataset:
    """One business with one account; the OAuth app registered for it."""

    account_id: str = "zDmNq"
    business_id: int = 77001
    identity_id: int = 50501
    business_name: str = "Maple Leaf Consulting Inc."
    client_id: str = "fb_app_client_id_0001"
    client_secret: str = "fb_app_client_secret_0001"
    redirect_uris: list = field(default_factory=list)
    clients: dict = field(default_factory=dict)
    taxes: dict = field(default_factory=dict)
    invoices: dict = field(default_factory=dict)
    payments: dict = field(default_factory=dict)
    next_ids: dict = field(default_factory=dict)

    def new_id(self, kind):
        self.next_ids[kind] = self.next_ids.get(kind, 1000) + 1
        return self.next_ids[kind]


def generate(preset="demo", seed=1):
    """The business of ``preset`` (see ``PRESETS``), the same for the same seed."""
    count_clients, count_invoices = PRESETS[preset]
    rng = random.Random(seed)
    data = Dataset()
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
    lines of up to two taxes, and the payments of its status."""
    code = client["currency_code"]
    invoice_id = data.new_id("invoice")
    lines = []
    for line_id in range(1, rng.randint(1, 4) + 1):
        qty = Decimal(rng.choice(("1", "2", "3", "0.5", "12")))
        unit_cost = Decimal(rng.randint(500, 250000)) / 100
        taxes = rng.sample(list(data.taxes.values()), rng.choice((0, 1, 1, 2)))
        line = {
            "lineid": line_id,
            "invoiceid": invoice_id,
            "type": 0,
            "name": rng.choice(("Consulting", "Design", "Support plan", "Training day")),
            "description": f"Work item {number}-{line_id}",
            "qty": f"{qty.normalize():f}",
            "unit_cost": money(unit_cost, code),
            "amount": money(qty * unit_cost, code),
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
        "status": status,
        "v3_status": STATUS_NAMES[status],
        "vis_state": 0,
        "lines": lines,
        "_created": moment,
        "_updated": moment,
    }
    compute_totals(invoice)
    data.invoices[invoice_id] = invoice
    settle(data, invoice)  # FreshBooks states paid and outstanding on every invoice
    total = Decimal(invoice["amount"]["amount"])
    if status in (4, 8):
        share = total if status == 4 else (total / 2).quantize(CENT, ROUND_HALF_UP)
        add_payment(data, rng, invoice, share, moment + timedelta(minutes=5))
    return invoice


def add_payment(data, rng, invoice, amount, moment):
    payment_id = data.new_id("payment")
    data.payments[payment_id] = {
        "id": payment_id,
        "logid": payment_id,
        "invoiceid": invoice["id"],
        "clientid": invoice["customerid"],
        "amount": money(amount, invoice["currency_code"]),
        "date": moment.date(),
        "type": rng.choice(PAYMENT_TYPES),
        "note": "",
        "vis_state": 0,
        "_updated": moment,
    }
    settle(data, invoice)
    return data.payments[payment_id]


def compute_totals(invoice):
    """The invoice's amount (with tax): per tax, the sum of its lines' amounts times its
    rate, rounded to the cent, as FreshBooks shows each tax on the invoice."""
    code = invoice["currency_code"]
    untaxed = sum((Decimal(line["amount"]["amount"]) for line in invoice["lines"]), Decimal(0))
    bases = {}
    for line in invoice["lines"]:
        for slot in (1, 2):
            if line.get(f"taxName{slot}"):
                key = (line[f"taxName{slot}"], Decimal(line[f"taxAmount{slot}"]))
                bases[key] = bases.get(key, Decimal(0)) + Decimal(line["amount"]["amount"])
    tax = sum(
        ((base * rate / 100).quantize(CENT, ROUND_HALF_UP) for (_n, rate), base in bases.items()),
        Decimal(0),
    )
    invoice["amount"] = money(untaxed + tax, code)
    invoice["_untaxed"], invoice["_tax"] = untaxed, tax


def settle(data, invoice):
    """``paid`` and ``outstanding`` from the invoice's active payments."""
    code = invoice["currency_code"]
    paid = sum(
        (
            Decimal(p["amount"]["amount"])
            for p in data.payments.values()
            if p["invoiceid"] == invoice["id"] and p["vis_state"] == 0
        ),
        Decimal(0),
    )
    total = Decimal(invoice["amount"]["amount"])
    invoice["paid"], invoice["outstanding"] = money(paid, code), money(total - paid, code)
    if invoice["status"] != 1:  # a draft stays a draft until it is sent
        invoice["status"] = 4 if paid >= total else (8 if paid else 2)
        invoice["v3_status"] = STATUS_NAMES[invoice["status"]]
