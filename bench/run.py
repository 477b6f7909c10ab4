"""connector_smartbill benchmark: the connector end to end against the simulator.

A fresh database, the simulator serving a generated company, and Odoo started as a server
with queue_job's own job runner (``--load=base,web,queue_job``, ``--workers`` HTTP workers,
channel ``root.smartbill`` at that capacity; the rate-limit window is kept in the
database, shared by the processes). Each phase is queued from here and timed until its
last job ends; the figures come from the sync runs, the
simulator's per-token counters and the Odoo processes' RSS. Prints one table.

    .venv/bin/python bench/run.py --size 1k [--size 10k] [--db smartbill_bench]
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import psutil
import psycopg2

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tools")]

from demo import create_backend, link_warehouses, load_registry, superuser_env  # noqa: E402
from run_odoo import (  # noqa: E402
    ADDONS,
    ensure_key,
    free_port,
    odoo_command,
    odoo_src,
    recreate_database,
)

from tests.smartbill_sim import SimServer, generate  # noqa: E402

# preset, invoices, SmartBill's 10-s rate window as run (10: the real limits; 1: x10)
SIZES = {
    "quick": ("bench-1k", 150, 1.0),
    "1k": ("bench-1k", 1000, 10.0),
    "10k": ("bench-10k", 10000, 1.0),
}
BARE_SAMPLE = 2000  # invoices re-created by the bare ORM baseline (its rate is per invoice)
OPEN = "('pending', 'enqueued', 'started', 'wait_dependencies')"


class RssSampler(threading.Thread):
    """Peak RSS of a process tree (the Odoo server, its worker and its job runner)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak = 0
        self.running = True

    def run(self):
        while self.running:
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                self.peak = max([self.peak] + [p.memory_info().rss for p in procs])
            except psutil.Error:
                pass
            time.sleep(0.2)

    def take(self):
        peak, self.peak = self.peak, 0
        return peak


class Autovacuum(threading.Thread):
    """What PostgreSQL's autovacuum does on a server with its default settings, for a
    server that runs without it (this machine's: ``autovacuum = off``): each minute, a
    table with more dead rows than 50 + 20 % of its rows is vacuumed, and one changed by
    more than 50 + 10 % of its rows since its last analyze is analyzed. Without it the
    planner keeps the statistics of the empty database and Odoo's queries slow down as
    the tables grow (the journal's next number: 0.1 ms -> 3.8 ms at 2,000 invoices)."""

    NAPTIME = 60

    def __init__(self, db):
        super().__init__(daemon=True)
        from odoo.sql_db import connection_info_for

        self.dsn = connection_info_for(db)[1]
        self.stopped = threading.Event()
        self.done = 0  # vacuums and analyzes run

    def needed(self):
        with closing(psycopg2.connect(**self.dsn)) as conn, conn.cursor() as cr:
            cr.execute("SHOW autovacuum")
            return cr.fetchone()[0] == "off"

    def run(self):
        while not self.stopped.wait(self.NAPTIME):
            try:
                self.once()
            except psycopg2.Error:  # PostgreSQL restarting (bench/chaos.py): next minute
                continue

    def once(self):
        verbs = {(True, True): "VACUUM ANALYZE", (True, False): "VACUUM", (False, True): "ANALYZE"}
        with closing(psycopg2.connect(**self.dsn)) as conn, conn.cursor() as cr:
            conn.autocommit = True
            cr.execute(
                """SELECT relname, n_dead_tup > 50 + 0.2 * n_live_tup,
                          n_mod_since_analyze > 50 + 0.1 * n_live_tup
                     FROM pg_stat_user_tables"""
            )
            for table, *needs in cr.fetchall():
                if any(needs):
                    cr.execute(f'{verbs[tuple(needs)]} "{table}"')
                    self.done += 1


def start_server(
    db, port, workers, runner=True, jobs_port=None, channel="root.smartbill", capacity=None
):
    """An Odoo server on ``port`` with ``workers`` HTTP workers and, with ``runner``,
    queue_job's runner, which asks ``jobs_port`` (this server's own by default; a load
    balancer's in front of several servers) to run the jobs, ``capacity`` (default
    ``workers``) at a time."""
    capacity = capacity or workers
    env = {
        **os.environ,
        "ODOO_QUEUE_JOB_CHANNELS": f"root:{capacity},{channel}:{capacity}",
        "ODOO_QUEUE_JOB_PORT": str(jobs_port or port),
        "ODOO_QUEUE_JOB_HOST": "127.0.0.1",
    }
    command = odoo_command(
        odoo_src(), db, "--workers", str(workers), "--max-cron-threads", "0",
        "--load", "base,web,queue_job" if runner else "base,web", "--limit-time-real", "3600",
        "--limit-time-cpu", "3600", "--limit-memory-soft", str(4 << 30),
        "--limit-memory-hard", str(5 << 30),
    )  # fmt: skip
    log = open(REPO / ".venv" / "bench-odoo.log", "a")  # noqa: SIM115 - lives with the server
    # a server: not --stop-after-init, on the port the job runner calls
    command = [c for c in command if c != "--stop-after-init"]
    command[command.index("--http-port") + 1] = str(port)
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_jobs(registry, timeout=7200):
    """Seconds until no SmartBill job is open (queued, running or waiting for a retry)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with registry.cursor() as cr:
            cr.execute(f"SELECT count(*) FROM queue_job WHERE state IN {OPEN}")
            if not cr.fetchone()[0]:
                return time.monotonic() - started
        time.sleep(0.25)
    raise TimeoutError("jobs still open")


def api_calls(sim, dataset):
    v1 = sim.usage_for(dataset.v1_token)
    v3 = sim.usage_for(dataset.v3_token)
    return v1.calls, v3.calls, v1.blocks + v3.blocks + v1.rejected + v3.rejected


def timed_phase(registry, backend, start):
    """Queue a phase with ``start(backend)`` (a record of ``backend``: model, id), wait
    for its jobs: its seconds, the counts summed from its sync runs and their jobs."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        first_run = env["connector.sync.run"].search([], order="id desc", limit=1).id or 0
        started = time.monotonic()
        start(env[backend[0]].browse(backend[1]))
    wait_jobs(registry)
    seconds = time.monotonic() - started
    with registry.cursor() as cr:
        runs = superuser_env(cr)["connector.sync.run"].search([("id", ">", first_run)])
        runs.refresh_from_jobs()
        counts = {
            count: sum(runs.mapped(f"{count}_count"))
            for count in ("read", "created", "updated", "unchanged", "failed")
        }
        counts["jobs"] = sum(runs.mapped("job_count"))
    return seconds, counts


def run_phase(registry, backend_id, sim, dataset, sampler, name, start):
    """Queue a phase with ``start(backend)``, wait for its jobs; its figures."""
    sim.reset_usage()
    seconds, counts = timed_phase(registry, ("smartbill.backend", backend_id), start)
    v1, v3, blocked = api_calls(sim, dataset)
    return {
        "phase": name,
        "seconds": seconds,
        **counts,
        "v1": v1,
        "v3": v3,
        "blocked": blocked,
        "rss": sampler.take(),
    }


def bare_orm(registry, backend_id, limit):
    """The imported customer invoices created again by a bare batch create + post, in a
    transaction rolled back: records per second."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        moves = env["smartbill.account.move"].search(
            [("backend_id", "=", backend_id), ("move_type", "=", "out_invoice")], limit=limit
        )
        vals = [
            {
                "move_type": "out_invoice",
                "partner_id": m.partner_id.id,
                "company_id": m.company_id.id,
                "journal_id": m.journal_id.id,
                "currency_id": m.currency_id.id,
                "invoice_date": m.invoice_date,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "quantity": line.quantity,
                            "price_unit": line.price_unit,
                            "tax_ids": [(6, 0, line.tax_ids.ids)],
                            "analytic_distribution": line.analytic_distribution,
                        },
                    )
                    for line in m.invoice_line_ids
                ],
            }  # fmt: skip
            for m in moves
        ]
        env.invalidate_all()
        started = time.monotonic()
        created = env["account.move"].with_company(moves.company_id).create(vals)
        created.action_post()
        env.flush_all()
        seconds = time.monotonic() - started
        cr.rollback()
    return len(vals), seconds


PHASES = ("master data", "invoices", "bills (SPV)", "payment status", "stock")


def fresh_database(db, addons=ADDONS):
    """``db`` made again with the connector installed; its registry."""
    recreate_database(db)
    subprocess.run(
        odoo_command(odoo_src(), db, "-i", ",".join(addons)),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return load_registry(db)


def bench(size, db, port, window, workers, only=PHASES):
    preset, invoices, default_window = SIZES[size]
    window = window or default_window
    dataset = generate(preset, seed=7, invoices=invoices)
    registry = fresh_database(db)
    with SimServer(dataset, window=window) as sim:
        backend_id, state, *_ = create_backend(registry, dataset, sim)
        assert state == "ok", state
        with registry.cursor() as cr:
            superuser_env(cr)["smartbill.backend"].browse(backend_id).write(
                {"rate_limit_window": window}
            )
        server = start_server(db, port, workers)
        sampler = RssSampler(server.pid)
        sampler.start()
        autovacuum = Autovacuum(db)
        if autovacuum.needed():
            print("PostgreSQL runs without autovacuum: the bench runs its work", flush=True)
            autovacuum.start()
        try:
            time.sleep(5)  # the server and its job runner start
            days = sorted(m["data_creare"][:8] for m in dataset.spv_messages())
            since, until = (date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in (days[0], days[-1]))
            starts = {
                "master data": lambda b: b.action_import_master_data(),
                "invoices": lambda b: b.action_import_efactura(),
                "bills (SPV)": lambda b: b._queue_sync("spv", since, until),
                "payment status": lambda b: b._queue_sync("payments"),
                # SmartBill's stock of every gestiune on the window's last day, compared
                # with the warehouses (the depot's set in Odoo: one adjustment per product)
                "stock": lambda b: link_warehouses(b.env, b)
                or b._queue_sync("stock", until, until),
            }
            phases = [(name, starts[name]) for name in PHASES if name in only]
            rows = []
            for round_ in ("first", "second"):
                for name, start in phases:
                    row = run_phase(registry, backend_id, sim, dataset, sampler, name, start)
                    rows.append({"size": size, "run": round_, "window": window, **row})
                    print(f"{size} {round_} {name}: {row}", flush=True)  # progress
            bare = bare_orm(registry, backend_id, min(invoices, BARE_SAMPLE))
            if autovacuum.done:
                print(f"{size}: {autovacuum.done} vacuums or analyzes run by the bench")
        finally:
            sampler.running = False
            if autovacuum.is_alive():  # its connection closed before the next size
                autovacuum.stopped.set()
                autovacuum.join()
            server.terminate()
            server.wait(60)
    return rows, bare


HEADER = (
    f"{'size':>5} {'run':>6} {'phase':<15} {'s':>8} {'rec/s':>7} {'read':>6} {'new':>6} "
    f"{'upd':>5} {'same':>6} {'fail':>4} {'calls':>6} {'c/rec':>6} {'c/s':>6} "
    f"{'%lim':>5} {'blk':>3} {'RSS MB':>7}"
)


def fmt_row(row, calls, limit, window):
    """One phase's line: ``calls`` it made, ``limit`` the calls/s its API allows."""
    rate = calls / row["seconds"] if row["seconds"] else 0
    # a phase shorter than two windows is a burst within one window's budget
    long_enough = row["seconds"] >= 2 * window
    share = f"{100 * rate / limit:.0f}" if calls and long_enough else "-"
    return (
        f"{row['size']:>5} {row['run']:>6} {row['phase']:<15} {row['seconds']:>8.1f} "
        f"{row['read'] / row['seconds']:>7.1f} {row['read']:>6} {row['created']:>6} "
        f"{row['updated']:>5} {row['unchanged']:>6} {row['failed']:>4} {calls:>6} "
        f"{calls / max(row['read'], 1):>6.3f} {rate:>6.1f} {share:>5} "
        f"{row['blocked']:>3} {row['rss'] / 2**20:>7.0f}"
    )


def fmt_table(rows, bare_by_size):
    lines = [HEADER, "-" * len(HEADER)]
    for row in rows:
        limits = {"v1": 30 / row["window"], "v3": 60 / row["window"]}
        api = "v1" if row["v1"] >= row["v3"] else "v3"
        lines.append(fmt_row(row, row["v1"] + row["v3"], limits[api], row["window"]))
    for size, (count, seconds) in bare_by_size.items():
        first = next((r for r in rows if r["size"] == size and r["phase"] == "invoices"), None)
        if first is None:  # --phase without the invoices: nothing to compare
            continue
        connector = first["created"] / first["seconds"]
        lines.append(
            f"{size}: bare account.move create+post {count} invoices in {seconds:.1f} s "
            f"({count / seconds:.1f}/s); connector {connector:.1f}/s = "
            f"{100 * connector / (count / seconds):.0f} % of bare"
        )
    for size in bare_by_size:
        total = {
            r: sum(x["seconds"] for x in rows if x["size"] == size and x["run"] == r)
            for r in ("first", "second")
        }
        writes = sum(
            x["created"] + x["updated"] for x in rows if x["size"] == size and x["run"] == "second"
        )
        window = next(x["window"] for x in rows if x["size"] == size)
        scale = "SmartBill's own" if window == 10 else f"SmartBill's x {10 / window:g}"
        lines.append(
            f"{size}: total first run {total['first']:.1f} s, second run {total['second']:.1f} s "
            f"({total['first'] / total['second']:.0f}x faster), second-run writes {writes}; "
            f"rate limits {scale} (V1 {3 * 10 / window:g}/s, V3 {6 * 10 / window:g}/s)"
        )
    if {"1k", "10k"} <= set(bare_by_size):
        t = {
            s: sum(x["seconds"] for x in rows if x["size"] == s and x["run"] == "first")
            for s in ("1k", "10k")
        }
        lines.append(f"10k/1k time ratio: {t['10k'] / t['1k']:.1f}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", action="append", choices=sorted(SIZES), required=True)
    parser.add_argument("--db", default="smartbill_bench")
    parser.add_argument(
        "--window",
        type=float,
        help="SmartBill's 10-s rate window, scaled (1.0: limits x 10) in the simulator and "
        "in the connector alike; default: 10 (the real limits) at 1k, 1.0 otherwise",
    )
    parser.add_argument("--workers", type=int, default=2, help="job processes (channel capacity)")
    parser.add_argument(
        "--phase",
        action="append",
        choices=PHASES,
        help="run only these phases (each needs the ones before it); default: all",
    )
    args = parser.parse_args()
    ensure_key()
    rows, bare = [], {}
    for size in args.size:
        size_rows, bare[size] = bench(
            size, args.db, free_port(), args.window, args.workers, args.phase or PHASES
        )
        rows += size_rows
        print(fmt_table(rows, bare), flush=True)
    text = fmt_table(rows, bare)
    (REPO / ".venv" / "bench.txt").write_text(text + "\n")
    failed = sum(r["failed"] + r["blocked"] for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
