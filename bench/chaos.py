"""The chaos backfill (``make bench-chaos``): the same company imported twice, once with
everything well and once in chaos, and the final databases compared.

Both runs: two Odoo servers on the one database, one of them with queue_job's runner,
which asks a round-robin balancer in front of both to run the jobs (two nodes, one
backlog, one rate budget in PostgreSQL), each server under a supervisor. Chaos: 10 % of
SmartBill's, SPV's and the folder's answers get a fault at random (429, 500, a dropped
connection, an answer later than the connector waits), one job worker is killed
(SIGKILL) in the middle of the invoices, PostgreSQL is restarted once during the bills.
Both runs have the same poison: one document in 100 served as a corrupt zip, by the
folder and by SPV. After each run, *Retry failed* once (what a person does) and the
hourly payment status, then the final state: moves, lines and payments counted, totals
per currency, type and state, duplicates, the failed documents with their reasons, and
the blocked answers.
Prints one table; the two states must be equal.

    .venv/bin/python bench/chaos.py [--size 1k] [--db smartbill_chaos]
"""

import argparse
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date

import psutil
import psycopg2
from run import (  # the benchmark's parts (bench/run.py)
    SIZES,
    Autovacuum,
    api_calls,
    create_backend,
    ensure_key,
    free_port,
    fresh_database,
    start_server,
    superuser_env,
)

from tests.smartbill_sim import SimServer, generate

CHAOS = 0.10
TIMEOUT = 5  # the connector's answer timeout in both runs; a slow answer comes later
PHASES = ("master data", "invoices", "bills (SPV)", "payment status")
# what a person and the crons do after the backfill: Retry failed once, then the hourly
# payment status (it asks only the invoices not asked yet: those Retry brought)
AFTER = ("retry failed", "payment status (cron)")


def settle(registry, timeout=7200):
    """Wait until no SmartBill job is open; a database that went away is waited for."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM queue_job WHERE channel LIKE 'root.smartbill%%'"
                    " AND state IN ('pending', 'enqueued', 'started', 'wait_dependencies')"
                )
                if not cr.fetchone()[0]:
                    return time.monotonic() - started
        except psycopg2.Error:
            pass  # PostgreSQL restarting
        time.sleep(2)
    raise TimeoutError("SmartBill jobs still open")


def queue(registry, backend_id, phase, window):
    """Queue ``phase`` as the backend's buttons do."""
    for _attempt in range(30):
        try:
            with registry.cursor() as cr:
                backend = superuser_env(cr)["smartbill.backend"].browse(backend_id)
                if phase == "master data":
                    backend.action_import_master_data()
                elif phase == "invoices":
                    backend.action_import_efactura()
                elif phase == "bills (SPV)":
                    backend._queue_sync("spv", *window)
                elif phase.startswith("payment status"):
                    backend._queue_sync("payments")
                elif phase == "retry failed":
                    backend.action_retry_failed()
                return
        except psycopg2.Error:
            time.sleep(2)
    raise RuntimeError(f"{phase}: could not be queued")


def kill_a_worker(supervisor, after):
    """SIGKILL one of the servers' worker processes ``after`` seconds from now."""

    def kill():
        workers = [
            p
            for server in supervisor.servers
            for p in psutil.Process(server.pid).children()
            if p.is_running()
        ]
        if workers:
            victim = random.Random(1).choice(workers)
            os.kill(victim.pid, signal.SIGKILL)
            print(f"chaos: killed worker {victim.pid}", flush=True)

    threading.Timer(after, kill).start()


def restart_postgresql(after):
    def restart():
        cluster = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"],
            check=True,
        )
        print("chaos: PostgreSQL restarted", flush=True)

    threading.Timer(after, restart).start()


class Balancer(threading.Thread):
    """The load balancer in front of several Odoo nodes: each connection (queue_job's
    runner opens one per job) goes to the next server that accepts it."""

    def __init__(self, ports):
        super().__init__(daemon=True)
        self.ports = ports
        self.turn = itertools.cycle(range(len(ports)))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.served = [0] * len(ports)

    def run(self):
        while True:
            client, _address = self.listener.accept()
            threading.Thread(target=self.relay, args=(client,), daemon=True).start()

    def relay(self, client):
        for _attempt in self.ports:
            index = next(self.turn)
            try:
                upstream = socket.create_connection(("127.0.0.1", self.ports[index]), 5)
            except OSError:
                continue  # that node is restarting: the next one
            self.served[index] += 1
            back = threading.Thread(target=self.pipe, args=(upstream, client), daemon=True)
            back.start()
            self.pipe(client, upstream)
            back.join()
            break
        client.close()

    @staticmethod
    def pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            target.close()


class Supervisor(threading.Thread):
    """What systemd's ``Restart=always`` does for each Odoo server: start it again when
    it exits (Odoo's main process exits when PostgreSQL refuses it while it respawns a
    worker, e.g. during a restart)."""

    def __init__(self, starts):
        super().__init__(daemon=True)
        self.starts = starts
        self.servers = [start() for start in starts]
        self.stopped = threading.Event()
        self.restarts = 0

    def run(self):
        while not self.stopped.wait(2):
            for index, server in enumerate(self.servers):
                code = server.poll()
                if code is not None:
                    print(f"chaos: Odoo server exited ({code}), started again", flush=True)
                    self.servers[index] = self.starts[index]()
                    self.restarts += 1

    def stop(self):
        self.stopped.set()
        for server in self.servers:
            server.terminate()
        for server in self.servers:
            server.wait(30)


def final_state(registry, backend_id):
    """What the database holds at the end, to compare."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        company = env["smartbill.backend"].browse(backend_id).company_id.id
        state = {}
        cr.execute(
            "SELECT move_type, state, c.name, count(*), sum(amount_total)::numeric(16,2),"
            "       sum(amount_tax)::numeric(16,2)"
            "  FROM account_move m JOIN res_currency c ON c.id = m.currency_id"
            " WHERE m.company_id = %s AND m.x_smartbill_id IS NOT NULL GROUP BY 1, 2, 3",
            [company],
        )
        state["moves"] = sorted(cr.fetchall())
        cr.execute(
            "SELECT count(*) FROM account_move_line WHERE x_smartbill_line_id IS NOT NULL"
            " AND company_id = %s",
            [company],
        )
        state["lines"] = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*), sum(p.amount)::numeric(16,2) FROM smartbill_account_payment b"
            " JOIN account_payment p ON p.id = b.odoo_id WHERE p.state != 'canceled'"
            " AND b.backend_id = %s",
            [backend_id],
        )
        state["payments"] = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM (SELECT x_smartbill_id FROM account_move WHERE company_id"
            " = %s AND x_smartbill_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d",
            [company],
        )
        state["duplicates"] = cr.fetchone()[0]
        cr.execute(
            "SELECT name, message FROM smartbill_document WHERE backend_id = %s"
            " AND state = 'failed' AND name NOT LIKE '%%erori%%' ORDER BY name",
            [backend_id],
        )
        state["failed documents"] = cr.fetchall()
        return state


def backfill(size, db, chaos, workers=2):
    """One backfill; its phases' seconds, the final state, blocked answers."""
    preset, invoices, window = SIZES[size]
    dataset = generate(preset, seed=7, invoices=invoices)
    documents = sorted(i["id"] for i in dataset.invoices.values()) + sorted(dataset.bills)
    poison = set(documents[::100])
    registry = fresh_database(db)
    sim = SimServer(
        dataset, window=window, chaos=CHAOS if chaos else 0.0, chaos_seed=11,
        slow_seconds=TIMEOUT, poison=poison,
    )  # fmt: skip
    seconds, blocked = {}, 0
    with sim:
        backend_id, state, *_ = create_backend(registry, dataset, sim)
        assert state == "ok", state
        with registry.cursor() as cr:
            superuser_env(cr)["smartbill.backend"].browse(backend_id).write(
                {"rate_limit_window": window, "http_timeout": TIMEOUT}
            )
        sim.chaos = CHAOS if chaos else 0.0
        ports = free_port(), free_port()
        balancer = Balancer(ports)
        balancer.start()
        supervisor = Supervisor(
            [
                lambda: start_server(db, ports[0], workers, jobs_port=balancer.port),
                lambda: start_server(db, ports[1], workers, runner=False),
            ]
        )
        supervisor.start()
        autovacuum = Autovacuum(db)
        if autovacuum.needed():
            autovacuum.start()
        days = sorted(m["data_creare"][:8] for m in dataset.spv_messages())
        spv = [date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in (days[0], days[-1])]
        try:
            time.sleep(5)
            for phase in (*PHASES, *AFTER):
                sim.reset_usage()
                if chaos and phase == "invoices":
                    kill_a_worker(supervisor, after=8)
                if chaos and phase == "bills (SPV)":
                    restart_postgresql(after=5)
                started = time.monotonic()
                queue(registry, backend_id, phase, spv)
                settle(registry)
                seconds[phase] = time.monotonic() - started
                blocked += api_calls(sim, dataset)[2]
                print(
                    f"{'chaos' if chaos else 'clean'} {phase}: {seconds[phase]:.1f} s", flush=True
                )
            final = final_state(registry, backend_id)
            print(f"jobs run per Odoo server: {balancer.served}", flush=True)
        finally:
            autovacuum.stopped.set()
            supervisor.stop()
    return seconds, final, blocked, sim.chaos_faults, len(poison), supervisor.restarts


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="1k", choices=sorted(SIZES))
    parser.add_argument("--db", default="smartbill_chaos")
    args = parser.parse_args()
    ensure_key()
    clean = backfill(args.size, args.db, chaos=False)
    chaos = backfill(args.size, args.db, chaos=True)
    print(f"\n{'phase':<16}{'clean s':>10}{'chaos s':>10}{'ratio':>8}")
    for phase in (*PHASES, *AFTER):
        a, b = clean[0][phase], chaos[0][phase]
        print(f"{phase:<16}{a:>10.1f}{b:>10.1f}{b / a if a else 0:>8.2f}")
    total_clean, total_chaos = sum(clean[0].values()), sum(chaos[0].values())
    print(f"{'total':<16}{total_clean:>10.1f}{total_chaos:>10.1f}{total_chaos / total_clean:>8.2f}")
    print(f"\nfaults injected (chaos run): {chaos[3]}; poison files: {chaos[4]} in each run")
    print(f"Odoo server restarts by the supervisor: clean {clean[5]}, chaos {chaos[5]}")
    print(f"blocked answers: clean {clean[2]}, chaos {chaos[2]}")
    equal = True
    for key in clean[1]:
        same = clean[1][key] == chaos[1][key]
        equal = equal and same
        value = clean[1][key] if key != "failed documents" else len(clean[1][key])
        print(f"{key:<18} {'equal' if same else 'DIFFERENT'}: {value}")
        if not same:
            print(f"  clean: {clean[1][key]}\n  chaos: {chaos[1][key]}")
    reasons = {message[:40] for _name, message in chaos[1]["failed documents"]}
    print(f"poison files failed with their reason: {sorted(reasons)}")
    ok = equal and not chaos[1]["duplicates"] and not clean[2] and not chaos[2]
    print("final states equal, 0 duplicates, 0 blocked" if ok else "NOT EQUAL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
