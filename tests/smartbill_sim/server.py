"""An HTTP server that behaves like SmartBill's V1 and V3 APIs, on 127.0.0.1.

It checks credentials, answers SmartBill's documented shapes and errors, paginates V3
lists by cursor, counts every call per token and enforces the rate limits the way
SmartBill does (V1: a block for ``v1_block_seconds`` after more than 30 calls in a window;
V3: 429 with an escalating ``Retry-After``), with the window scalable for fast tests.
Faults are injected per test with :meth:`SimServer.inject`.
"""

import base64
import functools
import json
import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

from ..threaded_server import ThreadedServer, answer
from .dataset import Dataset, generate
from .documents import efactura_zip

BUCHAREST = ZoneInfo("Europe/Bucharest")
V1_BLOCK_MESSAGE = (
    "Utilizatorul a fost blocat pentru ca s-a depasit limita maxima de apeluri permise."
)
AUTH_FAILED = "Autentificare esuata. Va rugam verificati datele si incercati din nou."
WRONG_CIF = (
    "Firma la care incercati sa va conectati nu mai este disponibila in Cloud. "
    "Verificati ciful companiei."
)
V3_RETRY_AFTER = [5, 10, 20, 40, 80, 160, 300, 600]
V3_PATH = re.compile(
    r"^/SBORO/api/v3/companies/(?P<cif>[^/]+)/(?P<resource>[a-z]+)(?:/(?P<id>[^/]+))?$"
)
V3_PREFIX = {"clients": "cus_", "suppliers": "sup_", "products": "prod_", "warehouses": "ware_"}
V3_NOT_FOUND = {
    "clients": "client_not_found",
    "suppliers": "supplier_not_found",
    "products": "product_not_found",
    "warehouses": "warehouse_not_found",
}
FAULTS = {
    "429",
    "403_block",
    "429_no_retry_after",
    "401",
    "500",
    "502_html",
    "503",
    "slow",
    "drop",
    "truncated",
    "html200",
    "echo_auth",
}
CHAOS = ("429", "500", "drop", "slow")
POISON = b"PK\x03\x04" + b"poisoned" * 64  # not a zip, whatever its name says
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def encode(body):
    # Decimals go out as JSON numbers, like SmartBill's doubles.
    text = json.dumps(body, default=_json_default, ensure_ascii=False)
    return text.encode()


@dataclass
class Fault:
    kind: str
    path: str | None
    times: int
    seconds: float = 0.0


@dataclass
class TokenUsage:
    """What the simulator saw of one token: arrivals, blocks and the worst window."""

    arrivals: deque = field(default_factory=deque)
    calls: int = 0
    rejected: int = 0
    blocks: int = 0
    blocked_until: float = 0.0
    offences: int = 0
    max_in_window: int = 0
    day_count: int = 0


class SimServer(ThreadedServer):
    """Start with :meth:`start` (a thread) or :meth:`serve_forever`; ``url`` is the V1
    base URL to configure in the connector (V3 lives below it, as at SmartBill)."""

    def __init__(
        self,
        dataset=None,
        *,
        host="127.0.0.1",
        port=0,
        window=10.0,
        v1_limit=30,
        v3_limit=60,
        daily_limit=50_000,
        v1_block_seconds=600.0,
        v1_block_status=403,
        retry_after_scale=None,
        chaos=0.0,
        chaos_seed=0,
        slow_seconds=2.0,
        poison=(),
    ):
        self.dataset = dataset or generate("demo")
        self.window = window
        self.v1_limit = v1_limit
        self.v3_limit = v3_limit
        self.daily_limit = daily_limit
        self.v1_block_seconds = v1_block_seconds
        self.v1_block_status = v1_block_status
        self.retry_after_scale = retry_after_scale if retry_after_scale is not None else window / 10
        self.usage = {}
        self.faults = []
        self.log = []
        self.requests = []  # every path asked, answered or not
        self.spv_page_size = 500  # ANAF's page size
        # chaos: this share of SmartBill's, SPV's and the folder's answers get a fault at
        # random (429, 500, a dropped connection, an answer later than the client waits)
        self.chaos = chaos
        self._random = random.Random(chaos_seed)
        self.slow_seconds = slow_seconds
        self.chaos_faults = 0
        # documents (ids) served as corrupt zips, by the folder and by SPV, every time
        self.poison = set(poison)
        self._lock = threading.Lock()
        super().__init__(_Handler, host=host, port=port)

    @property
    def url(self):
        return f"{self.origin}/SBORO/api"

    # -- test controls ----------------------------------------------------------
    def inject(self, kind, path=None, times=1, seconds=0.0):
        """The next ``times`` calls whose path contains ``path`` get fault ``kind``."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; known: {sorted(FAULTS)}")
        with self._lock:
            self.faults.append(Fault(kind, path, times, seconds))

    def reset_usage(self):
        with self._lock:
            self.usage.clear()
            self.faults.clear()
            self.log.clear()
            self.requests.clear()

    def usage_for(self, token):
        return self.usage.setdefault(token, TokenUsage())

    def take_fault(self, path):
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and (fault.path is None or fault.path in path):
                    fault.times -= 1
                    return fault
            chaotic = path.startswith(("/SBORO/", "/prod/FCTEL/", "/efactura/"))
            if chaotic and self.chaos and self._random.random() < self.chaos:
                self.chaos_faults += 1
                kind = self._random.choice(CHAOS)
                return Fault(kind, None, 1, self.slow_seconds + 1 if kind == "slow" else 1.0)
        return None

    # -- rate limiting as SmartBill does it -----------------------------------------
    def count_call(self, token, api):
        """Record one arriving call; the rate-limit answer to send (status, body,
        headers), or None."""
        now = time.monotonic()
        limit = self.v1_limit if api == "v1" else self.v3_limit
        with self._lock:
            usage = self.usage_for(token)
            usage.calls += 1
            self.log.append((now, api, token[-6:]))
            if usage.blocked_until > now:
                usage.rejected += 1
                if api == "v3":  # calling during a penalty makes the next one longer
                    usage.offences += 1
                    usage.blocked_until = now + self._v3_retry_after(usage)
                return self._limited(api, usage, now)
            usage.day_count += 1
            if api == "v3" and usage.day_count > self.daily_limit:
                usage.rejected += 1
                return (
                    429,
                    _problem(
                        429, "invalid_request_error", "rate_limit_exceeded", "Daily limit exceeded"
                    ),
                    {
                        "X-RateLimit-Daily-Limit": str(self.daily_limit),
                        "X-RateLimit-Daily-Remaining": "0",
                        "Retry-After": "3600",
                    },
                )
            while usage.arrivals and usage.arrivals[0] <= now - self.window:
                usage.arrivals.popleft()
            usage.arrivals.append(now)
            usage.max_in_window = max(usage.max_in_window, len(usage.arrivals))
            if len(usage.arrivals) > limit:
                usage.rejected += 1
                usage.blocks += 1
                usage.offences += 1
                usage.blocked_until = now + (
                    self.v1_block_seconds if api == "v1" else self._v3_retry_after(usage)
                )
                return self._limited(api, usage, now)
        return None

    def _v3_retry_after(self, usage):
        step = V3_RETRY_AFTER[min(usage.offences, len(V3_RETRY_AFTER)) - 1]
        return step * self.retry_after_scale

    def _limited(self, api, usage, now):
        wait = usage.blocked_until - now
        if api == "v3":
            return (
                429,
                _problem(429, "invalid_request_error", "rate_limit_exceeded", "Too many requests"),
                {"Retry-After": f"{wait:.3f}"},
            )
        if self.v1_block_status == 429:
            return 429, {"errorText": "Too many requests"}, {"Retry-After": f"{wait:.3f}"}
        return 403, {"errorText": V1_BLOCK_MESSAGE, "message": "", "number": "", "series": ""}, {}

    def rate_headers(self, token):
        usage = self.usage_for(token)
        remaining = max(0, self.v1_limit - len(usage.arrivals))
        reset = time.time() + (
            (usage.arrivals[0] + self.window - time.monotonic()) if usage.arrivals else self.window
        )
        return {
            "X-RateLimit-Limit": str(self.v1_limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{reset:.3f}",
        }


BNR_BASE = {
    "EUR": Decimal("4.9700"),
    "USD": Decimal("4.5800"),
    "GBP": Decimal("5.8100"),
    "HUF": Decimal("1.2500"),
}  # HUF: RON per 100 forints
MULTIPLIERS = {"HUF": ' multiplier="100"'}


def bnr_xml(path):
    """BNR's XML: every business day of the year asked (or the last 10 days), with
    deterministic rates that move a little every day."""
    today = date.today()
    if path == "/nbrfxrates.xml":
        days = [today - timedelta(days=n) for n in range(10)]
    else:
        year = int(path.rsplit("nbrfxrates", 1)[1][:4])
        first = date(year, 1, 1)
        days = [
            first + timedelta(days=n)
            for n in range(366)
            if (first + timedelta(days=n)).year == year and first + timedelta(days=n) <= today
        ]
    cubes = []
    for day in sorted(d for d in days if d.weekday() < 5):
        rates = "".join(
            f'<Rate currency="{cur}"{MULTIPLIERS.get(cur, "")}>'
            f"{base + Decimal(day.toordinal() % 97) / 10000:.4f}</Rate>"
            for cur, base in BNR_BASE.items()
        )
        cubes.append(f'<Cube date="{day.isoformat()}">{rates}</Cube>')
    return (
        '<?xml version="1.0" encoding="utf-8"?><DataSet xmlns="http://www.bnr.ro/xsd">'
        "<Header><Publisher>National Bank of Romania</Publisher></Header><Body>"
        f"<Subject>Reference rates</Subject><OrigCurrency>RON</OrigCurrency>{''.join(cubes)}"
        "</Body></DataSet>"
    ).encode()


_KINDS = {"FACTURA TRIMISA": "T", "FACTURA PRIMITA": "P", "ERORI FACTURA": "E"}


@functools.lru_cache(maxsize=4096)  # a listing reads every message's; few distinct values
def _ms(created):
    """SPV's ``data_creare`` (YYYYMMDDhhmm, Bucharest time) as ms since the epoch."""
    moment = datetime.strptime(created, "%Y%m%d%H%M").replace(tzinfo=BUCHAREST)
    return int(moment.timestamp() * 1000)


def _problem(status, type_, code, message, param=None):
    return {
        "status": status,
        "type": type_,
        "instance": "",
        "errors": [{"code": code, "message": message, "docUrl": "", "param": param}],
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # one buffered write per answer and no Nagle: otherwise delayed ACKs add 40 ms a call
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server_version = "SmartBillSim/1.0"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    @property
    def sim(self):
        return self.server.sim

    @property
    def data(self) -> Dataset:
        return self.server.sim.dataset

    # -- sending ------------------------------------------------------------------
    def send(self, status, body, headers=None, content_type="application/json"):
        payload = body if isinstance(body, bytes) else encode(body)
        answer(self, status, payload, headers, content_type)

    def send_fault(self, fault):
        if fault.kind == "slow":
            time.sleep(fault.seconds or 2.0)
            return False  # then answer normally, too late for the client
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return True
        if fault.kind == "truncated":
            self.send(200, b'{"list": [{"name": "FCT", "nextNu')
        elif fault.kind == "html200":
            self.send(200, b"<html><body>Maintenance</body></html>", content_type="text/html")
        elif fault.kind == "502_html":
            self.send(
                502,
                b"<html><head><title>502 Bad Gateway</title></head>"
                b"<body><center><h1>502 Bad Gateway</h1></center>"
                b"<hr><center>nginx</center></body></html>",
                content_type="text/html",
            )
        elif fault.kind in ("500", "503"):
            headers = {"Retry-After": f"{fault.seconds:.3f}"} if fault.seconds else {}
            self.send(
                int(fault.kind),
                _problem(int(fault.kind), "api_error", "internal_error", "Internal server error"),
                headers,
            )
        elif fault.kind == "401":
            self.send(401, {"errorText": AUTH_FAILED, "message": "", "number": "", "series": ""})
        elif fault.kind == "403_block":
            self.send(403, {"errorText": V1_BLOCK_MESSAGE, "message": "", "number": ""})
        elif fault.kind == "429":
            self.send(
                429,
                _problem(429, "invalid_request_error", "rate_limit_exceeded", "Too many requests"),
                {"Retry-After": f"{fault.seconds or 1:.3f}"},
            )
        elif fault.kind == "echo_auth":  # a careless server quoting the credentials back
            self.send(400, {"errorText": f"Bad header {self.headers.get('Authorization')}"})
        elif fault.kind == "429_no_retry_after":
            self.send(429, {"errorText": "Too many requests"})
        return True

    # -- routing ------------------------------------------------------------------
    def do_GET(self):  # noqa: N802 - stdlib name
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.sim.requests.append(parts.path)
        fault = self.sim.take_fault(parts.path)
        if fault and self.send_fault(fault):
            return
        if parts.path == "/nbrfxrates.xml" or parts.path.startswith("/files/xml/years/"):
            self.send(200, bnr_xml(parts.path), content_type="text/xml")
        elif parts.path.startswith("/prod/FCTEL/rest/"):
            self.handle_spv(parts.path.removeprefix("/prod/FCTEL/rest/"), query)
        elif parts.path.startswith("/efactura/"):
            self.handle_efactura(parts.path.removeprefix("/efactura/"), query)
        elif parts.path.startswith("/SBORO/api/v3/"):
            self.handle_v3(parts.path, query)
        elif parts.path.startswith("/SBORO/api/"):
            self.handle_v1(parts.path.removeprefix("/SBORO/api/"), query)
        else:
            self.send(404, b"<html><body>Not Found</body></html>", content_type="text/html")

    # -- e-Factura documents (what SmartBill lets a user download) -------------------
    def handle_efactura(self, name, query):
        """``index.json`` lists the XML zips of the issued invoices (``from`` / ``to``
        filter by issue date); ``<series><number>.zip`` serves one."""
        invoices = [
            i for i in self.data.invoices.values() if not i["deleted"] and not i["withheld"]
        ]
        if name == "index.json":
            since, until = query.get("from", ""), query.get("to", "9999")
            listed = [i for i in invoices if since <= i["issueDate"].isoformat() <= until]
            return self.send(
                200,
                {
                    "documents": [
                        {"name": f"{i['id']}.zip", "id": i["id"], "issueDate": i["issueDate"]}
                        for i in listed
                    ]
                },
            )
        invoice = next((i for i in invoices if f"{i['id']}.zip" == name), None)
        if invoice is None:
            return self.send(404, b"Not Found", content_type="text/plain")
        if invoice["id"] in self.sim.poison:
            return self.send(200, POISON, content_type="application/zip")
        self.send(200, self.data.invoice_zip(invoice), content_type="application/zip")

    # -- ANAF SPV (e-Factura) ------------------------------------------------------
    def handle_spv(self, endpoint, query):
        if self.headers.get("Authorization") != f"Bearer {self.data.spv_token}":
            return self.send(
                401,
                {
                    "timestamp": "",
                    "status": 401,
                    "error": "Unauthorized",
                    "message": "Token invalid",
                },
            )
        if endpoint == "listaMesajePaginatieFactura":
            return self.spv_list(query)
        if endpoint == "descarcare":
            return self.spv_download(query.get("id"))
        self.send(404, {"status": 404, "error": "Not Found"})

    def spv_list(self, query):
        """Messages created between startTime and endTime (ms since epoch), by page."""
        try:
            start, end = int(query["startTime"]), int(query["endTime"])
            page = int(query.get("pagina", 1))
        except (KeyError, ValueError):
            return self.send(400, {"status": 400, "message": "Parametri invalizi"})
        if query.get("cif") != self.data.cif.removeprefix("RO"):
            return self.send(
                200,
                {
                    "eroare": f"Nu aveti drept de inteles pentru cif=" f"{query.get('cif')}",
                    "titlu": "Lista Mesaje",
                },
            )
        chosen = [
            m
            for m in self.data.spv_messages()
            if start <= _ms(m["data_creare"]) <= end
            and (not query.get("filtru") or _KINDS[m["tip"]] == query["filtru"])
        ]
        if not chosen:
            return self.send(
                200, {"eroare": "Nu exista mesaje in intervalul selectat", "titlu": "Lista Mesaje"}
            )
        size = self.sim.spv_page_size
        pages = (len(chosen) + size - 1) // size
        rows = chosen[(page - 1) * size : page * size]
        self.send(
            200,
            {
                "mesaje": [{k: v for k, v in m.items() if k != "document"} for m in rows],
                "numar_inregistrari_in_pagina": len(rows),
                "numar_total_inregistrari_per_pagina": size,
                "numar_total_inregistrari": len(chosen),
                "numar_total_pagini": pages,
                "index_pagina_curenta": page,
                "serial": "1234AA456",
                "cui": self.data.cif.removeprefix("RO"),
                "titlu": "Lista Mesaje disponibile",
            },
        )

    def spv_download(self, message_id):
        message = self.data.spv_message(message_id)
        if message is None:
            return self.send(
                400, {"status": 400, "message": f"Id descarcare {message_id} " "nu exista"}
            )
        if message["document"] is None:  # ANAF refused the invoice
            body = (
                b'<?xml version="1.0"?><header xmlns="mfp:anaf:dgti:efactura:'
                b'mesajEroriFactuta:v1" Index_incarcare="'
                + message["id_solicitare"].encode()
                + b'"><Error errorMessage="E: validari CIUS-RO: BR-RO-010 lipseste"/>'
                b"</header>"
            )
            return self.send(
                200, efactura_zip(body, message["id_solicitare"]), content_type="application/zip"
            )
        if message["document"]["id"] in self.sim.poison:
            return self.send(200, POISON, content_type="application/zip")
        self.send(
            200,
            self.data.invoice_zip(message["document"], message["id_solicitare"]),
            content_type="application/zip",
        )

    # -- V1 -----------------------------------------------------------------------
    def _v1_token(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            email, _sep, token = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return None
        return token if (email, token) == (self.data.email, self.data.v1_token) else None

    def handle_v1(self, route, query):
        token = self._v1_token()
        if token is None:
            self.send(401, {"errorText": AUTH_FAILED, "message": "", "number": "", "series": ""})
            return
        limited = self.sim.count_call(token, "v1")
        if limited:
            return self.send(*limited)
        headers = self.sim.rate_headers(token)
        if not query.get("cif"):
            return self.v1_error(400, "Ciful firmei trebuie specificat!", headers)
        if query["cif"].upper().removeprefix("RO") != self.data.cif.removeprefix("RO"):
            return self.v1_error(400, WRONG_CIF, headers)
        handler = {
            "tax": self.v1_taxes,
            "series": self.v1_series,
            "stocks": self.v1_stocks,
            "invoice/paymentstatus": self.v1_payment_status,
            "invoice/pdf": self.v1_pdf,
            "estimate/invoices": self.v1_estimate_invoices,
        }.get(route)
        if handler is None:
            self.send(
                404, b"<html><body>HTTP Status 404</body></html>", headers, content_type="text/html"
            )
            return
        handler(query, headers)

    def v1_ok(self, body, headers):
        self.send(
            200, {"errorText": "", "message": "", "number": "", "series": "", **body}, headers
        )

    def v1_error(self, status, text, headers):
        self.send(status, {"errorText": text, "message": "", "number": "", "series": ""}, headers)

    def v1_taxes(self, query, headers):
        self.v1_ok({"taxes": self.data.taxes}, headers)

    def v1_series(self, query, headers):
        kind = query.get("type")
        if kind and kind not in "fpc":
            return self.v1_error(
                400,
                f"Tipul documentului nu poate fi {kind}! Parametrul type "
                "poate lua valorile: 'f' pentru factura, 'p' pentru "
                "proforma si 'c' pentru chitanta.",
                headers,
            )
        self.v1_ok(
            {"list": [s for s in self.data.series if not kind or s["type"] == kind]}, headers
        )

    def v1_stocks(self, query, headers):
        if not query.get("date"):
            return self.v1_error(400, "Data este obligatorie!", headers)
        try:
            day = date.fromisoformat(query["date"])
        except ValueError:
            return self.v1_error(400, "Data invalida!", headers)
        rows = []
        for stock in self.data.stock_on(day):
            if query.get("warehouseName") not in (None, stock["warehouse"]["warehouseName"]):
                continue
            products = [
                p
                for p in stock["products"]
                if query.get("productCode") in (None, p["productCode"])
                and query.get("productName") in (None, p["productName"])
            ]
            rows.append({"warehouse": stock["warehouse"], "products": products})
        self.v1_ok({"list": rows}, headers)

    def _invoice(self, query):
        invoice = self.data.invoices.get((query.get("seriesname"), query.get("number")))
        return invoice if invoice and not invoice.get("deleted") else None

    def v1_payment_status(self, query, headers):
        invoice = self._invoice(query)
        if invoice is None:
            return self.v1_error(400, "Factura nu a fost gasita!", headers)
        paid = invoice["paid"]
        self.v1_ok(
            {
                "number": invoice["number"],
                "series": invoice["series"],
                "invoiceTotalAmount": invoice["total"],
                "paidAmount": paid,
                "unpaidAmount": invoice["total"] - paid,
                "paid": paid >= invoice["total"],
            },
            headers,
        )

    def v1_pdf(self, query, headers):
        if "application/octet-stream" not in self.headers.get("Accept", ""):
            return self.v1_error(406, "Not Acceptable", headers)
        if self._invoice(query) is None:  # SmartBill's nginx answers PDF errors in HTML
            return self.send(
                502,
                b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                headers,
                content_type="text/html",
            )
        name = f"factura{query['seriesname']}{query['number']}.pdf"
        self.send(
            200,
            PDF_BYTES,
            {**headers, "Content-Disposition": f"attachment; filename={name}"},
            content_type="application/octet-stream",
        )

    def v1_estimate_invoices(self, query, headers):
        key = (query.get("seriesname") or query.get("seriesName"), query.get("number"))
        if key not in self.data.estimates:
            return self.v1_error(
                400, f"Proforma cu seria si numarul {key[0]}{key[1]} nu a fost " "gasita!", headers
            )
        invoices = self.data.estimates[key]
        if not invoices:
            return self.send(
                200,
                {
                    "errorText": f"Proforma cu seria si numarul {key[0]}{key[1]} "
                    "nu a fost facturata.",
                    "areInvoicesCreated": False,
                    "invoices": [],
                },
                headers,
            )
        self.v1_ok(
            {
                "areInvoicesCreated": True,
                "invoices": [{"series": s, "number": n} for s, n in invoices],
            },
            headers,
        )

    # -- V3 -----------------------------------------------------------------------
    def handle_v3(self, path, query):
        header = self.headers.get("Authorization", "")
        if not header:
            return self.send(
                401,
                _problem(
                    401,
                    "authentication_error",
                    "missing_authorization",
                    "Missing Authorization header",
                ),
            )
        if not header.startswith("Bearer "):
            return self.send(
                401,
                _problem(
                    401,
                    "authentication_error",
                    "invalid_authorization_format",
                    "Authorization must be 'Bearer <token>'",
                ),
            )
        token = header[7:]
        if token.startswith("sb_test_") and not self.data.v3_token.startswith("sb_test_"):
            return self.send(
                401,
                _problem(
                    401,
                    "authentication_error",
                    "wrong_environment",
                    "Test token used on production",
                ),
            )
        if token != self.data.v3_token:
            return self.send(
                401, _problem(401, "authentication_error", "invalid_api_key", "Invalid API key")
            )
        limited = self.sim.count_call(token, "v3")
        if limited:
            return self.send(*limited)
        match = V3_PATH.match(path)
        if not match or match["resource"] not in V3_PREFIX:
            return self.send(
                404, _problem(404, "invalid_request_error", "not_found", "Unknown resource")
            )
        if match["cif"].upper().removeprefix("RO") != self.data.cif.removeprefix("RO"):
            return self.send(
                403,
                _problem(
                    403,
                    "authorization_error",
                    "insufficient_permissions",
                    "The token has no access to this company",
                ),
            )
        resource, record_id = match["resource"], match["id"]
        records = getattr(self.data, resource)
        if record_id:
            return self.v3_one(resource, records, record_id)
        return self.v3_list(path, resource, records, query)

    def v3_one(self, resource, records, record_id):
        if not re.match(rf"^{V3_PREFIX[resource]}[0-9a-f]{{32}}$", record_id):
            return self.send(
                400,
                _problem(
                    400, "invalid_request_error", "malformed_id", f"Malformed id {record_id}", "id"
                ),
            )
        record = next((r for r in records if r["id"] == record_id), None)
        if record is None:
            return self.send(
                404,
                _problem(
                    404, "invalid_request_error", V3_NOT_FOUND[resource], f"{record_id} not found"
                ),
            )
        self.send(200, record)

    def v3_list(self, path, resource, records, query):
        try:
            limit = int(query.get("limit", 20))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 100:
            return self.send(
                400,
                _problem(
                    400,
                    "validation_error",
                    "invalid_limit",
                    "limit must be between 1 and 100",
                    "limit",
                ),
            )
        selected = [r for r in records if _matches(resource, r, query)]
        start = 0
        if query.get("after"):
            ids = [r["id"] for r in selected]
            if query["after"] not in ids:
                return self.send(
                    400,
                    _problem(
                        400, "invalid_request_error", "invalid_cursor", "Unknown cursor", "after"
                    ),
                )
            start = ids.index(query["after"]) + 1
        page = selected[start : start + limit]
        base = f"http://{self.headers.get('Host')}{path}"
        keep = {k: v for k, v in query.items() if k not in ("after", "before")}
        more = start + limit < len(selected)
        self.send(
            200,
            {
                "items": page,
                "pagination": {
                    "next": f"{base}?{urlencode({**keep, 'after': page[-1]['id']})}"
                    if more
                    else None,
                    "previous": f"{base}?{urlencode({**keep, 'before': page[0]['id']})}"
                    if start and page
                    else None,
                },
            },
        )


def _matches(resource, record, query):
    name = query.get("name")
    if name:
        if resource == "products":
            if not re.search(rf"\b{re.escape(name)}\b", record["name"], re.IGNORECASE):
                return False
        elif name.lower() not in record["name"].lower():
            return False
    if query.get("code") and record.get("code") != query["code"]:
        return False
    return not (query.get("vatCode") and record.get("vatCode") != query["vatCode"])
