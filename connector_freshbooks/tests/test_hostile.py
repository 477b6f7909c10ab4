# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""FreshBooks' public routes under hostile traffic, through Odoo's HTTP server: a chunked
16 MiB body and an oversized one refused before they are read, a slow sender cut off by
the deadline, only POST reaching the webhook, a verifier signing only its own event, 20
replays making one job (a later change still imported), a refused request logging a
fixed line of bounded size, and the OAuth routes' parameters parsed strictly (400)."""

import contextlib
import os
import socket
import time
from urllib.parse import urlencode, urlsplit

import requests

from odoo.tests import tagged

from odoo.addons.connector_accounting_base.tests.common import run_stored_jobs

from .test_webhooks import WebhookCase

MIB = 1 << 20


def rss():
    """This process's resident memory (the test server runs in it), in bytes."""
    with open(f"/proc/{os.getpid()}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


@tagged("post_install", "-at_install")
class TestHostile(WebhookCase):
    def raw(self, head, body=b"", trickle=None, read_timeout=15):
        """``head`` (request line and headers) then ``body`` (bytes, or an iterable of
        them) sent on a socket of its own, ``trickle`` seconds between its bytes if set:
        the status and the seconds it took to come."""
        url = urlsplit(self.base_url())
        started = time.monotonic()
        with socket.create_connection((url.hostname, url.port), timeout=read_timeout) as sock:
            sock.sendall(head.encode())
            # the server may close before all is sent: what it answered is still to read
            with contextlib.suppress(OSError):
                if trickle:
                    for byte in body:
                        sock.sendall(bytes([byte]))
                        time.sleep(trickle)
                else:
                    for part in [body] if isinstance(body, bytes) else body:
                        sock.sendall(part)
            answer = sock.recv(200).decode(errors="replace")
        return int(answer.split()[1]), time.monotonic() - started

    def head(self, length=None, chunked=False, method="POST"):
        lines = [f"{method} /freshbooks/webhook/{self.backend.id} HTTP/1.1", "Host: localhost"]
        lines.append("Content-Type: application/x-www-form-urlencoded")
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        if length is not None:
            lines.append(f"Content-Length: {length}")
        return "\r\n".join(lines) + "\r\n\r\n"

    def test_a_chunked_16_mib_body_is_refused_unread(self):
        chunk = b"10000\r\n" + b"a" * 65536 + b"\r\n"
        body = (chunk for _ in range(256))  # 16 MiB, made as it is sent
        before = rss()
        with self.allow_requests(all_requests=True):
            status, seconds = self.raw(self.head(chunked=True), body)
        self.assertEqual(status, 413)
        self.assertLess(seconds, 5.0)
        self.assertLess(rss() - before, 10 * MIB)
        self.assertIn("A chunked request body is not accepted here.", "\n".join(self.logged))

    def test_an_announced_oversize_is_refused_at_once_and_a_slow_sender_cut_off(self):
        with self.allow_requests(all_requests=True):
            status, seconds = self.raw(self.head(length=300000), b"x" * 512)
            self.assertEqual(status, 413)
            self.assertLess(seconds, 1.0)
            status, seconds = self.raw(self.head(length=300), b"name=x" * 50, trickle=0.5)
        self.assertEqual(status, 408)
        self.assertLess(seconds, 7.0)

    def test_only_post_reaches_the_webhook(self):
        self.register()
        invoice = next(iter(self.sim.data.invoices.values()))
        form, signed = self.signed_delivery("invoice.update", invoice["id"])
        with self.allow_requests(all_requests=True):
            for method in ("OPTIONS", "PUT", "GET", "DELETE", "PATCH"):
                answer = requests.request(method, self.uri, data=form, headers=signed, timeout=10)
                self.assertEqual(answer.status_code, 405, method)
        self.env.invalidate_all()
        self.assertFalse(self.import_jobs(invoice["id"]))

    def test_a_verifier_signs_only_its_own_event(self):
        self.register()
        client = next(iter(self.sim.data.clients.values()))
        form, signed = self.signed_delivery("client.update", client["id"], signer="invoice")
        with self.allow_requests(all_requests=True):
            answer = requests.post(self.uri, data=form, headers=signed, timeout=10)
        self.assertEqual(answer.status_code, 401)

    def test_twenty_replays_make_one_job_and_a_later_change_another(self):
        self.register()
        invoice = next(iter(self.sim.data.invoices.values()))
        self.sim.deliveries.clear()
        with self.allow_requests(all_requests=True):
            self.sim.deliver("invoice.update", invoice["id"])
            run_stored_jobs(self.env, "root.freshbooks")  # the import ran and is done
            for _replay in range(20):
                self.sim.deliver("invoice.update", invoice["id"])
        self.assertEqual([status for _u, _f, status in self.sim.deliveries], [200] * 21)
        jobs = self.env["queue.job"].search(
            [("method_name", "=", "import_record"), ("func_string", "like", f"'{invoice['id']}'")]
        )
        self.assertEqual(len(jobs), 1)
        # a change after the window: imported again
        self.env.cr.execute(
            "UPDATE connector_webhook_event SET received = received - interval '2 minutes'"
        )
        with self.allow_requests(all_requests=True):
            self.sim.change("invoice", invoice["id"])
        self.assertEqual(len(self.import_jobs(invoice["id"])), 1)

    def test_a_refused_request_logs_a_fixed_bounded_line(self):
        form = {**self.sim._form("callback.verify", 1), "verifier": "v" * 40}
        form.update({f"extra_field_{n}_{'x' * 80}": "y" for n in range(20)})
        with self.allow_requests(all_requests=True):
            answer = requests.post(self.uri, data=form, timeout=10)
        self.assertIn(answer.status_code, (401, 413))
        lines = [line for line in self.logged if "webhook" in line.lower()]
        self.assertTrue(lines)
        self.assertFalse([line for line in lines if "extra_field" in line or "xxxx" in line])
        self.assertLess(max(map(len, lines)), 300)

    def test_a_backend_id_past_any_integer_is_no_backend(self):
        form = self.sim._form("invoice.update", 1)
        with self.allow_requests(all_requests=True):
            answer = requests.post(
                f"{self.base_url()}/freshbooks/webhook/{'9' * 30}", data=form, timeout=10
            )
        self.assertEqual(answer.status_code, 401)

    def test_oauth_parameters_are_parsed_strictly(self):
        self.authenticate("admin", "admin")
        for query in ({"backend_id": "²"}, {"backend_id": "1" * 40}, {"backend_id": "-1"}):
            answer = self.url_open(
                f"/freshbooks/auth/start?{urlencode(query)}", allow_redirects=False
            )
            self.assertEqual(answer.status_code, 400, query)
        for query in (
            {"state": "s" * 600},
            {"state": "abc", "code": "<script>"},
            {"error": "x" * 100},
        ):
            answer = self.url_open(
                f"/freshbooks/auth/callback?{urlencode(query)}", allow_redirects=False
            )
            self.assertEqual(answer.status_code, 400, query)
