"""A seeded, deterministic SmartBill company: the same seed and sizes give the same data.

Sizes scale from a handful of records to 100,000; records are plain dicts in SmartBill's
own JSON shapes (camelCase) so the server serves them as they are.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .documents import build_bills, build_invoices, efactura_zip, ubl_xml

COUNTIES = [
    ("Alba", "AB"),
    ("Arad", "AR"),
    ("Arges", "AG"),
    ("Bacau", "BC"),
    ("Bihor", "BH"),
    ("Brasov", "BV"),
    ("Bucuresti", "B"),
    ("Cluj", "CJ"),
    ("Constanta", "CT"),
    ("Dolj", "DJ"),
    ("Galati", "GL"),
    ("Iasi", "IS"),
    ("Ilfov", "IF"),
    ("Maramures", "MM"),
    ("Mures", "MS"),
    ("Prahova", "PH"),
    ("Sibiu", "SB"),
    ("Suceava", "SV"),
    ("Timis", "TM"),
    ("Valcea", "VL"),
]
CITIES = {
    "Bucuresti": "Sector 1",
    "Cluj": "Cluj-Napoca",
    "Iasi": "Iasi",
    "Timis": "Timisoara",
    "Brasov": "Brasov",
    "Constanta": "Constanta",
    "Ilfov": "Voluntari",
    "Sibiu": "Sibiu",
}
EU_VAT = [
    ("DE", "Germania", 9),
    ("FR", "Franta", 11),
    ("IT", "Italia", 11),
    ("HU", "Ungaria", 8),
    ("BG", "Bulgaria", 9),
    ("AT", "Austria", 9),
]
FIRST = [
    "Andrei",
    "Maria",
    "Ioana",
    "Mihai",
    "Elena",
    "Alexandru",
    "Ana",
    "Cristian",
    "Gabriela",
    "Vlad",
    "Raluca",
    "Dan",
    "Irina",
    "Sorin",
    "Bianca",
]
LAST = [
    "Popescu",
    "Ionescu",
    "Popa",
    "Stan",
    "Dumitru",
    "Constantin",
    "Marin",
    "Stoica",
    "Gheorghe",
    "Rusu",
    "Munteanu",
    "Matei",
    "Lazar",
    "Ciobanu",
    "Florea",
]
TRADES = [
    "Construct",
    "Trans",
    "Agro",
    "Soft",
    "Med",
    "Comert",
    "Distributie",
    "Design",
    "Logistic",
    "Energy",
    "Food",
    "Print",
    "Consulting",
    "Tech",
    "Mobila",
]
FORMS = ["SRL", "SA", "SRL-D", "PFA", "II"]
GOODS = [
    ("Hartie copiator A4", "buc", "48025690"),
    ("Toner imprimanta", "buc", "08443990"),
    ("Cafea boabe", "kg", "09012100"),
    ("Apa plata", "l", "22011011"),
    ("Cablu electric", "m", "85444991"),
    ("Set pixuri", "set", "96081010"),
    ("Scaun birou", "buc", "94013000"),
    ("Faina alba", "kg", "01101500"),
    ("Ulei floarea soarelui", "l", "15121191"),
    ("Carte tehnica", "buc", "04901990"),
]
SERVICES = [
    ("Ora consultanta", "ora"),
    ("Abonament mentenanta", "luna"),
    ("Transport marfa", "buc"),
    ("Instalare echipament", "ora"),
    ("Licenta software", "luna"),
    ("Curs instruire", "ora"),
]
UNITS = ["buc", "kg", "l", "m", "ora", "luna", "set"]

# SmartBill's rates since 1 Aug 2025
TAXES_2026 = [("Normala", 21), ("Redusa", 11), ("Taxare inversa", 0), ("SDD", 0), ("SFDD", 0)]
CUI_WEIGHTS = [7, 5, 3, 2, 1, 7, 5, 3, 2]


def cui_with_check_digit(body):
    """A valid Romanian CUI from its digits without the control digit."""
    digits = [int(d) for d in str(body).rjust(9, "0")]
    check = sum(d * w for d, w in zip(digits, CUI_WEIGHTS, strict=True)) * 10 % 11 % 10
    return f"{body}{check}"


def ro_iban(rng):
    bank = rng.choice(["BTRL", "RNCB", "BRDE", "INGB", "RZBR"])
    account = "".join(rng.choice("0123456789") for _ in range(16))
    # ISO 13616 check digits: move country + "00" to the end, letters -> numbers, mod 97
    raw = f"{bank}{account}RO00"
    number = int("".join(str(int(c, 36)) for c in raw))
    return f"RO{98 - number % 97:02d}{bank}{account}"


def stable_id(prefix, seed, kind, index):
    return f"{prefix}_{hashlib.md5(f'{seed}:{kind}:{index}'.encode()).hexdigest()}"


@dataclass
class Sizes:
    clients: int = 160
    suppliers: int = 40
    shared_cui: int = 8  # suppliers that are also clients (same CUI)
    products: int = 120
    stock_only_products: int = 3
    invoices: int = 60


PRESETS = {
    "tiny": Sizes(
        clients=5, suppliers=3, shared_cui=1, products=6, stock_only_products=1, invoices=5
    ),
    "demo": Sizes(),
    "bench-1k": Sizes(clients=2000, suppliers=200, shared_cui=20, products=1000, invoices=1000),
    "bench-10k": Sizes(clients=2000, suppliers=200, shared_cui=20, products=1000, invoices=10000),
}


@dataclass
class Dataset:
    """One SmartBill company and its users."""

    cif: str
    company_name: str
    email: str
    v1_token: str
    v3_token: str
    clients: list = field(default_factory=list)
    suppliers: list = field(default_factory=list)
    products: list = field(default_factory=list)
    warehouses: list = field(default_factory=list)
    series: list = field(default_factory=list)
    taxes: list = field(default_factory=list)
    stocks: list = field(default_factory=list)
    invoices: dict = field(default_factory=dict)  # (series, number) -> invoice dict
    estimates: dict = field(default_factory=dict)  # (series, number) -> [(series, number)]
    bills: dict = field(default_factory=dict)  # id -> supplier invoice received
    spv_token: str = ""
    # (fingerprint of the documents, messages, messages by id): see spv_messages()
    _spv: tuple = field(default=(None, [], {}), repr=False, compare=False)

    def stock_on(self, day):
        """SmartBill's stock on ``day`` (the ``/stocks`` answer's rows): the opening
        quantities plus the bills' lines and minus the invoices' lines issued until
        ``day``, each product moving in the first gestiune that holds it."""
        moves = self._stock_moves()
        return [
            {
                "warehouse": stock["warehouse"],
                "products": [
                    {
                        **product,
                        "quantity": product["quantity"]
                        + sum(
                            delta
                            for when, delta in moves.get(
                                (stock["warehouse"]["warehouseName"], product["productCode"]), ()
                            )
                            if when <= day
                        ),
                    }
                    for product in stock["products"]
                ],
            }
            for stock in self.stocks
        ]

    def _stock_moves(self):
        """{(gestiune, code): [(day, quantity in or out)]} of the documents."""
        home = {}
        for stock in self.stocks:
            for product in stock["products"]:
                home.setdefault(product["productCode"], stock["warehouse"]["warehouseName"])
        moves = {}
        documents = [(i, -1) for i in self.invoices.values() if not i["deleted"]]
        documents += [(b, 1) for b in self.bills.values()]
        for document, direction in documents:
            back = -1 if document["kind"] == "credit_note" else 1  # goods returned
            for line in document["lines"]:
                code = line["code"].removeprefix("S-")
                if code in home:
                    moves.setdefault((home[code], code), []).append(
                        (document["issueDate"], direction * back * line["quantity"])
                    )
        return moves

    def find(self, kind, record_id):
        return next((r for r in getattr(self, kind) if r["id"] == record_id), None)

    def invoice_xml(self, invoice):
        """The e-Factura XML SmartBill sent to SPV for ``invoice``."""
        return ubl_xml(self, invoice, dict(COUNTIES))

    def invoice_zip(self, invoice, name=None):
        return efactura_zip(self.invoice_xml(invoice), name or invoice["id"])

    def spv_messages(self):
        """ANAF's SPV messages of the company: invoices sent, bills received, and one
        refused invoice (ERORI FACTURA). ``document`` is the invoice or bill, or None.
        Built again only when documents were added or deleted: ANAF answers a download
        without reading every message (at 10k invoices, rebuilding them per download
        made the simulator the SPV import's bottleneck)."""
        fingerprint = (
            self.cif,
            len(self.invoices),
            len(self.bills),
            sum(bool(i["deleted"]) for i in self.invoices.values()),
        )
        if self._spv[0] != fingerprint:
            messages = self._build_spv_messages()
            self._spv = (fingerprint, messages, {m["id"]: m for m in messages})
        return self._spv[1]

    def spv_message(self, message_id):
        """The SPV message ``message_id``, or None."""
        self.spv_messages()
        return self._spv[2].get(message_id)

    def _build_spv_messages(self):
        cui = self.cif.removeprefix("RO")
        sent = [i for i in self.invoices.values() if not i["deleted"]]
        received = list(self.bills.values())
        messages = []
        for index, (kind, document) in enumerate(
            [("FACTURA TRIMISA", d) for d in sent]
            + [("FACTURA PRIMITA", d) for d in received]
            + [("ERORI FACTURA", None)]
        ):
            day = document["issueDate"] if document else sent[0]["issueDate"]
            request = str(5_000_000_000 + index)
            messages.append(
                {
                    "data_creare": f"{day:%Y%m%d}1000",
                    "cif": cui,
                    "id_solicitare": request,
                    "detalii": f"Factura cu id_incarcare={request}",
                    "tip": kind,
                    "id": str(4_000_000_000 + index),
                    "document": document,
                }
            )
        return messages


def _address(rng):
    county, _code = rng.choice(COUNTIES)
    city = CITIES.get(county, county)
    street = rng.choice(["Str. Libertatii", "Bd. Unirii", "Calea Victoriei", "Str. Mihai Eminescu"])
    return {
        "address": f"{street} nr. {rng.randint(1, 200)}",
        "city": city,
        "county": county,
        "country": "Romania",
    }


def _company(rng, seed, prefix, kind, index, cui=None):
    name = f"{rng.choice(TRADES)} {rng.choice(LAST)} {rng.choice(FORMS)}"
    vat_payer = rng.random() < 0.75
    cui = cui or cui_with_check_digit(rng.randint(1_000_000, 49_999_999))
    record = {
        "id": stable_id(prefix, seed, kind, index),
        "name": name,
        "vatCode": f"RO{cui}" if vat_payer else cui,
        "regCom": f"J{rng.randint(1, 52):02d}/{rng.randint(100, 9999)}/{rng.randint(1995, 2025)}",
        "code": f"{kind[0].upper()}{index:05d}",
        **_address(rng),
        "bank": rng.choice(["Banca Transilvania", "BCR", "BRD", "ING Bank"]),
        "iban": ro_iban(rng),
        "email": f"office{index}@{kind}{index}.ro",
        "contact": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "phone": f"07{rng.randint(10_000_000, 99_999_999)}",
        "isVatPayer": vat_payer,
    }
    return record, cui


def _client(rng, seed, index, cui=None):
    roll = rng.random()
    if cui or roll < 0.6:
        record, cui = _company(rng, seed, "cus", "client", index, cui)
    elif roll < 0.75:
        prefix, country, length = rng.choice(EU_VAT)
        record, cui = _company(rng, seed, "cus", "client", index)
        record.update(
            vatCode=f"{prefix}{rng.randint(10 ** (length - 1), 10**length - 1)}",
            country=country,
            county="",
            city=f"Oras {prefix}",
            isVatPayer=True,
        )
    else:
        record = {
            "id": stable_id("cus", seed, "client", index),
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "vatCode": "-" if rng.random() < 0.5 else "0000000000000",
            "code": f"P{index:05d}",
            **_address(rng),
            "email": f"persoana{index}@mail.ro",
            "phone": f"07{rng.randint(10_000_000, 99_999_999)}",
            "isVatPayer": False,
        }
    record["brand"] = None
    record["deliveryAddresses"] = (
        [
            {
                "description": "Punct de lucru",
                **_address(rng),
                "zipCode": f"{rng.randint(10000, 99999)}",
                "defaultAddress": True,
            }
        ]
        if rng.random() < 0.2
        else []
    )
    return record, cui


def _product(rng, seed, index):
    service = rng.random() < 0.3
    if service:
        base, unit = rng.choice(SERVICES)
        cn_code = None
    else:
        base, unit, cn_code = rng.choice(GOODS)
    # product cards carry today's rates (SmartBill moved them on 1 Aug 2025)
    rate = rng.choices([21, 11, 0], weights=[75, 20, 5])[0]
    vat_name = {21: "Normala", 11: "Redusa", 0: "Taxare inversa"}[rate]
    return {
        "id": stable_id("prod", seed, "product", index),
        "name": f"{base} {index}",
        "description": f"{base}, varianta {index}" if rng.random() < 0.5 else None,
        "code": f"PRD{index:05d}",
        "isService": service,
        "price": Decimal(rng.randint(100, 500_000)) / 100,
        "measuringUnitName": unit,
        "currency": "EUR" if rng.random() < 0.1 else "RON",
        "vatPercentage": rate,
        "vatName": vat_name,
        "isVatIncluded": rate > 0 and rng.random() < 0.2,
        "cnCode": cn_code,
        "cpvCode": None,
        "countryOfOrigin": "RO",
        "containerDeposits": [],
    }


def _warehouses(seed):
    rows = [
        ("Depozit Central", "en gros", "Bucuresti"),
        ("Magazin Cluj", "en detail", "Cluj"),
        ("Magazin Iasi", "en detail", "Iasi"),
    ]
    return [
        {
            "id": stable_id("ware", seed, "warehouse", i),
            "name": name,
            "description": None,
            "type": kind,
            "keeper": "Gestionar",
            "address": "Str. Depozitului 1",
            "city": CITIES[county],
            "county": county,
            "country": "RO",
            "isCustody": False,
        }
        for i, (name, kind, county) in enumerate(rows)
    ]


def generate(preset="demo", seed=1, **overrides):
    """The dataset of ``preset`` (see :data:`PRESETS`), sizes overridable by keyword."""
    base = PRESETS[preset]
    sizes = Sizes(**{**base.__dict__, **overrides})
    rng = random.Random(f"{seed}:{preset}")
    cif = f"RO{cui_with_check_digit(30_000_000 + seed)}"
    data = Dataset(
        cif=cif,
        company_name=f"Demo SmartBill {seed} SRL",
        email=f"api{seed}@demo.ro",
        v1_token=f"003|{hashlib.sha1(f'v1{seed}'.encode()).hexdigest()}",
        v3_token=f"sb_live_{hashlib.sha1(f'v3{seed}'.encode()).hexdigest()}",
    )
    shared = []
    for i in range(sizes.clients):
        client, cui = _client(rng, seed, i)
        data.clients.append(client)
        is_cui = cui and client["vatCode"].removeprefix("RO") == cui
        if is_cui and len(shared) < sizes.shared_cui:
            shared.append(cui)
    for i in range(sizes.suppliers):
        cui = shared[i] if i < len(shared) else None
        supplier, _cui = _company(rng, seed, "sup", "supplier", i, cui)
        data.suppliers.append(supplier)
    data.products = [_product(rng, seed, i) for i in range(sizes.products)]
    data.warehouses = _warehouses(seed)
    data.taxes = [{"name": n, "percentage": p} for n, p in TAXES_2026]
    goods = [p for p in data.products if not p["isService"]]
    for warehouse in data.warehouses:
        products = [
            {
                "productName": p["name"],
                "productCode": p["code"],
                "measuringUnit": p["measuringUnitName"],
                "quantity": Decimal(rng.randint(0, 500)),
            }
            for p in goods
            if rng.random() < 0.5
        ]
        if warehouse["type"] == "en gros":
            products += [
                {
                    "productName": f"Marfa fara fisa {i}",
                    "productCode": f"STK{i:04d}",
                    "measuringUnit": rng.choice(UNITS),
                    "quantity": Decimal(rng.randint(1, 50)),
                }
                for i in range(sizes.stock_only_products)
            ]
        data.stocks.append(
            {
                "warehouse": {
                    "warehouseName": warehouse["name"],
                    "warehouseType": warehouse["type"],
                },
                "products": products,
            }
        )
    data.invoices = build_invoices(
        rng, data.clients, data.products, sizes.invoices, date(2026, 9, 1)
    )
    numbers = {
        s: max([int(n) for (ser, n) in data.invoices if ser == s], default=0)
        for s in ("FCT", "FCJ")
    }
    data.bills = build_bills(
        rng, data.suppliers, data.products, max(1, sizes.invoices // 3), date(2026, 9, 1)
    )
    # SmartBill's opening stock covers what the invoices sell from it
    for (warehouse, code), moves in data._stock_moves().items():
        sold = -sum(delta for _day, delta in moves if delta < 0)
        stock = next(s for s in data.stocks if s["warehouse"]["warehouseName"] == warehouse)
        product = next(p for p in stock["products"] if p["productCode"] == code)
        product["quantity"] += sold
    data.spv_token = f"anaf_{hashlib.sha1(f'spv{seed}'.encode()).hexdigest()}"
    data.series = [
        {"name": "FCT", "nextNumber": f"{numbers['FCT'] + 1:04d}", "type": "f"},
        {"name": "FCJ", "nextNumber": f"{numbers['FCJ'] + 1:04d}", "type": "f"},
        {"name": "PFT", "nextNumber": "0004", "type": "p"},
        {"name": "CHT", "nextNumber": 13, "type": "c"},
    ]
    invoiced = list(data.invoices)[:2]
    data.estimates = {
        ("PFT", "0001"): invoiced[:1],
        ("PFT", "0002"): invoiced[1:2],
        ("PFT", "0003"): [],
    }
    return data
