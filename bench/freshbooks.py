"""connector_freshbooks benchmark: FreshBooks into Odoo end to end against the simulator.

A fresh database with connector_freshbooks alone, the FreshBooks simulator serving a
generated business, and Odoo started as a server with queue_job's runner (channel
``root.freshbooks``) that also answers the webhooks. The simulator answers ``--calls``
per ``--window`` seconds per token and 429 beyond; the backend keeps the same budget.
Phases, each queued from here and timed until its last job ends: the first load (clients,
invoices, payments: one poll each), the same window read again (nothing to write),
customers pushed from Odoo (one rate window after the read, so that the phase has the
whole budget its rate is measured against), then the webhook path: drafts sent in
FreshBooks one after another, each delivered to Odoo, timed until its move is posted.
Then the bare batched ORM on the same records, as SmartBill's bench does: the imported
invoices created again by ``account.move.create`` in batches of 100 and posted, their
payments created, posted and reconciled with them, in a transaction rolled back; their
totals compared with the connector's, so that both did the same work. Prints one table
in the columns of SmartBill's (bench/run.py), and the connector's rate against the bare
ORM's.

    .venv/bin/python bench/freshbooks.py --size 1k [--db freshbooks_bench]
"""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tools"), str(REPO / "bench")]

from demo import superuser_env  # noqa: E402
from demo_freshbooks import setup  # noqa: E402
from run import (  # noqa: E402
    HEADER,
    RssSampler,
    fmt_row,
    fresh_database,
    start_server,
    timed_phase,
)
from run_odoo import ensure_key, free_port  # noqa: E402

from tests.freshbooks_sim import FreshBooksSim, generate  # noqa: E402

SIZES = {"quick": "bench-quick", "1k": "bench-1k"}  # 100/1,000 or 1,000/10,000
EVER = date(2000, 1, 1)
PUSHED = 100  # customers pushed from Odoo
DELIVERIES = 100  # webhooks timed
BATCH = 100  # records per create() of the bare ORM baseline


def api_calls(sim, since):
    return sum(path.startswith(("/accounting/", "/events/")) for _m, path in sim.requests[since:])


def run_phase(registry, backend_id, sim, sampler, name, start):
    """Queue a phase with ``start(backend)``, wait for its jobs; its figures."""
    first_call, rejected = len(sim.requests), sim.rejected
    seconds, counts = timed_phase(registry, ("freshbooks.backend", backend_id), start)
    return {
        "phase": name,
        "seconds": seconds,
        **counts,
        "calls": api_calls(sim, first_call),
        "blocked": sim.rejected - rejected,
        "rss": sampler.take(),
    }


def push_customers(backend):
    backend.env["res.partner"].create(
        [
            {
                "name": f"Odoo customer {index:04d}",
                "is_company": True,
                "email": f"ap{index:04d}@odoo-customers.example.com",
                "company_id": backend.company_id.id,
                "freshbooks_push": True,
            }
            for index in range(PUSHED)
        ]
    )


def webhook_latency(registry, sim, backend_id):
    """Drafts sent in FreshBooks one after another (each webhook delivered to Odoo):
    the seconds from each delivery to its move posted."""
    with registry.cursor() as cr:
        superuser_env(cr)["freshbooks.backend"].browse(backend_id).action_register_webhooks()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with registry.cursor() as cr:
            hooks = superuser_env(cr)["freshbooks.webhook"].search([])
            if len(hooks) == 4 and all(hooks.mapped("verified")):
                break
        time.sleep(0.5)
    else:
        raise TimeoutError("webhooks not verified")
    drafts = [i for i in sim.data.invoices.values() if i["status"] == 1][:DELIVERIES]
    latencies = []
    for invoice in drafts:
        started = time.monotonic()
        sim.change("invoice", invoice["id"], status=2, v3_status="sent")
        while True:
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT m.state FROM freshbooks_account_move b JOIN account_move m "
                    "ON m.id = b.odoo_id WHERE b.external_id = %s",
                    [str(invoice["id"])],
                )
                if (cr.fetchone() or [None])[0] == "posted":
                    break
            if time.monotonic() - started > 60:
                raise TimeoutError(f"invoice {invoice['id']} not posted in 60 s")
            time.sleep(0.05)
        latencies.append(time.monotonic() - started)
    return latencies


def invoice_values(move, journal):
    return {
        "move_type": move.move_type,
        "partner_id": move.partner_id.id,
        "company_id": move.company_id.id,
        "journal_id": journal.id,
        "currency_id": move.currency_id.id,
        "invoice_date": move.invoice_date,
        "invoice_line_ids": [
            (0, 0, {"name": line.name, "quantity": line.quantity, "price_unit": line.price_unit,
                    "tax_ids": [(6, 0, line.tax_ids.ids)], "account_id": line.account_id.id,
                    # FreshBooks' amounts, as the connector sets them: the same work
                    "extra_tax_data": line.extra_tax_data})
            for line in move.invoice_line_ids
        ],
    }  # fmt: skip


def receivable(move):
    return move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")


def bare_orm(registry, backend_id):
    """The connector's posted invoices and their payments booked again by the bare batched
    ORM (rolled back): ``{phase: (records, seconds, total)}``, and the connector's totals."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        invoices = env["freshbooks.account.move"].search(
            [("backend_id", "=", backend_id), ("state", "=", "posted")]
        )
        payments = env["freshbooks.account.payment"].search(
            [("backend_id", "=", backend_id), ("invoice_binding_id", "in", invoices.ids)]
        )
        moves = invoices.odoo_id
        company = moves.company_id[:1]
        connector = {
            "invoices": sum(moves.mapped("amount_total")),
            "payments": sum(payments.odoo_id.mapped("amount")),
        }
        # the company's own sales journal (the backend's are named by FreshBooks' numbers)
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id),
             ("freshbooks_backend_id", "=", False)], limit=1
        )  # fmt: skip
        vals = [invoice_values(move, journal) for move in moves]
        env.invalidate_all()
        started = time.monotonic()
        created = env["account.move"]
        for start in range(0, len(vals), BATCH):
            batch = env["account.move"].with_company(company).create(vals[start : start + BATCH])
            batch.action_post()
            created |= batch
        env.flush_all()
        bare = {"invoices": (len(created), time.monotonic() - started)}
        again = dict(zip(moves.ids, created, strict=True))
        pays = [
            (again[p.invoice_binding_id.odoo_id.id], {
                "payment_type": "inbound", "partner_type": "customer",
                "partner_id": p.partner_id.id, "amount": p.amount, "currency_id": p.currency_id.id,
                "date": p.date, "journal_id": p.journal_id.id, "company_id": company.id})
            for p in payments
        ]  # fmt: skip
        env.invalidate_all()
        started = time.monotonic()
        booked = env["account.payment"]
        for start in range(0, len(pays), BATCH):
            page = pays[start : start + BATCH]
            batch = env["account.payment"].with_company(company).create([v for _m, v in page])
            batch.action_post()
            for payment, (move, _values) in zip(batch, page, strict=True):
                lines = receivable(move).filtered(lambda line: not line.reconciled)
                (payment.move_id.line_ids.filtered("credit") & receivable(payment.move_id)
                 | lines).reconcile()  # fmt: skip
            booked |= batch
        env.flush_all()
        bare["payments"] = (len(booked), time.monotonic() - started)
        totals = {
            "invoices": sum(created.mapped("amount_total")),
            "payments": sum(booked.mapped("amount")),
        }
        cr.rollback()
    return bare, connector, totals


def bench(size, db, port, calls, window, workers):
    dataset = generate(SIZES[size], seed=7)
    registry = fresh_database(db, ("connector_freshbooks",))
    odoo_url = f"http://127.0.0.1:{port}"
    dataset.redirect_uris.append(f"{odoo_url}/freshbooks/auth/callback")
    with FreshBooksSim(dataset, rate_limit=calls, window=window) as sim:
        backend_id, _business = setup(registry, sim, odoo_url)
        with registry.cursor() as cr:
            superuser_env(cr)["freshbooks.backend"].browse(backend_id).write(
                {"rate_limit_calls": calls, "rate_limit_window": int(window)}
            )
        server = start_server(db, port, workers, channel="root.freshbooks")
        sampler = RssSampler(server.pid)
        sampler.start()
        rows = []
        try:
            time.sleep(5)  # the server and its job runner start
            for round_, since in (("first", None), ("second", EVER)):
                for entity in ("clients", "invoices", "payments"):
                    row = run_phase(
                        registry,
                        backend_id,
                        sim,
                        sampler,
                        entity,
                        lambda b, e=entity, s=since: b._queue_sync(e, since=s),
                    )
                    rows.append({"size": size, "run": round_, **row})
                    print(f"{size} {round_} {entity}: {row}", flush=True)
            # the push starts with the whole budget it is measured against: at 1k the
            # second run's calls (163 in 8 s) leave the window full, and the phase would
            # wait them out
            time.sleep(window)
            row = run_phase(registry, backend_id, sim, sampler, "customers out", push_customers)
            rows.append({"size": size, "run": "first", **row, "read": PUSHED})
            latencies = webhook_latency(registry, sim, backend_id)
        finally:
            sampler.running = False
            server.terminate()
            server.wait(60)
        baseline = bare_orm(registry, backend_id)
    return rows, latencies, baseline


def fmt_bare(rows, baseline):
    """The connector beside the bare batched ORM on the same records, and their totals."""
    bare, connector, totals = baseline
    first = {row["phase"]: row for row in rows if row["run"] == "first"}
    lines = ["", f"{'phase':<10}{'connector/s':>13}{'bare ORM/s':>12}{'ratio':>8}  same totals"]
    for phase in ("invoices", "payments"):
        count, seconds = bare[phase]
        row = first[phase]
        mine = row["created"] / row["seconds"] if row["seconds"] else 0.0
        theirs = count / seconds if seconds else 0.0
        same = f"{connector[phase]:.2f} = {totals[phase]:.2f}"
        if round(connector[phase] - totals[phase], 2):
            same = f"NO: connector {connector[phase]:.2f}, bare {totals[phase]:.2f}"
        ratio = f"{100 * mine / theirs:.0f} %" if theirs else "-"
        lines.append(f"{phase:<10}{mine:>13.1f}{theirs:>12.1f}{ratio:>8}  {same}")
    return lines


def fmt_table(rows, latencies, calls, window, baseline):
    limit = calls / window
    lines = [HEADER, "-" * len(HEADER)]
    for row in rows:
        lines.append(fmt_row(row, row["calls"], limit, window))
    for size in sorted({row["size"] for row in rows}):
        total = {
            r: sum(
                x["seconds"]
                for x in rows
                if x["size"] == size and x["run"] == r and x["phase"] != "customers out"
            )
            for r in ("first", "second")
        }
        writes = sum(
            x["created"] + x["updated"] for x in rows if x["size"] == size and x["run"] == "second"
        )
        lines.append(
            f"{size}: load {total['first']:.1f} s, the same window again {total['second']:.1f} s "
            f"({total['first'] / total['second']:.0f}x faster), second-run writes {writes}; "
            f"FreshBooks budget {calls} calls / {window:g} s ({limit:.1f}/s)"
        )
    lines.append(
        f"webhook -> move posted, {len(latencies)} deliveries: median "
        f"{statistics.median(latencies):.2f} s, worst {max(latencies):.2f} s"
    )
    lines += fmt_bare(rows, baseline)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="1k")
    parser.add_argument("--db", default="freshbooks_bench")
    parser.add_argument("--calls", type=int, default=100, help="calls per window (FreshBooks)")
    parser.add_argument("--window", type=float, default=6.0, help="seconds (100/6 s: x10)")
    parser.add_argument("--workers", type=int, default=2, help="job processes")
    args = parser.parse_args()
    ensure_key()
    rows, latencies, baseline = bench(
        args.size, args.db, free_port(), args.calls, args.window, args.workers
    )
    text = fmt_table(rows, latencies, args.calls, args.window, baseline)
    print(text)
    (REPO / ".venv" / "bench-freshbooks.txt").write_text(text + "\n")
    return 1 if sum(r["failed"] + r["blocked"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
