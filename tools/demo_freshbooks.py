"""The FreshBooks demo (``make demo`` runs it after SmartBill's; ``make demo-freshbooks``
alone): the FreshBooks simulator feeding a real Odoo database.

Starts the simulator (demo dataset) and Odoo's own HTTP application on 127.0.0.1 (the
callbacks FreshBooks sends: the webhooks), makes a US company on Odoo's generic chart
(with CAD, EUR and GBP rates) and a backend, connects it through the simulator's
authorize page, then: the first load, a few invoices as booked (a discount, two foreign
currencies at their rates, FreshBooks' numbers as names), the same again (nothing
created), the webhooks registered and a change delivered by one, a change whose webhook
never came caught by the poll, an invoice and a credit note made through FreshBooks' API
reaching Odoo by webhook and the credit applied, a partner pushed from Odoo (and
FreshBooks' webhook of it read back unchanged), and the
reconciliation per currency, each printed from Odoo's sync runs as SmartBill's demo prints
them.
"""

import argparse
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.freshbooks_sim import FreshBooksSim, generate  # noqa: E402
from tools.demo import COUNTS, load_registry, print_runs, superuser_env  # noqa: E402
from tools.jobrunner import run_jobs  # noqa: E402

CHANNEL = "root.freshbooks"
EVER = date(2000, 1, 1)
TAXES = (("GST", 5.0), ("PST", 7.0), ("VAT", 20.0))
RATES = {"CAD": 1.3512, "EUR": 0.9234, "GBP": 0.7866}  # per USD, from 2026-01-01


def serve_odoo(db):
    """Odoo's HTTP application for ``db`` on a free port, in a thread: its URL."""
    from werkzeug.serving import make_server

    from odoo import http
    from odoo.tools import config

    config["dbfilter"] = f"^{db}$"
    server = make_server("127.0.0.1", 0, http.root, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def setup(registry, sim, odoo_url):
    """A US company on the generic chart with the simulator's taxes, and its backend
    connected through the authorize page; returns the backend's id and business."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        env["ir.config_parameter"].set_param("web.base.url", odoo_url)
        company = env["res.company"].create(
            {
                "name": "Maple Leaf Books (US)",
                "country_id": env.ref("base.us").id,
                "currency_id": env.ref("base.USD").id,
            }
        )
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        company_id = company.id
    # a new transaction: the chart finishes loading once the first one is committed
    with registry.cursor() as cr:
        env = superuser_env(cr)
        company = env["res.company"].browse(company_id)
        for name, rate in TAXES:
            group = env["account.tax.group"].create(
                {"name": name, "company_id": company.id, "country_id": company.country_id.id}
            )
            env["account.tax"].create(
                {
                    "name": f"{name} {rate:g}%",
                    "amount": rate,
                    "type_tax_use": "sale",
                    "company_id": company.id,
                    "country_id": company.country_id.id,
                    "tax_group_id": group.id,
                }
            )
        for code, rate in RATES.items():
            env.ref(f"base.{code}").active = True
            env["res.currency.rate"].create(
                {
                    "currency_id": env.ref(f"base.{code}").id,
                    "name": "2026-01-01",
                    "rate": rate,
                    "company_id": company.id,
                }
            )
        admin = env.ref("base.user_admin")
        admin.write({"company_ids": [(4, company.id)], "company_id": company.id})
        backend = env["freshbooks.backend"].create(
            {
                "name": "FreshBooks demo",
                "company_id": company.id,
                "client_id": sim.data.client_id,
                "client_secret": sim.data.client_secret,
                "api_url": sim.url,
                "auth_url": sim.url,
            }
        )
        # the manager's browser: the authorize page answers with a code for the callback
        answer = requests.get(backend._authorize_url(), allow_redirects=False, timeout=10)
        query = parse_qs(urlsplit(answer.headers["Location"]).query)
        backend = backend._backend_of_state(query["state"][0])
        backend._connect_with_code(query["code"][0])
        return backend.id, backend.business_name


def run_step(registry, backend_id, action):
    """``action(backend)`` in a transaction, then the jobs it queued, then the runs
    closed as the cron closes them: the seconds spent and the new runs' rows."""
    with registry.cursor() as cr:
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM connector_sync_run")
        last_run = cr.fetchone()[0]
        action(superuser_env(cr)["freshbooks.backend"].browse(backend_id))
    seconds = run_jobs(registry, superuser_env, channel=CHANNEL)
    with registry.cursor() as cr:
        runs = superuser_env(cr)["connector.sync.run"].search([("id", ">", last_run)], order="id")
        runs.refresh_from_jobs()
        rows = [
            {
                "entity": f"{run.entity} ({run.source})",
                "state": run.state,
                **{name: run[f"{name}_count"] for name in COUNTS},
                "failures": run.failure_ids.mapped("message"),
            }
            for run in runs
        ]
    return seconds, rows


def calls(sim, since):
    return sum(path.startswith("/accounting/") for _method, path in sim.requests[since:])


def webhooks_verified(registry):
    with registry.cursor() as cr:
        hooks = superuser_env(cr)["freshbooks.webhook"].search([])
        states = [f"{h.event} {'verified' if h.verified else 'NOT verified'}" for h in hooks]
        print(f"  webhooks: {', '.join(states)}")
        return len(hooks) == 4 and all(hooks.mapped("verified"))


def moves_posted(registry, invoices):
    with registry.cursor() as cr:
        moves = superuser_env(cr)["freshbooks.account.move"].search(
            [("external_id", "in", [str(i["id"]) for i in invoices])]
        )
        print(f"  moves now: {', '.join(f'{m.invoice_number} {m.state}' for m in moves)}")
        return moves.mapped("state") == ["posted"] * len(invoices)


def as_booked(registry, dataset):
    """A discounted invoice and one in each foreign currency, as Odoo booked them:
    whether each is FreshBooks' figures to the cent, under FreshBooks' number."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        moves = env["freshbooks.account.move"].search([("state", "=", "posted")])
        by_id = {int(m.external_id): m for m in moves}
        chosen = [
            next(
                (m for i, m in by_id.items() if dataset.invoices[i]["discount_value"] != "0"), None
            ),
            *(
                next((m for m in moves if m.currency_id.name == code), None)
                for code in ("EUR", "CAD")
            ),
        ]
        print("\nAs booked (FreshBooks' number is the move's name):")
        print(
            f"  {'move':<10}{'cur':<5}{'rate':>8}{'untaxed':>11}{'tax':>9}{'total':>11}  FreshBooks"
        )
        exact = True
        for move in filter(None, chosen):
            invoice = dataset.invoices[int(move.external_id)]
            discount = move.invoice_line_ids.filtered(lambda line: line.price_unit < 0)
            print(
                f"  {move.name:<10}{move.currency_id.name:<5}{move.invoice_currency_rate:>8.4f}"
                f"{move.amount_untaxed:>11,.2f}{move.amount_tax:>9,.2f}{move.amount_total:>11,.2f}"
                f"  {invoice['amount']['amount']}"
                + (f" ({', '.join(discount.mapped('name'))})" if discount else "")
            )
            exact &= f"{move.amount_total:.2f}" == invoice["amount"]["amount"]
            exact &= move.name == invoice["invoice_number"]
        return exact and all(chosen)


def credit_applied(sim):
    """In FreshBooks, through its API: a credit note for a client, an invoice, and a
    payment of the invoice from that credit (each delivered by webhook)."""
    client = next(c for c in sim.data.clients.values() if c["currency_code"] == "USD")
    gst = {"taxName1": "GST", "taxAmount1": "5"}
    credit, _events = sim.create(
        "credit_note",
        {"clientid": client["id"], "credit_type": "goodwill",
         "lines": [{"name": "Goodwill", "qty": 1, "unit_cost": "100.00", **gst}]},
    )  # fmt: skip
    invoice, _events = sim.create(
        "invoice",
        {"customerid": client["id"], "action_mark_as_sent": True, "discount_value": "10",
         "lines": [{"name": "Audit", "qty": "2.75", "unit_cost": "112.3456", **gst}]},
    )  # fmt: skip
    sim.create(
        "payment",
        {"invoiceid": invoice["id"], "amount": "105.00", "from_credit": True,
         "creditid": credit["id"]},
    )  # fmt: skip
    return credit, invoice


def credit_settled(registry, credit, invoice):
    with registry.cursor() as cr:
        env = superuser_env(cr)
        refund = env["freshbooks.credit.note"].search([("external_id", "=", str(credit["id"]))])
        move = env["freshbooks.account.move"].search([("external_id", "=", str(invoice["id"]))])
        print(
            f"  credit note {refund.name} {refund.amount_total:,.2f} "
            f"(open {refund.amount_residual:,.2f}); "
            f"invoice {move.name} {move.amount_total:,.2f} "
            f"(FreshBooks {invoice['amount']['amount']}), open {move.amount_residual:,.2f} "
            f"(FreshBooks {invoice['outstanding']['amount']})"
        )
        return (
            refund.state == "posted"
            and f"{move.amount_residual:.2f}" == invoice["outstanding"]["amount"]
            and f"{move.amount_total:.2f}" == invoice["amount"]["amount"]
        )


def push(backend):
    backend.env["res.partner"].create(
        {
            "name": "Odoo First Customer Inc.",
            "is_company": True,
            "email": "ap@odoo-first.example.com",
            "city": "Boston",
            "company_id": backend.company_id.id,
            "freshbooks_push": True,
        }
    )


def reconciliation(registry, backend_id):
    """The reconciliation rebuilt and printed; whether it found no difference."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        backend = env["freshbooks.backend"].browse(backend_id)
        rows = env["freshbooks.reconciliation"].rebuild(backend)
        different = rows.filtered(lambda r: r.state == "different")
        months = len(set(rows.mapped("month")))
        print(
            f"\nReconciliation: {months} months, {len(rows)} client-months, "
            f"{len(different)} with differences"
        )
        print(
            f"  {'currency':<9}{'FreshBooks total':>18}{'outstanding':>13}"
            f"{'Odoo total':>13}{'outstanding':>13}"
        )
        for currency, same in rows.grouped("currency_id").items():
            print(
                f"  {currency.name:<9}{sum(same.mapped('freshbooks_total')):>18,.2f}"
                f"{sum(same.mapped('freshbooks_outstanding')):>13,.2f}"
                f"{sum(same.mapped('move_total')):>13,.2f}"
                f"{sum(same.mapped('move_outstanding')):>13,.2f}"
            )
        for row in different:
            print(f"  {row.display_name}: {row.difference_count} differences")
        running = env["connector.sync.run"].search_count([("state", "=", "running")])
    print(f"Sync runs left running: {running}")
    return bool(rows) and not different and not running


def scenario(registry, sim, backend_id):
    """The demo's steps, printed; whether each did what it should."""
    dataset = sim.data
    results = []

    def step(title, action):
        first = len(sim.requests)
        seconds, rows = run_step(registry, backend_id, action)
        print_runs(title, seconds, rows, calls(sim, first), source="FreshBooks")
        results.append(all(row["state"] == "done" for row in rows))
        return rows

    step("First load (clients, invoices, credit notes, payments)", lambda b: b.action_sync_now())
    results.append(as_booked(registry, dataset))
    again = step(
        "The same again, the whole window re-read",
        lambda b: [b._queue_sync(entity, since=EVER) for entity in b._sync_entities()],
    )
    results.append(not any(row["created"] or row["updated"] for row in again))
    step("Register webhooks (verifiers confirmed back)", lambda b: b.action_register_webhooks())
    results.append(webhooks_verified(registry))
    drafts = [i for i in dataset.invoices.values() if i["status"] == 1][:2]
    delivered = len(sim.deliveries)
    step(
        f"A webhook: invoice {drafts[0]['invoice_number']} sent in FreshBooks",
        lambda b: sim.change("invoice", drafts[0]["id"], status=2, v3_status="sent"),
    )
    print(f"  delivery answered {sim.deliveries[delivered][2]}")
    step(
        f"A missed webhook: invoice {drafts[1]['invoice_number']} sent, no delivery; the poll",
        lambda b: (
            sim.change("invoice", drafts[1]["id"], notify=False, status=2, v3_status="sent"),
            b.env["freshbooks.backend"]._cron_poll(),
        ),
    )
    results.append(moves_posted(registry, drafts))
    made = {}
    step(
        "Through FreshBooks' API: a credit note, an invoice, the credit applied (webhooks)",
        lambda b: made.update(zip(("credit", "invoice"), credit_applied(sim), strict=True)),
    )
    results.append(credit_settled(registry, made["credit"], made["invoice"]))
    delivered = len(sim.deliveries)
    step("A partner pushed from Odoo", push)
    made = [c for c in dataset.clients.values() if c.get("email") == "ap@odoo-first.example.com"]
    print(f"  FreshBooks clients with its email: {len(made)}")
    results.append(len(made) == 1)

    def delivery(_backend):
        """FreshBooks sends the webhook of the client it created after answering."""
        deadline = time.monotonic() + 10
        while len(sim.deliveries) == delivered and time.monotonic() < deadline:
            time.sleep(0.1)

    echo = step("FreshBooks' webhook of the pushed client, read back", delivery)
    results.append(not any(row["created"] for row in echo))
    results.append(reconciliation(registry, backend_id))
    return all(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()

    registry = load_registry(args.db)
    odoo_url = serve_odoo(args.db)
    dataset = generate("demo")
    dataset.redirect_uris.append(f"{odoo_url}/freshbooks/auth/callback")
    with FreshBooksSim(dataset) as sim:
        backend_id, business = setup(registry, sim, odoo_url)
        print("\n== FreshBooks demo ==")
        print(f"simulator        {sim.url} (business {business}, account {dataset.account_id})")
        print(f"Odoo             {odoo_url} (webhooks), US company on the generic chart, USD")
        print(
            f"data             {len(dataset.clients)} clients, {len(dataset.invoices)} "
            f"invoices, {len(dataset.payments)} payments (USD, CAD, EUR; up to 2 taxes a line)"
        )
        ok = scenario(registry, sim, backend_id)
    print(f"\nFreshBooks demo {'OK' if ok else 'FAILED'}: database {args.db}, menu FreshBooks.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
