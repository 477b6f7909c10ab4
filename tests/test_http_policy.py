"""Every HTTP client against a misbehaving server on 127.0.0.1: answers too large or
trickling, redirect loops and redirects elsewhere, pauses announced for ever, HTML where
JSON was due, credentials echoed back in every encoding. Each ends in the project's
error classes, within its deadline, with no credential in any message."""

import base64
import html
import json
import math
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import pytest

from odoo.addons.connector_accounting_base.api.http import Redactor
from odoo.addons.connector_accounting_base.api.limiter import forget_limiters
from odoo.addons.connector_smartbill.api import (
    RateLimitedError,
    SmartBillError,
    SmartBillV1Client,
    SmartBillV3Client,
    TransientError,
    ValidationError,
)
from odoo.addons.connector_smartbill.api.bnr import BnrClient
from odoo.addons.connector_smartbill.efactura import EFacturaError
from odoo.addons.connector_smartbill.efactura.source import DocumentFolder
from odoo.addons.connector_smartbill.efactura.spv import SpvClient, SpvError

TOKEN = "003|s3cr3t-token-value/+=&<>\"'"
EMAIL = "api@example.ro"


def echoes(secret):
    """A secret in every form a server may echo it back."""
    return [
        secret,
        base64.b64encode(secret.encode()).decode(),
        base64.b64encode(f"{EMAIL}:{secret}".encode()).decode(),
        quote(secret, safe=""),
        quote_plus(secret),
        html.escape(secret),
        json.dumps(secret)[1:-1],
    ]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        path = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        port = self.server.server_address[1]
        if path == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            chunk = b" " * (1 << 20)
            try:
                for _ in range(150):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                return
        elif path == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.3)
            except (BrokenPipeError, ConnectionResetError):
                return
        elif path == "loop":
            self.answer(302, headers=[("Location", self.path)])
        elif path == "away":
            self.answer(302, headers=[("Location", f"http://localhost:{port}/tax")])
        elif path == "forever":
            self.answer(429, b"{}", [("Retry-After", "99999999999")])
        elif path == "inf":
            self.answer(429, b"{}", [("Retry-After", "inf"), ("X-RateLimit-Reset", "inf")])
        elif path == "reset2100":
            self.answer(429, b"{}", [("X-RateLimit-Reset", "4102444800")])
        elif "html" in self.path or path in ("listaMesajePaginatieFactura", "index.json"):
            self.answer(200, b"<html>Maintenance</html>", [("Content-Type", "text/html")])
        else:  # echo: the credentials it received, in every form
            received = self.headers.get("Authorization", "")
            body = json.dumps(
                {"errorText": " ".join([received, *echoes(TOKEN)]), "errors": []}
            ).encode()
            self.answer(401, body, [("Content-Type", "application/json")])


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def v1(base_url, **options):
    forget_limiters()
    return SmartBillV1Client(
        EMAIL, TOKEN, "RO123", base_url=base_url, timeout=(1.0, 1.0), max_retries=0,
        max_rate_wait=1.0, **options,
    )  # fmt: skip


def no_secret_in(text):
    assert not [form for form in echoes(TOKEN) if form in text], text


def test_answer_larger_than_the_cap_is_refused_without_reading_it(server):
    started = time.monotonic()
    with pytest.raises(ValidationError, match="larger than 26214400 bytes"):
        v1(f"{server}/huge")._get("")
    assert time.monotonic() - started < 5


def test_trickling_answer_ends_at_the_deadline(server):
    started = time.monotonic()
    with pytest.raises(TransientError, match="No complete answer within 2 s"):
        v1(f"{server}/trickle")._get("")
    assert time.monotonic() - started < 3.5


def test_redirect_loop_and_redirect_elsewhere(server):
    with pytest.raises(TransientError, match="more than 3 redirects"):
        v1(f"{server}/loop")._get("")
    with pytest.raises(ValidationError, match="redirected to another host"):
        v1(f"{server}/away")._get("")


@pytest.mark.parametrize("path", ["forever", "inf", "reset2100"])
def test_pause_announced_for_ever_ends_the_job_with_its_time(server, path):
    client = v1(f"{server}/{path}")
    with pytest.raises(RateLimitedError) as caught:
        client._get("")
    err = caught.value
    assert err.retry_at <= time.time() + 3601
    if path != "inf":  # inf is not a number of seconds: SmartBill's 10-minute block
        assert not err.retryable
        assert "not waited for" in str(err)
    # the token is paused an hour at most, and the job's retry is a finite time
    assert client.limiter.state()["blocked_until"] <= time.time() + 3601
    assert math.isfinite(err.retry_at)  # what the job's retry time is built from


def test_no_credential_in_any_message_whatever_the_encoding(server):
    for client in (
        v1(f"{server}/echo"),
        SmartBillV3Client(TOKEN, "RO123", base_url=f"{server}/echo", timeout=(1.0, 1.0)),
    ):
        with pytest.raises(SmartBillError) as caught:
            client.request("echo")
        no_secret_in(str(caught.value))
    redact = Redactor([TOKEN, f"{EMAIL}:{TOKEN}"])
    no_secret_in(redact(" ".join(echoes(TOKEN))))
    assert redact("https://user:pass@host/folder/") == "https://***@host/folder/"


def test_credentials_go_over_https_only_but_to_the_loopback():
    with pytest.raises(ValidationError, match="credentials are sent over https only"):
        v1("http://smartbill.example.com/SBORO/api")._get("tax")
    with pytest.raises(SpvError, match="is not ANAF's"):
        SpvClient("anaf-token", base_url="https://evil.example.com/prod/FCTEL/rest")
    with pytest.raises(SpvError, match="is not ANAF's"):
        SpvClient("anaf-token", base_url="http://127.0.0.1:9/prod/FCTEL/rest")  # no test mode
    SpvClient("anaf-token", base_url="http://127.0.0.1:9/prod/FCTEL/rest", test_mode=True)


def test_html_where_json_was_due(server):
    spv = SpvClient("anaf-token", base_url=server, test_mode=True)
    with pytest.raises(SpvError, match="unreadable") as caught:
        list(spv.messages("123", date(2026, 1, 1)))
    assert caught.value.retryable
    with pytest.raises(EFacturaError, match="index.json is not a list"):
        DocumentFolder(server).list()
    with pytest.raises(ValidationError, match="BNR rates are not BNR's XML"):
        BnrClient(f"{server}/html").year(2026)


@pytest.mark.parametrize(
    "name", ["//evil.example.com/a.zip", "http://evil.example.com/a.zip", "../a.zip", "a b.zip"]
)
def test_folder_fetches_plain_file_names_only(server, name):
    with pytest.raises(EFacturaError, match="is not a file name of the folder"):
        DocumentFolder(server).download(name)


def test_folder_credentials_never_shown(server):
    folder = DocumentFolder(f"{server.replace('://', '://me:pa55word@')}/missing/")
    with pytest.raises(EFacturaError) as caught:
        folder.download("a.zip")
    assert "pa55word" not in str(caught.value)
    assert folder.http.session.auth == ("me", "pa55word")
