"""The demo behind ``make demo``: a SmartBill simulator feeding a real Odoo database.

Starts the simulator (demo dataset) on 127.0.0.1, creates a Romanian company with the
Romanian chart of accounts and a backend pointing at the simulator, maps the VAT rates as
an accountant would, runs the master-data import twice through queue jobs (an in-process
runner, see jobrunner.py) and prints what each run did. Leaves the database to open.
"""

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.smartbill_sim import SimServer, generate  # noqa: E402
from tools.jobrunner import run_jobs  # noqa: E402

DATASET = generate("demo")
ENTITIES = [
    ("smartbill.workpoint", "workpoints"),
    ("smartbill.series", "series"),
    ("smartbill.res.partner", "partners"),
    ("smartbill.product.product", "products"),
]
COUNT = re.compile(r"(\d+) (\w+)")


def load_registry(db):
    from odoo.modules.registry import Registry
    from odoo.tools import config

    src = Path(os.environ.get("ODOO_SRC", "/opt/odoo19"))
    config.parse_config(
        ["-d", db, "--addons-path", f"{src / 'addons'},{REPO}", "--http-interface", "127.0.0.1"]
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


def map_vat_rates(backend):
    """The accountant's choice: goods taxes of the chart for every SmartBill rate, and
    price-included copies for retail prices; 0 % rates as exempt goods."""
    env = backend.env
    taxes = env["account.tax"].search([("company_id", "=", backend.company_id.id)])

    def goods(rate, use):
        return taxes.filtered(
            lambda t: t.type_tax_use == use and t.amount == rate and t.name.endswith("G")
        )[:1]

    included = {}
    for row in backend.tax_map_ids:
        sale, purchase = goods(row.percentage, "sale"), goods(row.percentage, "purchase")
        if row.vat_included and sale and row.percentage:
            if row.percentage not in included:
                included[row.percentage] = sale.copy(
                    {"name": f"{sale.name} incl.", "price_include_override": "tax_included"}
                )
            sale = included[row.percentage]
        row.write({"sale_tax_id": sale.id, "purchase_tax_id": purchase.id})


def create_backend(registry, dataset, sim):
    """The Romanian company and its backend pointing at the simulator, VAT mapped."""
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
        backend.bnr_url = sim.url.removesuffix("/SBORO/api")
        # VAT per rate on the sum of the lines, as EN 16931 computes it
        company.tax_calculation_rounding_method = "round_globally"
        backend.action_test_connection()
        backend.import_taxes()
        map_vat_rates(backend)
        backend_id, state = backend.id, backend.connection_state
        connection = backend.connection_message.replace("\n", " ")
        taxes = len(backend.tax_map_ids)
    return backend_id, state, connection, taxes


def import_round(registry, backend_id):
    """Queue the master-data import, run its jobs, and count what happened."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM queue_job")
        last_job = cr.fetchone()[0]
        env["smartbill.backend"].browse(backend_id).action_import_master_data()
    seconds = run_jobs(registry, superuser_env)
    with registry.cursor() as cr:
        env = superuser_env(cr)
        jobs = env["queue.job"].search([("id", ">", last_job)])
        rows = []
        for model, label in ENTITIES:
            batch = jobs.filtered(
                lambda j, m=model: j.model_name == m and j.method_name == "import_batch"
            )
            counts = {k: int(v) for v, k in COUNT.findall(batch.result or "")}
            records = jobs.filtered(
                lambda j, m=model: j.model_name == m and j.method_name == "import_record"
            )
            results = records.mapped("result")
            rows.append(
                (
                    label,
                    counts.get("read", 0),
                    counts.get("created", 0) + sum(" created:" in (r or "") for r in results),
                    counts.get("updated", 0) + sum(" updated:" in (r or "") for r in results),
                    counts.get("unchanged", 0),
                    len(records.filtered(lambda j: j.state == "failed")),
                    env[model].search_count([("backend_id", "=", backend_id)]),
                )
            )
        failed = jobs.filtered(lambda j: j.state == "failed")
        messages = failed.mapped("exc_message")
    return rows, seconds, messages


def import_documents(registry, backend_id):
    """Queue the e-Factura folder import, run its jobs, and compare Odoo with the XML."""
    from odoo.addons.connector_smartbill.efactura import parse

    with registry.cursor() as cr:
        backend = superuser_env(cr)["smartbill.backend"].browse(backend_id)
        before = len(backend.document_ids)
        backend.with_delay().import_efactura_folder()
    seconds = run_jobs(registry, superuser_env)
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
            odoo_total = move.amount_total * (-1 if move.move_type == "out_refund" else 1)
            odoo_sum, xml_sum = sums.get(doc.currency, (0.0, 0))
            sums[doc.currency] = (odoo_sum + odoo_total, xml_sum + xml_total)
        return {
            "seconds": seconds,
            "new documents": len(backend.document_ids) - before,
            "invoices": len(moves.filtered(lambda m: m.move_type == "out_invoice")),
            "credit notes": len(moves.filtered(lambda m: m.move_type == "out_refund")),
            "posted": len(moves.filtered(lambda m: m.state == "posted")),
            "mismatches": backend.mismatch_count,
            "failed files": backend.failed_document_count,
            "sums": sums,
        }


def import_spv(registry, backend_id, since, until):
    """Queue the SPV window, run its jobs; count documents per direction."""
    with registry.cursor() as cr:
        backend = superuser_env(cr)["smartbill.backend"].browse(backend_id)
        before = len(backend.document_ids)
        backend.import_spv(since=since, until=until)
    seconds = run_jobs(registry, superuser_env)
    with registry.cursor() as cr:
        env = superuser_env(cr)
        backend = env["smartbill.backend"].browse(backend_id)
        moves = env["smartbill.account.move"].search([("backend_id", "=", backend_id)])
        bills = moves.filtered(lambda m: m.move_type in ("in_invoice", "in_refund"))
        return {
            "seconds": seconds,
            "new documents": len(backend.document_ids) - before,
            "invoices sent": len(moves) - len(bills),
            "bills received": len(bills),
            "bills posted": len(bills.filtered(lambda m: m.state == "posted")),
            "mismatches": backend.mismatch_count,
            "ANAF refusals": len(backend.document_ids.filtered(lambda d: "erori" in d.name)),
            "sums": {
                "RON bills": (
                    sum(bills.mapped("amount_total")),
                    sum(b["total"] for b in DATASET.bills.values()),
                )
            },
        }


SMARTBILL_STATES = {
    "paid": "paid",
    "in_payment": "paid",
    "partial": "partial",
    "not_paid": "not paid",
    "reversed": "reversed",
}


def sync_payments(registry, backend_id):
    """Queue the payment-status sync, run its jobs; Odoo's states next to SmartBill's."""
    with registry.cursor() as cr:
        superuser_env(cr)["smartbill.backend"].browse(backend_id).sync_payment_status()
    seconds = run_jobs(registry, superuser_env)
    with registry.cursor() as cr:
        env = superuser_env(cr)
        invoices = env["smartbill.account.move"].search(
            [("backend_id", "=", backend_id), ("move_type", "=", "out_invoice")]
        )
        odoo, smartbill = {}, {}
        for binding in invoices:
            source = next(i for i in DATASET.invoices.values() if i["id"] == binding.external_id)
            state = SMARTBILL_STATES[binding.payment_state]
            odoo[state] = odoo.get(state, 0) + 1
            paid = (
                "paid"
                if source["paid"] >= source["total"]
                else ("partial" if source["paid"] else "not paid")
            )
            smartbill[paid] = smartbill.get(paid, 0) + 1
        payments = env["smartbill.account.payment"].search([("backend_id", "=", backend_id)])
        return seconds, len(payments), odoo, smartbill, backend_mismatches(env, backend_id)


def backend_mismatches(env, backend_id):
    return env["smartbill.backend"].browse(backend_id).payment_mismatch_count


def print_documents(title, counts, calls):
    print(f"\n{title} ({counts.pop('seconds'):.1f} s, {calls} SmartBill calls)")
    sums = counts.pop("sums")
    print("  " + ", ".join(f"{value} {key}" for key, value in counts.items()))
    for currency, (odoo, xml) in sorted(sums.items()):
        print(f"  sum of totals in {currency}: Odoo {odoo:,.2f}, e-Factura {float(xml):,.2f}")


def print_round(title, rows, seconds, calls, messages):
    print(f"\n{title} ({seconds:.1f} s, {calls} SmartBill calls)")
    print(
        f"  {'entity':<11}{'read':>7}{'created':>9}{'updated':>9}{'unchanged':>11}"
        f"{'failed':>8}{'in Odoo':>9}"
    )
    for label, read, created, updated, unchanged, failed, total in rows:
        print(
            f"  {label:<11}{read:>7}{created:>9}{updated:>9}{unchanged:>11}{failed:>8}"
            f"{total:>9}"
        )
    for message in messages:
        print(f"  failed: {message}")


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
        print(f"VAT mapping      {taxes} rows, mapped to the chart's goods taxes")
        ok = state == "ok"
        for title in ("First run", "Second run (same data)"):
            sim.reset_usage()
            rows, seconds, messages = import_round(registry, backend_id)
            print_round(title, rows, seconds, api_calls(sim), messages)
            ok = ok and not messages
        for title in ("e-Factura documents", "e-Factura documents again (same folder)"):
            sim.reset_usage()
            counts = import_documents(registry, backend_id)
            ok = ok and not counts["mismatches"] and not counts["failed files"]
            print_documents(title, counts, api_calls(sim))
        days = sorted(m["data_creare"][:8] for m in dataset.spv_messages())
        since, until = (date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in (days[0], days[-1]))
        for title in ("ANAF SPV messages", "ANAF SPV messages again (same window)"):
            sim.reset_usage()
            counts = import_spv(registry, backend_id, since, until)
            ok = ok and not counts["mismatches"]
            print_documents(f"{title} {since} to {until}", counts, api_calls(sim))
        for title in ("Payment status", "Payment status again (same data)"):
            sim.reset_usage()
            seconds, payments, odoo, smartbill, mismatches = sync_payments(registry, backend_id)
            print(f"\n{title} ({seconds:.1f} s, {api_calls(sim)} SmartBill calls)")
            print(f"  {payments} payments booked by the connector, {mismatches} mismatches")
            print(f"  invoices per state in Odoo:      {dict(sorted(odoo.items()))}")
            print(f"  invoices per state in SmartBill: {dict(sorted(smartbill.items()))}")
        with registry.cursor() as cr:
            rates = superuser_env(cr)["smartbill.backend"].browse(backend_id).import_bnr_rates()
        print(f"\nBNR rates of the last 7 days: {rates}")
        sim.reset_usage()
        with registry.cursor() as cr:
            result = superuser_env(cr)["smartbill.backend"].browse(backend_id).check_completeness()
        print(f"\nCompleteness of the invoice series ({api_calls(sim)} SmartBill calls): {result}")
    print(
        f"\nOpen it: .venv/bin/python $ODOO_SRC/odoo-bin -d {args.db} "
        f"--addons-path $ODOO_SRC/addons,{REPO}"
    )
    print("then http://localhost:8069, login admin / admin, menu SmartBill > Backends.")
    print(f"For live calls from the backend, run `make sim` (port {args.sim_port}) beside it.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
