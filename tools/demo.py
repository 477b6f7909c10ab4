"""The demo behind ``make demo``: a SmartBill simulator feeding a real Odoo database.

Starts the simulator (demo dataset) on 127.0.0.1, creates a Romanian company with the
Romanian chart of accounts and a backend pointing at the simulator, then syncs each
entity twice through queue jobs (an in-process runner, see jobrunner.py) and prints each
run's figures from its sync run, as Odoo shows them, closing the runs as the sync-run
cron does. Leaves the database to open.
"""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.smartbill_sim import SimServer, generate  # noqa: E402
from tools.jobrunner import run_jobs  # noqa: E402

DATASET = generate("demo")
# two days of SmartBill's stock: the end of the invoices' first month, and of the second
STOCK_DAYS = (date(2026, 9, 30), date(2026, 10, 31))
COUNTS = ("read", "created", "updated", "unchanged", "skipped", "failed")


def load_registry(db, addons=REPO):
    from odoo.modules.registry import Registry
    from odoo.tools import config

    src = Path(os.environ.get("ODOO_SRC", "/opt/odoo19"))
    config.parse_config(
        ["-d", db, "--addons-path", f"{src / 'addons'},{addons}", "--http-interface", "127.0.0.1"]
    )
    return Registry(db)


def api_calls(sim):
    """Calls to SmartBill's APIs (the e-Factura folder is not SmartBill's API)."""
    return sum(path.startswith("/SBORO/") for path in sim.requests)


def superuser_env(cr):
    from odoo import api
    from odoo.api import SUPERUSER_ID

    return api.Environment(cr, SUPERUSER_ID, {})


def setup_company(env, dataset):
    """A company in RON with Romania's chart of accounts; admin works in it."""
    # install_mode: l10n_ro is installed already; do not pull in every RO-related module
    company = (
        env["res.company"]
        .with_context(install_mode=True)
        .create(
            {
                "name": dataset.company_name,
                "country_id": env.ref("base.ro").id,
                "currency_id": env.ref("base.RON").id,
                "vat": dataset.cif,
            }
        )
    )
    env["account.chart.template"].try_loading("ro", company, install_demo=False)
    admin = env.ref("base.user_admin")
    admin.write({"company_ids": [(4, company.id)], "company_id": company.id})
    return company


def create_backend(registry, dataset, sim):
    """The Romanian company and its backend pointing at the simulator; its VAT mapping is
    the connector's pre-fill (l10n_ro's taxes by their template ids), nothing by hand."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        company = setup_company(env, dataset)
        backend = env["smartbill.backend"].create(
            {
                "name": f"SmartBill demo ({dataset.company_name})",
                "company_id": company.id,
                "company_vat_code": dataset.cif,
                "base_url": sim.url,
                "email": dataset.email,
                "v1_token": dataset.v1_token,
                "v3_token": dataset.v3_token,
            }
        )
        backend.efactura_source_url = sim.url.replace("/SBORO/api", "/efactura/")
        backend.spv_base_url = sim.url.replace("/SBORO/api", "/prod/FCTEL/rest")
        backend.spv_token = dataset.spv_token
        backend.spv_test_mode = True  # the simulator stands in for ANAF on this machine
        backend.bnr_url = sim.url.removesuffix("/SBORO/api")
        # VAT per rate on the sum of the lines, as EN 16931 computes it
        company.tax_calculation_rounding_method = "round_globally"
        backend.action_test_connection()
        backend.import_taxes()
        backend_id, state = backend.id, backend.connection_state
        connection = backend.connection_message.replace("\n", " ")
        rows = backend.tax_map_ids
        taxes = (len(rows), len(rows.filtered(lambda r: r.sale_tax_id and r.purchase_tax_id)))
    return backend_id, state, connection, taxes


def sync(registry, backend_id, *entities, **window):
    """Queue a sync run of each of ``entities`` (as the backend's "Import now" or the
    re-sync wizard does), run their jobs, and close the runs as the sync-run cron does.
    Returns the seconds spent and the runs' figures, as Odoo shows them."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM connector_sync_run")
        last_run = cr.fetchone()[0]
        backend = env["smartbill.backend"].browse(backend_id)
        if entities == ("master",):
            backend.action_import_master_data()
        for entity in entities:
            if entity != "master":
                backend._queue_sync(entity, **window)
    seconds = run_jobs(registry, superuser_env)
    with registry.cursor() as cr:
        runs = superuser_env(cr)["connector.sync.run"].search([("id", ">", last_run)], order="id")
        runs.refresh_from_jobs()
        labels = dict(runs._selection_entity())
        rows = [
            {
                "entity": labels[run.entity],
                "state": run.state,
                **{name: run[f"{name}_count"] for name in COUNTS},
                "calls": run.api_calls,
                "failures": run.failure_ids.mapped("message"),
            }
            for run in runs
        ]
    return seconds, rows


def print_runs(title, seconds, rows, calls, source="SmartBill"):
    print(f"\n{title} ({seconds:.1f} s, {calls} {source} calls)")
    print(f"  {'sync run':<22}{''.join(f'{name:>10}' for name in COUNTS)}  state")
    for row in rows:
        figures = "".join(f"{row[name]:>10}" for name in COUNTS)
        print(f"  {row['entity']:<22}{figures}  {row['state']}")
        for message in row["failures"]:
            print(f"    failed: {message}")


def documents_check(registry, backend_id):
    """Odoo's invoices next to their e-Factura: counts and the sum of totals per currency."""
    from odoo.addons.connector_smartbill.efactura import parse

    with registry.cursor() as cr:
        env = superuser_env(cr)
        backend = env["smartbill.backend"].browse(backend_id)
        moves = env["smartbill.account.move"].search([("backend_id", "=", backend_id)])
        sums = {}
        for document in backend.document_ids.filtered(lambda d: d.state == "imported"):
            doc = parse(document.xml())
            refund = doc.is_credit_note or doc.payable_amount < 0
            xml_total = abs(doc.payable_amount) * (-1 if refund else 1)
            move = document.move_id
            sign = -1 if move.move_type in ("out_refund", "in_refund") else 1
            odoo_total = move.amount_total * sign
            direction = "bills" if move.move_type.startswith("in_") else "invoices"
            key = f"{direction} in {doc.currency}"
            odoo_sum, xml_sum = sums.get(key, (0.0, 0))
            sums[key] = (odoo_sum + odoo_total, xml_sum + xml_total)
        counts = {
            "invoices": len(moves.filtered(lambda m: m.move_type == "out_invoice")),
            "credit notes": len(moves.filtered(lambda m: m.move_type == "out_refund")),
            "bills": len(moves.filtered(lambda m: m.move_type in ("in_invoice", "in_refund"))),
            "posted": len(moves.filtered(lambda m: m.state == "posted")),
            "totals mismatches": backend.mismatch_count,
            "failed files": backend.failed_document_count,
            "ANAF refusals": len(backend.document_ids.filtered(lambda d: "erori" in d.name)),
            "legal numbers": ", ".join(moves.sorted("id")[:3].mapped("name")),
        }
        return counts, sums


def print_documents_check(counts, sums):
    print("  in Odoo: " + ", ".join(f"{value} {key}" for key, value in counts.items()))
    for key, (odoo, xml) in sorted(sums.items()):
        print(f"  sum of totals of {key}: Odoo {odoo:,.2f}, e-Factura {float(xml):,.2f}")


PAYMENT_STATES = ("not paid", "partial", "paid", "reversed")
ODOO_STATES = {
    "paid": "paid",
    "in_payment": "paid",
    "partial": "partial",
    "not_paid": "not paid",
    "reversed": "reversed",
}


def smartbill_state(invoice, credited):
    """An invoice's state by SmartBill's facts, counted as Odoo counts it: what settles
    an invoice is its payments (``paid``) and the credit notes and storno invoices of it
    (``credited``); fully credited and never paid is reversed."""
    settled = credited + invoice["paid"]
    if credited >= invoice["total"] and not invoice["paid"]:
        return "reversed"
    if settled >= invoice["total"]:
        return "paid"
    return "partial" if settled else "not paid"


def payment_states(registry, backend_id):
    """Invoices per payment state in Odoo next to SmartBill's, with those credited on
    each side, and the payments booked."""
    credited = {}
    for note in DATASET.invoices.values():
        if note["kind"] != "invoice" and note["billingReference"] and not note["deleted"]:
            ref = note["billingReference"]
            credited[ref] = credited.get(ref, 0) + abs(note["total"])
    with registry.cursor() as cr:
        env = superuser_env(cr)
        invoices = env["smartbill.account.move"].search(
            [("backend_id", "=", backend_id), ("move_type", "=", "out_invoice")]
        )
        sources = {i["id"]: i for i in DATASET.invoices.values()}
        odoo = dict.fromkeys((*PAYMENT_STATES, "credited"), 0)
        smartbill = dict(odoo)
        for binding in invoices:
            source = sources[binding.external_id]
            odoo[ODOO_STATES[binding.payment_state]] += 1
            odoo["credited"] += bool(binding.reversal_move_ids)
            smartbill[smartbill_state(source, credited.get(source["id"], 0))] += 1
            smartbill["credited"] += source["id"] in credited
        payments = env["smartbill.account.payment"].search([("backend_id", "=", backend_id)])
        backend = env["smartbill.backend"].browse(backend_id)
        return len(payments), odoo, smartbill, backend.payment_mismatch_count


def print_payment_states(odoo, smartbill):
    columns = (*PAYMENT_STATES, "credited")
    print("  invoices per payment state " + "".join(f"{c:>10}" for c in columns))
    for side, counts in (("in Odoo", odoo), ("in SmartBill", smartbill)):
        print(f"  {side:<27}" + "".join(f"{counts[c]:>10}" for c in columns))
    if odoo != smartbill:
        print("  the payment states differ")


def link_warehouses(env, backend):
    """Two of the three gestiuni have their Odoo warehouse (made here, as a user would);
    SmartBill sets the stock of the depot's."""
    warehouses = env["stock.warehouse"]
    for name, code in (("Depozit Central", "DC"), ("Magazin Cluj", "MCJ")):
        if not warehouses.search([("name", "=", name), ("company_id", "=", backend.company_id.id)]):
            warehouses.create({"name": name, "code": code, "company_id": backend.company_id.id})
    backend.workpoint_ids.suggest_warehouses()
    backend.workpoint_ids.filtered(lambda w: w.name == "Depozit Central").stock_import = True


def stock_reconciliation(registry, backend_id, day):
    """Per gestiune: products, SmartBill's and Odoo's quantities, those that differ, and
    those SmartBill's stock was set for, on ``day``."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        levels = env["smartbill.stock.level"].search(
            [("backend_id", "=", backend_id), ("day", "=", day)]
        )
        return day, [
            (
                workpoint.name,
                workpoint.warehouse_id.name or "-",
                len(rows),
                sum(rows.mapped("quantity")),
                sum(rows.mapped("odoo_quantity")) if workpoint.warehouse_id else None,
                len(rows.filtered(lambda r: r.compared and r.difference)),
                len(rows.filtered("applied")),
            )
            for workpoint, rows in levels.grouped("workpoint_id").items()
        ]


def print_stock(reconciled):
    day, rows = reconciled
    print(f"\nStock reconciliation on {day}")
    print(f"  {'gestiune':<18}{'warehouse':<18}{'products':>9}{'SmartBill':>11}{'Odoo':>9}"
          f"{'differ':>8}{'set':>5}")  # fmt: skip
    for name, warehouse, count, smartbill, odoo, differ, applied in rows:
        odoo_text = f"{odoo:.0f}" if odoo is not None else "-"
        print(f"  {name:<18}{warehouse:<18}{count:>9}{smartbill:>11.0f}{odoo_text:>9}"
              f"{differ:>8}{applied:>5}")  # fmt: skip


def stock_steps(registry, sim, backend_id):
    """SmartBill's stock of two days, then its reconciliation with the warehouses."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        link_warehouses(env, env["smartbill.backend"].browse(backend_id))
    ok = True
    for day in STOCK_DAYS:
        sim.reset_usage()
        seconds, rows = sync(registry, backend_id, "stock", since=day, until=day)
        print_runs(f"SmartBill stock of {day}", seconds, rows, api_calls(sim))
        ok = ok and all(row["state"] == "done" for row in rows)
    print_stock(stock_reconciliation(registry, backend_id, STOCK_DAYS[-1]))
    return ok


def reconciliation(registry, backend_id):
    """The months reconciled, and the rows with differences (as the report says)."""
    with registry.cursor() as cr:
        backend = superuser_env(cr)["smartbill.backend"].browse(backend_id)
        rows = backend.env["smartbill.reconciliation"].rebuild(backend)
        different = [
            f"{row.display_name}: {row.difference_count} differences, total "
            f"{row.total_difference:+.2f}, paid {row.paid_difference:+.2f}"
            for row in rows
            if row.state == "different"
        ]
        return len(set(rows.mapped("month"))), different


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--sim-port", type=int, default=8787)
    args = parser.parse_args()

    dataset = DATASET
    registry = load_registry(args.db)
    with SimServer(dataset, port=args.sim_port) as sim:
        backend_id, state, connection, taxes = create_backend(registry, dataset, sim)
        print("\n== SmartBill demo ==")
        print(f"simulator        {sim.url} (company {dataset.cif})")
        print(f"company          {dataset.company_name}, Romanian chart of accounts, RON")
        print(f"test connection  {state}: {connection}")
        print(
            f"VAT mapping      {taxes[0]} rows, {taxes[1]} pre-filled with l10n_ro's taxes "
            "(by their template ids, nothing by hand)"
        )
        ok = state == "ok"
        days = sorted(m["data_creare"][:8] for m in dataset.spv_messages())
        since, until = (date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in (days[0], days[-1]))
        steps = [
            ("Master data", ("master",), {}),
            ("e-Factura documents from the folder", ("documents",), {}),
            (f"ANAF SPV messages {since} to {until}", ("spv",), {"since": since, "until": until}),
            ("Payment status", ("payments",), {}),
        ]
        for title, entities, window in steps:
            for run_title in (title, f"{title}, again (same data)"):
                sim.reset_usage()
                seconds, rows = sync(registry, backend_id, *entities, **window)
                print_runs(run_title, seconds, rows, api_calls(sim))
                ok = ok and all(row["state"] == "done" for row in rows)
            if entities != ("master",):
                counts, sums = documents_check(registry, backend_id)
                print_documents_check(counts, sums)
                # ANAF's refusals are failed files by design: an invoice to look at
                bad_files = counts["failed files"] - counts["ANAF refusals"]
                ok = ok and not counts["totals mismatches"] and not bad_files
        payments, odoo, smartbill, mismatches = payment_states(registry, backend_id)
        print(f"  {payments} payments booked by the connector, {mismatches} mismatches")
        print_payment_states(odoo, smartbill)
        ok = ok and odoo == smartbill and not mismatches
        for title, entity in (
            ("BNR rates of the last 7 days", "rates"),
            ("Completeness of the invoice series", "completeness"),
        ):
            sim.reset_usage()
            seconds, rows = sync(registry, backend_id, entity)
            print_runs(title, seconds, rows, api_calls(sim))
            ok = ok and all(row["state"] == "done" for row in rows)
        ok = stock_steps(registry, sim, backend_id) and ok
        months, different = reconciliation(registry, backend_id)
        print(f"\nReconciliation: {months} months, {len(different)} with differences")
        for row in different:
            print(f"  {row}")
        ok = ok and not different
        with registry.cursor() as cr:
            running = superuser_env(cr)["connector.sync.run"].search_count(
                [("state", "=", "running")]
            )
        print(f"Sync runs left running: {running}")
        ok = ok and not running
    print(
        f"\nOpen it: CONNECTOR_KEY=$(cat .venv/smartbill.key) .venv/bin/python "
        f"$ODOO_SRC/odoo-bin -d {args.db} --addons-path $ODOO_SRC/addons,{REPO}"
    )
    print("then http://localhost:8069, login admin / admin, menu SmartBill > Backends.")
    print(f"For live calls from the backend, run `make sim` (port {args.sim_port}) beside it.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
