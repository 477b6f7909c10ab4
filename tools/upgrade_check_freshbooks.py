"""The FreshBooks upgrade test: a database made by the connector_freshbooks of the main
before this round (``FRESHBOOKS_FROM``, 19.0.1.1.0: a checkpoint field per entity, no
payment types, Odoo's own backend model changed in place) upgrades to this checkout with
its bindings, sync runs, webhooks and encrypted tokens intact, its checkpoints moved into
the base's rows and its payment types mapped.

``python tools/upgrade_check_freshbooks.py --db DB``: extracts that commit's tree with
``git archive``, runs its own FreshBooks demo into DB (a backend connected through the
simulator, clients, invoices, payments, webhooks verified, sync runs), notes what is
there, upgrades the base and connector_freshbooks to this checkout, and compares. Prints
one line per check; exits 1 when one fails, 3 when the clone does not hold the commit.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from upgrade_check import NOT_RUN, have_old_commit, odoo, old_tree  # noqa: E402

FRESHBOOKS_FROM = "f0e2a40"  # the main before FreshBooks was booked as it states itself
COUNTS = {
    "clients bound": "SELECT count(*) FROM freshbooks_res_partner",
    "invoices bound": "SELECT count(*) FROM freshbooks_account_move",
    "invoices posted": "SELECT count(*) FROM freshbooks_account_move b "
    "JOIN account_move m ON m.id = b.odoo_id WHERE m.state = 'posted'",
    "payments bound": "SELECT count(*) FROM freshbooks_account_payment",
    "webhooks verified": "SELECT count(*) FROM freshbooks_webhook WHERE verified",
    "encrypted tokens (unchanged ciphertext)": "SELECT md5(access_token_secret || "
    "refresh_token_secret || client_secret_secret) FROM freshbooks_backend",
}
# FreshBooks' own table of runs before 19.0.1.3.0, the base's table of every connector's since
RUNS = (
    "SELECT run.state, run.entity, run.checkpoint, count(DISTINCT run.id), count(job.id) "
    "FROM {table} run LEFT JOIN queue_job job ON job.{link} = run.id {where} "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
)
RUNS_BEFORE = RUNS.format(table="freshbooks_sync_run", link="freshbooks_run_id", where="")
RUNS_AFTER = RUNS.format(
    table="connector_sync_run", link="connector_run_id", where="WHERE run.connector = 'freshbooks'"
)
CHECKPOINTS = (
    "SELECT clients_checkpoint, invoices_checkpoint, payments_checkpoint FROM freshbooks_backend"
)


def query(db, sql):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(sql)
        return cr.fetchall()


def tokens(args):
    """In this checkout, after the upgrade: the backend's tokens read with the key."""
    from demo import load_registry, superuser_env

    with load_registry(args.db).cursor() as cr:
        backend = superuser_env(cr)["freshbooks.backend"].search([], limit=1)
        found = [bool(backend._secret(name)) for name in ("access_token", "refresh_token")]
        types = len(backend.payment_type_ids)
        entities = sorted(backend._sync_entities())
    print(json.dumps({"tokens": found, "payment types": types, "entities": entities}))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--phase", choices=("all", "tokens"), default="all")
    args = parser.parse_args()
    if args.phase == "tokens":
        return tokens(args)
    from run_odoo import ensure_key, odoo_src

    ensure_key()
    if not have_old_commit(FRESHBOOKS_FROM):
        print(f"upgrade: NOT RUN: commit {FRESHBOOKS_FROM} is not in this clone (shallow?)")
        return NOT_RUN
    old = old_tree(
        FRESHBOOKS_FROM, ("connector_accounting_base", "connector_freshbooks", "tests", "tools")
    )
    made = subprocess.call(
        [sys.executable, str(old / "tools" / "run_odoo.py"), "demo", "--db", f"{args.db}_unused",
         "--only", "freshbooks", "--freshbooks-db", args.db],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "ODOO_SRC": str(odoo_src())},
    )  # fmt: skip
    if made:
        print(f"upgrade: FAILED: the demo of {FRESHBOOKS_FROM} did not run (exit {made})")
        return 1
    before = {name: query(args.db, sql) for name, sql in COUNTS.items()}
    before["sync runs per state, entity and checkpoint, with their jobs"] = query(
        args.db, RUNS_BEFORE
    )
    checkpoints = [stamp for stamp in query(args.db, CHECKPOINTS)[0] if stamp]
    if odoo(odoo_src(), args.db, REPO, "-u", "connector_accounting_base,connector_freshbooks"):
        print("upgrade: FAILED at the upgrade")
        return 1
    after = {name: query(args.db, sql) for name, sql in COUNTS.items()}
    after["sync runs per state, entity and checkpoint, with their jobs"] = query(
        args.db, RUNS_AFTER
    )
    rows = query(args.db, "SELECT stamp FROM connector_checkpoint ORDER BY entity")
    read = subprocess.run(
        [sys.executable, __file__, "--db", args.db, "--phase", "tokens"],
        capture_output=True,
        text=True,
        check=False,
    )
    found = json.loads(read.stdout.strip().splitlines()[-1]) if read.returncode == 0 else {}
    checks = [(name, before[name], after[name]) for name in before]
    checks += [
        ("checkpoints moved into the base's rows", sorted(checkpoints), sorted(r[0] for r in rows)),
        ("tokens read with the key", [True, True], found.get("tokens")),
        ("payment types mapped", 15, found.get("payment types")),
        ("credit notes among the entities", True, "credit_notes" in found.get("entities", [])),
    ]
    failed = 0
    for name, expected, result in checks:
        ok = expected == result
        failed += not ok
        print(
            f"upgrade freshbooks: {name}: {'ok' if ok else f'FAILED ({expected!r} -> {result!r})'}"
        )
    if not (before["invoices bound"][0][0] and checkpoints):
        failed += 1
        print(f"upgrade freshbooks: FAILED: the old database was not populated ({before})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
