"""The other end of the simulator's webhooks: an endpoint on 127.0.0.1 that keeps every
POST it gets, as FreshBooks sent it."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


class Receiver:
    """``url`` takes webhook deliveries; ``received`` holds each as (headers, body bytes)."""

    def __init__(self, path="/hook"):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 - stdlib name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def wait(self, count, timeout=5.0):
        """The deliveries once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.received) >= count, f"{len(self.received)} deliveries, expected {count}"
        return self.received

    @staticmethod
    def form(body):
        """A delivery's form data, in the order sent."""
        return dict(parse_qsl(body.decode()))

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
