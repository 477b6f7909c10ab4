"""An HTTP server that behaves like FreshBooks' API, on 127.0.0.1.

Pages of FreshBooks' public documentation followed (freshbooks.com/api):
*Authentication* (OAuth 2.0 authorization-code grant: ``/oauth/authorize``,
``/auth/oauth/token``, access tokens of 12 hours, single-use refresh tokens),
*Business, Roles, and Identity* (``/auth/api/v1/users/me``), *Clients*, *Invoices*
(``include[]=lines``), *Payments*, *Taxes*, *Pagination* (``page``, ``per_page`` up to
100, the ``page``/``pages``/``per_page``/``total`` answer), *Searching*
(``search[updated_min]``, ``search[vis_state]``), *Webhooks* (callbacks registered per
event, the verifier POSTed to the callback URI and sent back with a PUT, deliveries
signed with ``X-FreshBooks-Hmac-SHA256``). The official SDK (``freshbooks-sdk``) reads
it unchanged when ``FRESHBOOKS_API_URL`` and ``FRESHBOOKS_AUTH_URL`` point here.

Accounting time stamps go out as FreshBooks gives them: zone-naive ``yyyy-MM-dd
HH:mm:ss`` in US/Eastern (a client's ``signup_date`` in UTC). Faults are injected per test
with :meth:`FreshBooksSim.inject`; ``chaos`` gives that share of the API's answers one.
"""

import base64
import hashlib
import hmac
import json
import random
import secrets
import threading
import time
from collections import deque
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import requests

from .dataset import Dataset, generate, settle

EASTERN = ZoneInfo("US/Eastern")
ACCESS_TTL = 12 * 3600  # FreshBooks' access tokens last 12 hours
SCOPES = {
    "users/clients": "user:clients:read",
    "invoices/invoices": "user:invoices:read",
    "payments/payments": "user:payments:read",
    "taxes/taxes": "user:taxes:read",
}
WRITE_SCOPES = {"users/clients": "user:clients:write"}
RESOURCES = {  # path -> (dataset attribute, single name, list name)
    "users/clients": ("clients", "client", "clients"),
    "invoices/invoices": ("invoices", "invoice", "invoices"),
    "payments/payments": ("payments", "payment", "payments"),
    "taxes/taxes": ("taxes", "tax", "taxes"),
}
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
FAULTS = {"429", "500", "503", "drop", "slow", "html200", "401", "lost"}
CHAOS = ("429", "500", "drop", "slow")


def eastern(moment):
    """An aware datetime as FreshBooks prints accounting time stamps."""
    return moment.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M:%S")


def parse_time(text):
    """``search[updated_min]`` as FreshBooks reads it: ISO 8601 with a zone, or zone-naive
    US/Eastern (in the hour a clock goes back, its first occurrence)."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=EASTERN)


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
    if kind == "invoice":
        shown["created_at"] = eastern(record["_created"])
    return shown


def _errors(message, errno, status_field=None):
    error = {"errno": errno, "message": message}
    if status_field:
        error["field"] = status_field
    return {"response": {"errors": [error]}}


class FreshBooksSim:
    """Start with :meth:`start` (a thread); ``url`` is both ``FRESHBOOKS_API_URL`` and
    ``FRESHBOOKS_AUTH_URL``. ``rate_limit`` calls per ``window`` seconds per access token
    are answered; more get 429 with a ``Retry-After``."""

    def __init__(self, dataset=None, *, port=0, rate_limit=100, window=60.0, chaos=0.0, seed=0):
        self.data = dataset or generate("demo")
        self.rate_limit, self.window = rate_limit, window
        self.access_ttl = ACCESS_TTL
        self.approve = True  # what the user answers on the authorize page
        self.codes, self.access, self.refresh = {}, {}, {}
        self.callbacks, self.deliveries = {}, []
        self.faults, self.requests, self.arrivals = [], [], {}
        self.refresh_count = 0
        self.rejected = 0  # calls answered 429 for the rate
        self.chaos, self.chaos_faults = chaos, 0
        self._random = random.Random(seed)
        self._lock = threading.RLock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.sim = self

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

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
        """A change made in FreshBooks: the record gets ``values`` and a new change time;
        the webhooks of ``<kind>.update`` are delivered unless ``notify`` is false (a
        missed webhook)."""
        records = getattr(self.data, RESOURCES[_path_of(kind)][0])
        with self._lock:
            record = records[record_id]
            record.update(values, _updated=datetime.now(UTC))
            if kind == "payment":
                settle(self.data, self.data.invoices[record["invoiceid"]])
        if notify:
            self.deliver(f"{kind}.update", record_id)
        return record

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
        thread = threading.Timer(0.05, self._post, (callback["uri"], form, None))
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


def _path_of(kind):
    return next(path for path, (_attr, single, _list) in RESOURCES.items() if single == kind)


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
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if "json" in (self.headers.get("Content-Type") or ""):
            return json.loads(raw or b"{}")
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
            return self.send(
                429, _errors("Too many requests.", 429), {"Retry-After": f"{wait:.0f}"}
            )
        if path == "/auth/api/v1/users/me":
            return self.send(200, {"response": self.identity()})
        segments = path.strip("/").split("/")
        if segments[:2] == ["accounting", "account"] and len(segments) >= 5:
            return self.accounting(
                method, token, segments[2], "/".join(segments[3:5]), segments[5:], query
            )
        if segments[:2] == ["events", "account"] and segments[3:5] == ["events", "callbacks"]:
            return self.events(method, segments[2], segments[5:])
        return self.send(404, _errors("Not found.", 404))

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
            self.send(429, _errors("Too many requests.", 429), {"Retry-After": "1"})
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
    def accounting(self, method, token, account_id, resource, rest, query):
        if account_id != self.data.account_id or resource not in RESOURCES:
            return self.send(404, _errors("Not found.", 1003))
        scope = (WRITE_SCOPES.get(resource) if method != "GET" else None) or SCOPES[resource]
        if scope not in token["scope"].split():
            return self.send(403, _errors("The access token does not allow this.", 1003))
        attr, single, plural = RESOURCES[resource]
        records = getattr(self.data, attr)
        lines = "lines" in query.get("include[]", [])
        if rest:
            record = records.get(int(rest[0])) if rest[0].isdigit() else None
            if record is None:
                return self.send(404, _errors(f"{single.capitalize()} not found.", 1012, "id"))
            if method == "PUT":
                record.update(self.body().get(single, {}), _updated=datetime.now(UTC))
            elif method == "DELETE":
                del records[record["id"]]
                return self.send(200, {"response": {"result": {}}})
            return self.send(200, {"response": {"result": {single: public(record, single, lines)}}})
        if method == "POST":
            values = self.body().get(single, {})
            record = {
                **values,
                "id": self.data.new_id(single),
                "vis_state": 0,
                "_updated": datetime.now(UTC),
            }
            if single == "client":
                record["userid"] = record["id"]
            records[record["id"]] = record
            return self.send(200, {"response": {"result": {single: public(record, single)}}})
        return self.listing(records, single, plural, query, lines)

    def listing(self, records, single, plural, query, lines):
        chosen = list(records.values())
        if "search[updated_min]" in query:
            since = parse_time(query["search[updated_min]"][0])
            chosen = [r for r in chosen if r["_updated"] >= since]
        if "search[updated_max]" in query:
            until = parse_time(query["search[updated_max]"][0])
            chosen = [r for r in chosen if r["_updated"] <= until]
        if "search[email]" in query:
            email = query["search[email]"][0].strip().lower()
            chosen = [r for r in chosen if str(r.get("email") or "").lower() == email]
        if "search[vis_state]" in query:
            chosen = [r for r in chosen if r["vis_state"] == int(query["search[vis_state]"][0])]
        per_page = min(int(query.get("per_page", ["15"])[0]), 100)
        page = max(int(query.get("page", ["1"])[0]), 1)
        pages = max(1, -(-len(chosen) // per_page))
        shown = chosen[(page - 1) * per_page : page * per_page]
        result = {
            plural: [public(r, single, lines) for r in shown],
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
