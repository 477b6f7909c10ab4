"""Ledgerly, served in a few lines: its authorize page (which sends the user straight
back with a code), its token endpoint, its contacts, and the signature of its webhooks."""

import hashlib
import hmac
import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


class LedgerlySim:
    def __init__(self, webhook_secret="ledgerly-webhook-secret"):
        self.contacts, self.tokens, self.secret = {}, set(), webhook_secret
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (Handler,), {"sim": self}))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def put(self, contact_id, **values):
        stamp = datetime.now().isoformat(timespec="microseconds")
        self.contacts[contact_id] = {"id": contact_id, "updated": stamp, **values}

    def delivery(self, event, contact_id):
        """The form Ledgerly posts for ``event`` and its signature."""
        body = urlencode([("event", event), ("id", contact_id)])
        return body, hmac.new(self.secret.encode(), body.encode(), hashlib.sha256).hexdigest()


class Handler(BaseHTTPRequestHandler):
    sim = None

    def log_message(self, *args):
        pass

    def answer(self, status, body=None, location=None):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        data = json.dumps(body or {}).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/oauth/authorize":
            back = {"code": "code-1", "state": query["state"]}
            return self.answer(302, location=f"{query['redirect_uri']}?{urlencode(back)}")
        if self.headers.get("Authorization", "")[7:] not in self.sim.tokens:
            return self.answer(401)
        if url.path == "/contacts":
            since = query.get("since", "")
            changed = [c for c in self.sim.contacts.values() if c["updated"] >= since]
            return self.answer(200, {"contacts": changed, "pages": 1})
        contact = self.sim.contacts.get(url.path.rpartition("/")[2])
        return self.answer(200, {"contact": contact}) if contact else self.answer(404)

    def do_POST(self):  # noqa: N802 - the token endpoint
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        if form.get("client_secret") != ["app-secret"]:
            return self.answer(401, {"error": "invalid_client"})
        token = f"token-{len(self.sim.tokens)}"
        self.sim.tokens.add(token)
        grant = {"access_token": token, "refresh_token": f"refresh-{token}", "expires_in": 3600}
        return self.answer(200, {**grant, "scope": "contacts:read"})
