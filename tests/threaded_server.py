"""What the simulators share: an HTTP server answering in a thread of its own."""

import threading
from http.server import ThreadingHTTPServer


class ThreadedServer:
    """A simulator's server: ``httpd`` serves ``handler`` (which finds the simulator as
    ``self.server.sim``); start it with :meth:`start` (a thread) or run
    :meth:`serve_forever`; a context manager stops it."""

    def __init__(self, handler, host="127.0.0.1", port=0):
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.httpd.sim = self

    @property
    def origin(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def serve_forever(self):
        self.httpd.serve_forever()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def answer(handler, status, payload, headers=None, content_type=None):
    """Send ``payload`` (bytes) as ``handler``'s answer, with ``headers``."""
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(payload)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(payload)
