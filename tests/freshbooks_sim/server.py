"""An HTTP server that behaves like FreshBooks' API, on 127.0.0.1.

Pages of FreshBooks' public documentation followed (freshbooks.com/api):
*Authentication* (OAuth 2.0 authorization-code grant: ``/oauth/authorize``,
``/auth/oauth/token``, access tokens of 12 hours, single-use refresh tokens),
*Business, Roles, and Identity* (``/auth/api/v1/users/me``), *Scopes*
(``user:<object>:<read|write>``, the 403 ``insufficient_scope`` message), *Clients*,
*Invoices* (``include[]=lines``, ``action_mark_as_sent``, ``action_email``, DELETE;
*Invoice Links*: ``GET .../invoices/<id>/share_link?share_method=share_link``, its link
on the web app, ``https://my.freshbooks.com/#/link/<token>``),
*Payments* (types, ``from_credit``/``creditid``, ``overpaymentid``), *Credits*
(``credit_notes/credit_notes``, goodwill / prepayment / overpayment), *Taxes*,
*Active and Deleted Objects* (``vis_state``; a PUT carrying it applies only it; lists
give active and archived records unless ``search[vis_state]`` says), *Parameters*
(``page``/``per_page``, capped at 100, page 0 is page 1, errors 1013/1014; searches on
``updated`` by day, YYYY-MM-DD), *Errors* (1001, 1004, 1012, 1019; the legacy envelope
and the one of API versions from 2022-10-31, as in the SDKs' ``*__not_found_old/new``
fixtures), *Webhooks* (``<noun>.create/.update/.delete`` delivered to the callbacks of
that event or noun, for changes made through the API as well; the verifier POSTed to the
callback URI and sent back with a PUT; deliveries signed with ``X-FreshBooks-Hmac-SHA256``).
The official SDK (``freshbooks-sdk``) reads and writes it unchanged when
``FRESHBOOKS_API_URL`` and ``FRESHBOOKS_AUTH_URL`` point here.

Where FreshBooks publishes nothing, the simulator makes a choice and says so: tax
rounding (``Dataset.rounding``: per tax of the invoice or per line), which requests get
which error envelope (``error_style``), what a GET of a deleted invoice answers (the
invoice with ``vis_state`` 1), how an overpayment is stated (the payment keeps the
whole amount, the excess becomes an overpayment credit named by ``overpaymentid``), and
whether a draft invoice has a share link (it has one here; ``share_links`` sets the link
an invoice's answer gives, for a test).

Every write is checked whole before anything is stored: a refused request leaves
nothing behind. Accounting time stamps go out as FreshBooks gives them: zone-naive
``yyyy-MM-dd HH:mm:ss`` in US/Eastern (a client's ``signup_date`` and callbacks'
``updated_at`` in UTC). Faults are injected per test with :meth:`FreshBooksSim.inject`;
``chaos`` gives that share of the API's answers one.
"""

import base64
import hashlib
import hmac
import json
import random
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import requests

from ..threaded_server import ThreadedServer, answer
from .dataset import (
    PAYMENT_TYPES,
    Dataset,
    compute_totals,
    decimal,
    generate,
    money,
    settle,
)

EASTERN = ZoneInfo("US/Eastern")
ACCESS_TTL = 12 * 3600  # FreshBooks' access tokens last 12 hours
MAX_BODY = 1 << 20


@dataclass(frozen=True)
class Resource:
    attr: str  # the Dataset's dict
    single: str  # the noun of the answer and of the webhook events
    plural: str
    scope: str  # user:<scope>:read / write
    soft_delete: bool  # deleted by PUT vis_state 1 (else by DELETE)


RESOURCES = {
    "users/clients": Resource("clients", "client", "clients", "clients", True),
    "invoices/invoices": Resource("invoices", "invoice", "invoices", "invoices", False),
    "payments/payments": Resource("payments", "payment", "payments", "payments", True),
    "taxes/taxes": Resource("taxes", "tax", "taxes", "taxes", False),
    "credit_notes/credit_notes": Resource(
        "credit_notes", "credit_note", "credit_notes", "credit_notes", True
    ),
}
NOUNS = {spec.single: spec for spec in RESOURCES.values()}
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
FAULTS = {"429", "500", "503", "drop", "slow", "html200", "401", "lost"}
CHAOS = ("429", "500", "drop", "slow")
GRPC_CODES = {400: 3, 403: 7, 404: 5, 409: 10, 422: 3, 429: 8}
CREDIT_TYPES = ("goodwill", "prepayment")  # overpayment credits are made by payments
_NUMBER = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?", re.ASCII)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class RefusedError(Exception):
    """A request FreshBooks refuses: ``status``, ``errno``, message, field."""

    def __init__(self, status, errno, message, field=None, value=None, retry_after=None):
        super().__init__(message)
        self.status, self.errno, self.field, self.value = status, errno, field, value
        self.retry_after = retry_after


def eastern(moment):
    """An aware datetime as FreshBooks prints accounting time stamps."""
    return moment.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M:%S")


def eastern_day(moment):
    return moment.astimezone(EASTERN).date()


def parse_day(text, field):
    """A ``search[updated_min/max]`` value, read at FreshBooks' documented day
    granularity (freshbooks.com/api/parameters): the date of ``YYYY-MM-DD`` or of the
    start of a longer value; the time of day is not looked at."""
    text = str(text).strip()
    if not _DAY.match(text):
        raise RefusedError(400, 1004, f"Invalid value for {field}: expected YYYY-MM-DD.", field)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise RefusedError(400, 1004, f"Invalid value for {field}.", field) from None


def number(value, field, *, positive=False):
    """A FreshBooks number (JSON number or string, or money) as a Decimal, strictly."""
    raw = value.get("amount") if isinstance(value, dict) else value
    if isinstance(raw, bool) or not _NUMBER.fullmatch(str(raw).strip()):
        raise RefusedError(400, 1004, f"Invalid value for field {field}.", field, raw)
    try:
        result = Decimal(str(raw).strip())
    except InvalidOperation:
        raise RefusedError(400, 1004, f"Invalid value for field {field}.", field, raw) from None
    if positive and result <= 0:
        raise RefusedError(400, 1004, f"{field} must be greater than zero.", field, raw)
    return result


def public(record, kind, lines=False):
    """``record`` as the API shows it: private keys dropped, times and dates printed."""
    shown = {}
    for key, value in record.items():
        if key.startswith("_") or (key == "lines" and not lines):
            continue
        if isinstance(value, datetime):  # signup_date: UTC
            shown[key] = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        elif isinstance(value, date):
            shown[key] = value.isoformat()
        else:
            shown[key] = value
    if "_updated" in record:
        shown["updated"] = eastern(record["_updated"])
    if kind in ("invoice", "credit_note") and "_created" in record:
        shown["created_at"] = eastern(record["_created"])
    return shown


class FreshBooksSim(ThreadedServer):
    """Start with :meth:`start` (a thread); ``url`` is both ``FRESHBOOKS_API_URL`` and
    ``FRESHBOOKS_AUTH_URL``. ``rate_limit`` calls per ``window`` seconds per access token
    are answered; more get 429 with a ``Retry-After``. ``error_style`` is ``"legacy"``
    (``{"response": {"errors": [...]}}``) or ``"new"`` (``{"code", "message",
    "details"}``)."""

    def __init__(self, dataset=None, *, port=0, rate_limit=100, window=60.0, chaos=0.0, seed=0):
        self.data = dataset or generate("demo")
        self.rate_limit, self.window = rate_limit, window
        self.access_ttl = ACCESS_TTL
        self.error_style = "legacy"
        self.approve = True  # what the user answers on the authorize page
        self.codes, self.access, self.refresh = {}, {}, {}
        self.callbacks, self.deliveries = {}, []
        self.faults, self.requests, self.arrivals = [], [], {}
        self.emails = []  # (invoice id, recipients) sent by action_email
        self.share_links = {}  # invoice id -> the link its share_link answer gives
        self.verify_delay = 0.05  # seconds between a registration and its verifier
        self.refresh_count = 0
        self.rejected = 0  # calls answered 429 for the rate
        self.chaos, self.chaos_faults = chaos, 0
        self._random = random.Random(seed)
        self._lock = threading.RLock()
        super().__init__(_Handler, port=port)

    @property
    def url(self):
        return self.origin

    # -- test controls ----------------------------------------------------------------
    def inject(self, kind, path=None, times=1):
        """The next ``times`` API calls whose ``"<method> <path>"`` contains ``path`` get
        fault ``kind`` (``lost``: done, but the answer never arrives)."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; known: {sorted(FAULTS)}")
        with self._lock:
            self.faults.append([kind, path, times])

    def take_fault(self, path, method="GET"):
        """The fault the call gets, if any: an injected one whose path is part of
        ``"<method> <path>"``, or chaos."""
        with self._lock:
            for fault in self.faults:
                if fault[2] > 0 and (fault[1] is None or fault[1] in f"{method} {path}"):
                    fault[2] -= 1
                    return fault[0]
            if (
                self.chaos
                and path.startswith("/accounting/")
                and self._random.random() < self.chaos
            ):
                self.chaos_faults += 1
                return self._random.choice(CHAOS)
        return None

    def expire_access_tokens(self):
        with self._lock:
            for token in self.access.values():
                token["expires"] = 0

    def change(self, kind, record_id, notify=True, **values):
        """A change made in FreshBooks' own screens: the record gets ``values`` as they
        are and a new change time (an invoice's or credit note's totals recomputed,
        payments settled); ``<kind>.update`` is delivered (``<kind>.delete`` when it
        gets ``vis_state`` 1) unless ``notify`` is false (a missed webhook)."""
        with self._lock:
            record = self.records(kind)[record_id]
            record.update(values, _updated=datetime.now(UTC))
            self._after_change(kind, record)
        if notify:
            deleted = values.get("vis_state") == 1
            self.deliver(f"{kind}.{'delete' if deleted else 'update'}", record_id)
        return record

    def records(self, kind):
        return getattr(self.data, NOUNS[kind].attr)

    def _after_change(self, kind, record):
        if kind in ("invoice", "credit_note"):
            compute_totals(record, self.data.rounding)
        if kind == "invoice":
            settle(self.data, record)
        if kind == "payment" and record["invoiceid"] in self.data.invoices:
            invoice = self.data.invoices[record["invoiceid"]]
            settle(self.data, invoice)
            invoice["_updated"] = record["_updated"]

    # -- writes: the API's and the test controls' ----------------------------------------
    def create(self, kind, values, notify=True):
        """A new ``kind`` from ``values`` as FreshBooks takes them; ``(record, events)``,
        the events delivered unless ``notify`` is false (the API delivers them after its
        answer). Everything is checked before anything is stored."""
        now = datetime.now(UTC)
        maker = getattr(self, f"_new_{kind}", None)
        if maker is None:
            raise RefusedError(400, 1004, f"{kind} cannot be created here.")
        with self._lock:
            record, events = maker(dict(values), now)
        return record, self._notify(events, notify)

    def _notify(self, events, notify):
        for name, object_id in events if notify else ():
            self.deliver(name, object_id)
        return events

    def update(self, kind, record_id, values, notify=True):
        """``values`` written on ``kind`` ``record_id``; ``(record, events)``. A body
        that carries ``vis_state`` applies only that (freshbooks.com/api/active_deleted)."""
        record, events = self._update(kind, record_id, values)
        return record, self._notify(events, notify)

    def _update(self, kind, record_id, values):
        now = datetime.now(UTC)
        with self._lock:
            record = self._existing(kind, record_id)
            if "vis_state" in values:
                state = number(values["vis_state"], "vis_state")
                if state not in (0, 1, 2):
                    raise RefusedError(400, 1004, "Invalid value for field vis_state.", "vis_state")
                record.update(vis_state=int(state), _updated=now)
                self._after_change(kind, record)
                action = "delete" if state == 1 else "update"
                return record, [(f"{kind}.{action}", record["id"])]
            checker = getattr(self, f"_edit_{kind}", None)
            extra = checker(record, dict(values)) if checker else dict(values)
            for key in ("id", "userid", "invoiceid", "logid", "creditid", "taxid"):
                extra.pop(key, None)
            record.update(extra, _updated=now)
            self._after_change(kind, record)
        return record, [(f"{kind}.update", record["id"])]

    def delete(self, kind, record_id, notify=True):
        """HTTP DELETE (invoices and taxes): an invoice is kept with ``vis_state`` 1, a
        tax is gone."""
        now = datetime.now(UTC)
        with self._lock:
            record = self._existing(kind, record_id)
            if kind == "tax":
                del self.data.taxes[record_id]
            else:
                record.update(vis_state=1, _updated=now)
                self._after_change(kind, record)
        return record, self._notify([(f"{kind}.delete", record_id)], notify)

    def _existing(self, kind, record_id):
        record = self.records(kind).get(record_id)
        if record is None:
            raise RefusedError(404, 1012, f"{kind.replace('_', ' ').capitalize()} not found.", "id")
        return record

    def _client_of(self, values, field):
        client_id = values.get(field)
        if client_id in (None, ""):
            raise RefusedError(400, 1001, f"Field {field} is required.", field)
        try:
            client = self.data.clients.get(int(client_id))
        except (TypeError, ValueError):
            client = None
        if client is None or client["vis_state"] == 1:
            raise RefusedError(400, 1004, f"Invalid value for field {field}.", field, client_id)
        return client

    def _lines(self, lines, code):
        """``lines`` of an invoice or credit note, checked: qty and unit cost numbers,
        tax rates, a tax once per line (1019)."""
        if not isinstance(lines, list):
            raise RefusedError(400, 1004, "Invalid value for field lines.", "lines")
        checked = []
        for index, line in enumerate(lines, start=1):
            if not isinstance(line, dict):
                raise RefusedError(400, 1004, "Invalid value for field lines.", "lines")
            qty = number(line.get("qty", 1), "qty")
            unit = number(line.get("unit_cost") or "0", "unit_cost")
            names = [str(line.get(f"taxName{s}") or "").strip() for s in (1, 2)]
            if names[0] and names[0] == names[1]:
                raise RefusedError(400, 1019, "A tax can be applied once to an item.", "taxName2")
            for slot in (1, 2):
                if names[slot - 1]:
                    number(line.get(f"taxAmount{slot}") or "0", f"taxAmount{slot}")
            checked.append(
                {
                    **{k: v for k, v in line.items() if k not in ("amount", "unit_cost", "qty")},
                    "lineid": index,
                    "type": int(line.get("type") or 0),
                    "qty": f"{qty.normalize():f}",
                    "unit_cost": {"amount": f"{unit.normalize():f}", "code": code},
                }
            )
        return checked

    def _document(self, values, code):
        """The fields of an invoice or credit note every create and edit checks."""
        if "lines" in values:
            values["lines"] = self._lines(values["lines"], code)
        if "discount_value" in values:
            percent = number(values["discount_value"], "discount_value")
            if not 0 <= percent <= 100:
                raise RefusedError(400, 1004, "Invalid value for field discount_value.")
            values["discount_value"] = f"{percent.normalize():f}"
        for field in ("create_date", "due_date"):
            if field in values:
                values[field] = parse_day(values[field], field)
        return values

    def _new_client(self, values, now):
        client_id = self.data.new_id("client")
        record = {
            "fname": "",
            "lname": "",
            "organization": "",
            "email": "",
            "currency_code": self.data.currency_code,
            **values,
            "id": client_id,
            "userid": client_id,
            "signup_date": now,
            "vis_state": 0,
            "_updated": now,
        }
        self.data.clients[client_id] = record
        return record, [("client.create", client_id)]

    def _new_invoice(self, values, now):
        client = self._client_of(values, "customerid")
        code = str(values.get("currency_code") or client.get("currency_code") or "USD")
        values = self._document(values, code)
        invoice_id = self.data.new_id("invoice")
        for line in values.get("lines", []):
            line["invoiceid"] = invoice_id
        sent = bool(values.pop("action_mark_as_sent", False))
        recipients = values.pop("email_recipients", None)
        emailed = bool(values.pop("action_email", False))
        created = values.get("create_date") or eastern_day(now)
        offset = int(number(values.get("due_offset_days", 0), "due_offset_days"))
        record = {
            "invoice_number": self.data.next_number("invoice"),
            "organization": client.get("organization", ""),
            "fname": client.get("fname", ""),
            "lname": client.get("lname", ""),
            "lines": [],
            "discount_value": "0",
            **values,
            "id": invoice_id,
            "invoiceid": invoice_id,
            "customerid": client["id"],
            "currency_code": code,
            "create_date": created,
            "due_offset_days": offset,
            "due_date": created + timedelta(days=offset),
            "status": 2 if sent or emailed else 1,
            "v3_status": "sent" if sent or emailed else "draft",
            "vis_state": 0,
            "_created": now,
            "_updated": now,
        }
        if emailed:
            self.emails.append((invoice_id, recipients))
        compute_totals(record, self.data.rounding)
        self.data.invoices[invoice_id] = record
        settle(self.data, record)
        return record, [("invoice.create", invoice_id)]

    def _edit_invoice(self, record, values):
        sent = bool(values.pop("action_mark_as_sent", False))
        recipients = values.pop("email_recipients", None)
        if values.pop("action_email", False):
            self.emails.append((record["id"], recipients))
            sent = True
        values = self._document(values, values.get("currency_code", record["currency_code"]))
        for line in values.get("lines", []):
            line["invoiceid"] = record["id"]
        if "customerid" in values:
            self._client_of(values, "customerid")
        if sent and record["status"] == 1:
            values.update(status=2, v3_status="sent")
        return values

    def _new_credit_note(self, values, now):
        client = self._client_of(values, "clientid")
        code = str(values.get("currency_code") or client.get("currency_code") or "USD")
        kind = values.get("credit_type", "goodwill")
        if kind not in CREDIT_TYPES:
            raise RefusedError(400, 1004, "Invalid value for field credit_type.", "credit_type")
        values = self._document(values, code)
        credit_id = self.data.new_id("credit")
        record = {
            "credit_number": self.data.next_number("credit_note"),
            "lines": [],
            "notes": "",
            "terms": "",
            **values,
            "id": credit_id,
            "creditid": credit_id,
            "clientid": client["id"],
            "credit_type": kind,
            "currency_code": code,
            "create_date": values.get("create_date") or eastern_day(now),
            "status": "created",
            "display_status": "created",
            "vis_state": 0,
            "_created": now,
            "_updated": now,
        }
        compute_totals(record, self.data.rounding)
        self.data.credit_notes[credit_id] = record
        return record, [("credit_note.create", credit_id)]

    def _edit_credit_note(self, record, values):
        values = self._document(values, values.get("currency_code", record["currency_code"]))
        if values.get("credit_type", record["credit_type"]) not in (*CREDIT_TYPES, "overpayment"):
            raise RefusedError(400, 1004, "Invalid value for field credit_type.", "credit_type")
        return values

    def credit_left(self, credit_id):
        """What is left of a credit once its payments from credit are taken off."""
        credit = self.data.credit_notes[credit_id]
        used = sum(
            (
                decimal(p["amount"])
                for p in self.data.payments.values()
                if p.get("creditid") == credit_id and p.get("from_credit") and p["vis_state"] == 0
            ),
            Decimal(0),
        )
        return decimal(credit["amount"]) - used

    def _new_payment(self, values, now):
        invoice_id = values.get("invoiceid")
        if invoice_id in (None, ""):
            raise RefusedError(400, 1001, "Field invoiceid is required.", "invoiceid")
        invoice = self.data.invoices.get(int(invoice_id)) if str(invoice_id).isdigit() else None
        if invoice is None or invoice["vis_state"] == 1:
            raise RefusedError(400, 1004, "Invalid value for field invoiceid.", "invoiceid")
        amount = number(values.get("amount"), "amount", positive=True)
        kind = values.get("type", "Check")
        if kind not in PAYMENT_TYPES:
            raise RefusedError(400, 1004, "Invalid value for field type.", "type", kind)
        paid_on = parse_day(values.get("date") or eastern_day(now).isoformat(), "date")
        from_credit = bool(values.get("from_credit"))
        credit_id = None
        if from_credit:
            credit_id = int(number(values.get("creditid"), "creditid"))
            credit = self.data.credit_notes.get(credit_id)
            if credit is None or credit["clientid"] != invoice["customerid"]:
                raise RefusedError(400, 1004, "Invalid value for field creditid.", "creditid")
            if amount > self.credit_left(credit_id):
                raise RefusedError(400, 1004, "The credit does not cover this payment.", "amount")
            kind = "Credit"
        outstanding = decimal(invoice["outstanding"])
        events = []
        overpayment = None
        if amount > outstanding and not from_credit:
            excess = amount - outstanding
            overpayment, made = self._new_credit_note(
                {
                    "clientid": invoice["customerid"],
                    "currency_code": invoice["currency_code"],
                    "credit_type": "goodwill",
                    "description": f"Overpayment: invoice {invoice['invoice_number']}",
                    "lines": [{"name": "Overpayment", "qty": 1, "unit_cost": str(excess)}],
                },
                now,
            )
            overpayment.update(credit_type="overpayment", create_date=paid_on)
            events += made
        payment_id = self.data.new_id("payment")
        record = {
            "note": "",
            **{k: v for k, v in values.items() if k in ("note", "transactionid", "orderid")},
            "id": payment_id,
            "logid": payment_id,
            "invoiceid": invoice["id"],
            "clientid": invoice["customerid"],
            "amount": money(amount, invoice["currency_code"]),
            "date": paid_on,
            "type": kind,
            "from_credit": from_credit,
            "creditid": credit_id,
            "overpaymentid": overpayment["id"] if overpayment else None,
            "vis_state": 0,
            "_updated": now,
        }
        self.data.payments[payment_id] = record
        self._after_change("payment", record)
        return record, [("payment.create", payment_id), *events]

    def _edit_payment(self, record, values):
        if "amount" in values:
            amount = number(values["amount"], "amount", positive=True)
            values["amount"] = money(amount, record["amount"]["code"])
        if "date" in values:
            values["date"] = parse_day(values["date"], "date")
        if values.get("type", record["type"]) not in PAYMENT_TYPES:
            raise RefusedError(400, 1004, "Invalid value for field type.", "type")
        return {k: v for k, v in values.items() if k in ("amount", "date", "type", "note")}

    def _new_tax(self, values, now):
        name = str(values.get("name") or "").strip()
        if not name:
            raise RefusedError(400, 1001, "Field name is required.", "name")
        rate = number(values.get("amount", 0), "amount")
        tax_id = self.data.new_id("tax")
        record = {
            "number": "",
            "compound": False,
            **values,
            "id": tax_id,
            "taxid": tax_id,
            "name": name,
            "amount": f"{rate.normalize():f}",
            "_updated": now,
        }
        self.data.taxes[tax_id] = record
        return record, [("tax.create", tax_id)]

    # -- rate limit ---------------------------------------------------------------------
    def limited(self, token):
        """Seconds to wait when ``token`` made ``rate_limit`` calls in the window."""
        now = time.monotonic()
        with self._lock:
            arrivals = self.arrivals.setdefault(token, deque())
            while arrivals and arrivals[0] <= now - self.window:
                arrivals.popleft()
            if len(arrivals) >= self.rate_limit:
                return arrivals[0] + self.window - now
            arrivals.append(now)
        return 0.0

    # -- OAuth ----------------------------------------------------------------------------
    def issue_tokens(self, scope):
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = int(time.time())
        self.access[access] = {"scope": scope, "expires": now + self.access_ttl}
        self.refresh[refresh] = {"scope": scope, "used": False}
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": self.access_ttl,
            "scope": scope,
            "created_at": now,
        }

    def exchange(self, form):
        """The token endpoint: ``(status, body)``."""
        data = self.data
        if (form.get("client_id"), form.get("client_secret")) != (
            data.client_id,
            data.client_secret,
        ):
            return 401, {
                "error": "invalid_client",
                "error_description": "Client authentication failed.",
            }
        with self._lock:
            grant = form.get("grant_type")
            if grant == "authorization_code":
                code = self.codes.pop(form.get("code", ""), None)
                if not code or code["redirect_uri"] != form.get("redirect_uri"):
                    return 400, {"error": "invalid_grant", "error_description": INVALID_GRANT}
                return 200, self.issue_tokens(code["scope"])
            if grant == "refresh_token":
                token = self.refresh.get(form.get("refresh_token", ""))
                if not token or token["used"]:
                    return 400, {"error": "invalid_grant", "error_description": INVALID_GRANT}
                token["used"] = True  # single use: the answer carries the next one
                self.refresh_count += 1
                return 200, self.issue_tokens(token["scope"])
        return 400, {"error": "unsupported_grant_type", "error_description": "Unknown grant."}

    def authorize(self, query):
        """The authorize page, answered as the user would: a redirect to the app's URI
        with a code and the ``state`` given, or ``error=access_denied``."""
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.data.client_id or redirect not in self.data.redirect_uris:
            return 400, None
        if query.get("response_type") != "code":
            params = {"error": "unsupported_response_type"}
        elif not self.approve:
            params = {"error": "access_denied"}
        else:
            code = secrets.token_urlsafe(16)
            with self._lock:
                self.codes[code] = {"redirect_uri": redirect, "scope": query.get("scope", "")}
            params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        return 302, f"{redirect}{'&' if '?' in redirect else '?'}{urlencode(params)}"

    # -- webhooks -------------------------------------------------------------------------
    def _form(self, name, object_id):
        return {
            "name": name,
            "object_id": str(object_id),
            "account_id": self.data.account_id,
            "business_id": str(self.data.business_id),
            "identity_id": str(self.data.identity_id),
            "user_id": "1",
        }

    def register(self, event, uri):
        callback_id = self.data.new_id("callback")
        verifier = secrets.token_urlsafe(24)
        callback = {
            "callbackid": callback_id,
            "event": event,
            "uri": uri,
            "verified": False,
            "updated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "_verifier": verifier,
        }
        self.callbacks[callback_id] = callback
        self.send_verifier(callback)
        return callback

    def send_verifier(self, callback):
        """The verifier POSTed to the callback's URI, after the registration's answer
        (FreshBooks sends it on its own, not within the request)."""
        form = self._form("callback.verify", callback["callbackid"])
        form["verifier"] = callback["_verifier"]
        thread = threading.Timer(self.verify_delay, self._post, (callback["uri"], form, None))
        thread.daemon = True
        thread.start()

    def deliver(self, name, object_id):
        """``name`` (``invoice.update``) for ``object_id`` to every verified callback of
        that event or noun, signed with the callback's verifier."""
        for callback in list(self.callbacks.values()):
            if callback["verified"] and callback["event"] in (name, name.split(".")[0]):
                self._post(callback["uri"], self._form(name, object_id), callback["_verifier"])

    @staticmethod
    def sign(verifier, form):
        """FreshBooks' signature: the base64 HMAC-SHA256 of a JSON string of the form
        data, keyed by the callback's verifier."""
        digest = hmac.new(verifier.encode(), json.dumps(form).encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def _post(self, uri, form, verifier):
        headers = {"X-FreshBooks-Hmac-SHA256": self.sign(verifier, form)} if verifier else {}
        try:
            answer = requests.post(uri, data=form, headers=headers, timeout=10)
            status = answer.status_code
        except requests.RequestException as err:
            status = type(err).__name__
        self.deliveries.append((uri, form, status))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "FreshBooksSim/1.0"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    @property
    def sim(self) -> FreshBooksSim:
        return self.server.sim

    @property
    def data(self) -> Dataset:
        return self.server.sim.data

    def send(self, status, body=None, headers=None, content_type="application/json"):
        if getattr(self, "lose_answer", False):  # done, but the answer never arrives
            self.close_connection = True
            self.connection.shutdown(2)
            return
        payload = (
            b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        )
        answer(self, status, payload, headers, content_type if payload else None)

    def refuse(self, refused, obj=None):
        """A refusal in the envelope of ``sim.error_style`` (a 429 with ``Retry-After``)."""
        if self.sim.error_style == "new":
            metadata = {"object": obj or "", "field": refused.field or ""}
            if refused.value is not None:
                metadata["value"] = str(refused.value)
            body = {
                "code": GRPC_CODES.get(refused.status, 2),
                "message": str(refused),
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": str(refused.errno),
                        "domain": "accounting.api.freshbooks.com",
                        "metadata": metadata,
                    }
                ],
            }
        else:
            error = {"errno": refused.errno, "message": str(refused)}
            if refused.field:
                error["field"] = refused.field
            if obj:
                error["object"] = obj
            if refused.value is not None:
                error["value"] = str(refused.value)
            body = {"response": {"errors": [error]}}
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
        return self.send(refused.status, body, headers)

    def raw_body(self):
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            raise RefusedError(400, 1004, "Invalid request body.")
        return self.rfile.read(int(length)) if int(length) else b""

    def body(self):
        raw = self.raw_body()
        if "json" in (self.headers.get("Content-Type") or ""):
            try:
                return json.loads(raw or b"{}")
            except ValueError:
                raise RefusedError(400, 1004, "Invalid JSON in the request body.") from None
        return {k: v[0] for k, v in parse_qs(raw.decode()).items()}

    def do_GET(self):  # noqa: N802 - stdlib name
        self.route("GET")

    def do_POST(self):  # noqa: N802 - stdlib name
        self.route("POST")

    def do_PUT(self):  # noqa: N802 - stdlib name
        self.route("PUT")

    def do_DELETE(self):  # noqa: N802 - stdlib name
        self.route("DELETE")

    def route(self, method):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        path = parts.path
        self.sim.requests.append((method, path))
        if path == "/oauth/authorize" and method == "GET":
            status, location = self.sim.authorize({k: v[0] for k, v in query.items()})
            return self.send(status, headers={"Location": location} if location else None)
        if path == "/auth/oauth/token" and method == "POST":
            return self.send(*self.sim.exchange(self.body()))
        if self.fault(path, method):
            return None
        token = self.token()
        if token is None:
            return self.send(
                401,
                {
                    "error": "unauthenticated",
                    "error_description": "This action requires authentication to continue.",
                },
            )
        wait = self.sim.limited(token["key"])
        if wait:
            self.sim.rejected += 1
            pause = max(1, round(wait))
            return self.refuse(RefusedError(429, 429, "Too many requests.", retry_after=pause))
        if path == "/auth/api/v1/users/me":
            return self.send(200, {"response": self.identity()})
        segments = path.strip("/").split("/")
        try:
            if segments[:2] == ["accounting", "account"] and len(segments) >= 5:
                return self.accounting(
                    method, token, segments[2], "/".join(segments[3:5]), segments[5:], query
                )
            if segments[:2] == ["events", "account"] and segments[3:5] == ["events", "callbacks"]:
                return self.events(method, segments[2], segments[5:])
        except RefusedError as refused:
            return self.refuse(refused)
        return self.refuse(RefusedError(404, 1012, "Not found."))

    def fault(self, path, method):
        kind = self.sim.take_fault(path, method)
        if kind == "slow":
            time.sleep(6)
            return False
        if kind == "lost":
            self.lose_answer = True
            return False
        if kind == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
        elif kind == "429":
            self.refuse(RefusedError(429, 429, "Too many requests.", retry_after=1))
        elif kind in ("500", "503"):
            self.send(
                int(kind),
                b"<html><body>Internal Server Error</body></html>",
                content_type="text/html",
            )
        elif kind == "html200":
            self.send(200, b"<html><body>Maintenance</body></html>", content_type="text/html")
        elif kind == "401":
            self.send(401, {"error": "unauthenticated", "error_description": "Token revoked."})
        return bool(kind)

    def token(self):
        header = self.headers.get("Authorization") or ""
        key = header.removeprefix("Bearer ").strip()
        token = self.sim.access.get(key)
        if not header.startswith("Bearer ") or not token or token["expires"] < time.time():
            return None
        return {**token, "key": key}

    def identity(self):
        data = self.data
        return {
            "id": data.identity_id,
            "identity_id": data.identity_id,
            "first_name": "Morgan",
            "last_name": "Lee",
            "email": "owner@mapleleaf.example",
            "business_memberships": [
                {
                    "id": 1,
                    "role": "owner",
                    "business": {
                        "id": data.business_id,
                        "name": data.business_name,
                        "account_id": data.account_id,
                        "date_format": "mm/dd/yyyy",
                    },
                }
            ],
        }

    # -- accounting -----------------------------------------------------------------------
    def insufficient_scope(self, token, required):
        provided = token["scope"]
        message = (
            "insufficient_scope: The request requires higher privileges than provided by "
            f"the access token. Provided: ['{provided}']. Required: ['{required}']."
        )
        return self.send(403, {"message": message})

    def accounting(self, method, token, account_id, resource, rest, query):
        spec = RESOURCES.get(resource)
        if account_id != self.data.account_id or spec is None:
            raise RefusedError(404, 1012, "Not found.")
        required = f"user:{spec.scope}:{'read' if method == 'GET' else 'write'}"
        if required not in token["scope"].split():
            return self.insufficient_scope(token, required)
        lines = "lines" in query.get("include[]", [])
        if not rest:
            if method == "GET":
                return self.listing(spec, query, lines)
            if method != "POST":
                raise RefusedError(405, 1004, "Method not allowed.")
            values = self.wrapped(spec)
            record, events = self.sim.create(spec.single, values, notify=False)
            return self.written(spec, record, events)
        if not rest[0].isdigit() or not rest[0].isascii():
            raise RefusedError(404, 1012, f"{spec.single.capitalize()} not found.", "id")
        record_id = int(rest[0])
        if rest[1:] == ["share_link"] and spec.single == "invoice" and method == "GET":
            return self.share_link(record_id, query)
        if len(rest) != 1:
            raise RefusedError(404, 1012, f"{spec.single.capitalize()} not found.", "id")
        if method == "GET":
            record = self.sim._existing(spec.single, record_id)
            shown = public(record, spec.single, lines)
            return self.send(200, {"response": {"result": {spec.single: shown}}})
        if method == "PUT":
            values = self.wrapped(spec)
            record, events = self.sim.update(spec.single, record_id, values, notify=False)
            return self.written(spec, record, events)
        if method == "DELETE" and not spec.soft_delete:
            record, events = self.sim.delete(spec.single, record_id, notify=False)
            return self.written(spec, record, events)
        raise RefusedError(405, 1004, "Method not allowed.")

    def share_link(self, invoice_id, query):
        """*Invoice Links*: a link to view the invoice on FreshBooks' web app, by the
        share method asked (``share_link``, ``email``, ``sms`` or ``pdf``)."""
        invoice = self.sim._existing("invoice", invoice_id)
        method = query.get("share_method", ["share_link"])[0]
        if method not in ("share_link", "email", "sms", "pdf"):
            raise RefusedError(400, 1001, "Invalid share_method.", "share_method", method)
        token = hashlib.sha256(f"{self.data.account_id}/{invoice['id']}".encode()).hexdigest()
        link = self.sim.share_links.get(invoice["id"]) or (
            f"https://my.freshbooks.com/#/link/{token[:40]}?type=secondary&share_method={method}"
        )
        result = {
            "clientid": invoice["customerid"],
            "resource_type": "invoice",
            "resourceid": str(invoice["id"]),
            "share_link": link,
            "share_method": method,
        }
        return self.send(200, {"response": {"result": {"share_link": result}}})

    def wrapped(self, spec):
        """The body's record: ``{"<noun>": {...}}``."""
        body = self.body()
        values = body.get(spec.single) if isinstance(body, dict) else None
        if not isinstance(values, dict):
            raise RefusedError(
                400, 1001, f"The body must hold a {spec.single} object.", spec.single
            )
        return values

    def written(self, spec, record, events):
        """The whole record answered, then its events delivered (after the answer, as
        FreshBooks sends them on its own)."""
        self.send(200, {"response": {"result": {spec.single: public(record, spec.single, True)}}})
        for name, object_id in events:
            self.sim.deliver(name, object_id)

    def listing(self, spec, query, lines):
        records = getattr(self.data, spec.attr)
        per_page_text = query.get("per_page", ["15"])[0]
        page_text = query.get("page", ["1"])[0]
        if not per_page_text.isdigit() or not per_page_text.isascii() or int(per_page_text) < 1:
            raise RefusedError(400, 1013, "Invalid per_page.", "per_page", per_page_text)
        if not page_text.isdigit() or not page_text.isascii():
            raise RefusedError(400, 1014, "Invalid page.", "page", page_text)
        with self.sim._lock:
            chosen = list(records.values())
        if "search[updated_min]" in query:
            since = parse_day(query["search[updated_min]"][0], "updated_min")
            chosen = [r for r in chosen if eastern_day(r["_updated"]) >= since]
        if "search[updated_max]" in query:
            until = parse_day(query["search[updated_max]"][0], "updated_max")
            chosen = [r for r in chosen if eastern_day(r["_updated"]) < until]
        if "search[email]" in query:
            email = query["search[email]"][0].strip().lower()
            chosen = [r for r in chosen if str(r.get("email") or "").lower() == email]
        if "search[vis_state]" in query:
            state = query["search[vis_state]"][0]
            chosen = [r for r in chosen if str(r.get("vis_state", 0)) == state]
        elif spec.single != "tax":  # active and archived unless asked
            chosen = [r for r in chosen if r.get("vis_state", 0) != 1]
        per_page = min(int(per_page_text), 100)
        page = max(int(page_text), 1)
        pages = max(1, -(-len(chosen) // per_page))
        shown = chosen[(page - 1) * per_page : page * per_page]
        result = {
            spec.plural: [public(r, spec.single, lines) for r in shown],
            "page": page,
            "pages": pages,
            "per_page": per_page,
            "total": len(chosen),
        }
        return self.send(200, {"response": {"result": result}})

    # -- webhooks ---------------------------------------------------------------------------
    def events(self, method, account_id, rest):
        if account_id != self.data.account_id:
            return self.send(404, {"errno": 1003, "message": "Not found."})
        callbacks = self.sim.callbacks
        if not rest:
            if method == "POST":
                values = self.body().get("callback", {})
                if not values.get("event") or not str(values.get("uri", "")).startswith("http"):
                    return self.send(422, {"errno": 422, "message": "Unrecognized event or URI."})
                callback = self.sim.register(values["event"], values["uri"])
                return self.send(
                    200, {"response": {"result": {"callback": public(callback, "callback")}}}
                )
            listed = [public(c, "callback") for c in callbacks.values()]
            result = {
                "callbacks": listed,
                "page": 1,
                "pages": 1,
                "per_page": 100,
                "total": len(listed),
            }
            return self.send(200, {"response": {"result": result}})
        callback = callbacks.get(int(rest[0])) if rest[0].isdigit() else None
        if callback is None:
            return self.send(404, {"errno": 1012, "message": "Callback not found."})
        if method == "DELETE":
            del callbacks[callback["callbackid"]]
            return self.send(204)
        if method == "PUT":
            values = self.body().get("callback", {})
            if values.get("resend"):
                self.sim.send_verifier(callback)
            elif hmac.compare_digest(str(values.get("verifier", "")), callback["_verifier"]):
                callback["verified"] = True
            else:
                return self.send(422, {"errno": 422, "message": "Verifier does not match."})
        return self.send(200, {"response": {"result": {"callback": public(callback, "callback")}}})
