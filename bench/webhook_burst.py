"""A burst of FreshBooks webhook deliveries against an Odoo server with 2 workers.

A fresh database with connector_freshbooks, its backend connected to the simulator
(quick dataset) and its webhooks registered and verified, then nothing imported: 1,000
signed ``invoice.create`` deliveries for 500 distinct invoices (each delivered twice, the
copy at a random later moment), sent by 8 clients at once, while another client opens
``/web/login`` every 0.2 s; queue_job runs ``--capacity`` jobs at once (one below the
workers: a worker stays free for the web). Timed until the queue is drained; checked:
every invoice imported once (a binding each, one import job each), none lost, none
twice.

    .venv/bin/python bench/webhook_burst.py [--db freshbooks_burst]
"""

import argparse
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tools"), str(REPO / "bench")]

from demo import superuser_env  # noqa: E402
from demo_freshbooks import setup  # noqa: E402
from run import RssSampler, fresh_database, start_server  # noqa: E402
from run_odoo import ensure_key, free_port  # noqa: E402

from tests.freshbooks_sim import FreshBooksSim, generate  # noqa: E402

DISTINCT = 500
CLIENTS = 8


class LoginProbe(threading.Thread):
    """``/web/login`` every 0.2 s: the answers' seconds."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url, self.seconds, self.running = f"{url}/web/login", [], True

    def run(self):
        while self.running:
            started = time.monotonic()
            status = requests.get(self.url, timeout=30).status_code
            self.seconds.append(time.monotonic() - started if status == 200 else 99.0)
            time.sleep(0.2)


def verified(registry):
    with registry.cursor() as cr:
        hooks = superuser_env(cr)["freshbooks.webhook"].search([])
        return len(hooks) == 4 and all(hooks.mapped("verified"))


def burst(db, port, workers, capacity):
    dataset = generate("bench-quick", seed=7)
    registry = fresh_database(db, ("connector_freshbooks",))
    odoo_url = f"http://127.0.0.1:{port}"
    dataset.redirect_uris.append(f"{odoo_url}/freshbooks/auth/callback")
    with FreshBooksSim(dataset, rate_limit=1000, window=6.0) as sim:
        backend_id, _business = setup(registry, sim, odoo_url)
        server = start_server(db, port, workers, channel="root.freshbooks", capacity=capacity)
        sampler = RssSampler(server.pid)
        sampler.start()
        probe = LoginProbe(odoo_url)
        try:
            time.sleep(5)  # the server and its job runner start
            with registry.cursor() as cr:
                superuser_env(cr)["freshbooks.backend"].browse(backend_id).write(
                    {"rate_limit_calls": 1000}
                )
                superuser_env(cr)["freshbooks.backend"].browse(
                    backend_id
                ).action_register_webhooks()
            deadline = time.monotonic() + 120
            while not verified(registry):
                if time.monotonic() > deadline:
                    raise TimeoutError("webhooks not verified")
                time.sleep(0.5)
            chosen = random.Random(3).sample(sorted(dataset.invoices), DISTINCT)
            deliveries = chosen + random.Random(4).sample(chosen, DISTINCT)  # each twice
            random.Random(5).shuffle(deliveries)
            sim.deliveries.clear()
            probe.start()
            started = time.monotonic()
            with ThreadPoolExecutor(CLIENTS) as pool:
                list(pool.map(lambda i: sim.deliver("invoice.create", i), deliveries))
            sent = time.monotonic() - started
            drained = wait_drained(registry)
            total = time.monotonic() - started
            probe.running = False
            return report(registry, sim, chosen, sent, total, drained, probe, sampler)
        finally:
            probe.running = False
            sampler.running = False
            server.terminate()
            server.wait(60)


def wait_drained(registry, timeout=1800):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM queue_job WHERE state NOT IN ('done', 'failed', 'cancelled')"
            )
            if not cr.fetchone()[0]:
                return time.monotonic() - started
        time.sleep(0.25)
    raise TimeoutError("jobs still open")


def report(registry, sim, chosen, sent, total, drained, probe, sampler):
    statuses = [status for _uri, _form, status in sim.deliveries]
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(DISTINCT external_id), count(*) FROM freshbooks_account_move "
            "WHERE external_id = ANY(%s)",
            [[str(i) for i in chosen]],
        )
        bound, bindings = cr.fetchone()
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE state = 'failed') FROM queue_job "
            "WHERE model_name = 'freshbooks.account.move' AND method_name = 'import_record'"
        )
        jobs, failed = cr.fetchone()
    return {
        "deliveries": len(statuses),
        "answered 200": statuses.count(200),
        "sent in (s)": round(sent, 1),
        "distinct invoices": len(chosen),
        "imported": bound,
        "bindings": bindings,
        "import jobs": jobs,
        "failed jobs": failed,
        "lost": len(chosen) - bound,
        "drained after the last delivery (s)": round(drained, 1),
        "first delivery to drained (s)": round(total, 1),
        "/web/login median (s)": round(statistics.median(probe.seconds), 3),
        "/web/login worst (s)": round(max(probe.seconds), 3),
        "peak RSS, server tree (MB)": round(sampler.peak / 2**20),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="freshbooks_burst")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--capacity", type=int, default=1, help="jobs at once (leave a worker to the web)"
    )
    args = parser.parse_args()
    ensure_key()
    figures = burst(args.db, free_port(), args.workers, args.capacity)
    text = "\n".join(f"{name:<40}{value}" for name, value in figures.items())
    print(text)
    (REPO / ".venv" / "bench-webhook-burst.txt").write_text(text + "\n")
    ok = figures["lost"] == 0 and figures["bindings"] == figures["imported"] == DISTINCT
    return 0 if ok and figures["import jobs"] == DISTINCT else 1


if __name__ == "__main__":
    sys.exit(main())
