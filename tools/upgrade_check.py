"""The upgrade test: a database made by the connector_smartbill that came before the shared
base (commit ``UPGRADE_FROM``) upgrades to this checkout with its bindings, sync runs,
alerts and encrypted tokens intact.

``python tools/upgrade_check.py --db DB``: extracts that commit's addons with ``git
archive``, installs them in a fresh database, feeds it from the SmartBill simulator (tiny
dataset: master data and the e-Factura folder, through queue jobs), opens an alert, notes
what is there; then ``-u connector_smartbill`` with this checkout's addons, and compares.
Prints one line per check and exits 1 when one fails, 3 when the clone does not hold
that commit and cannot fetch it (a shallow clone). Run by ``make test``.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))

UPGRADE_FROM = "ea33898"  # the last connector_smartbill before connector_accounting_base
NOT_RUN = 3  # exit code: a clone without that commit (and none to fetch it from)
BINDINGS = (
    "smartbill.res.partner",
    "smartbill.product.product",
    "smartbill.workpoint",
    "smartbill.series",
    "smartbill.account.move",
)


def have_old_commit(commit=UPGRADE_FROM):
    """Whether this clone holds ``commit``; a shallow clone is deepened first."""

    def present():
        check = ["git", "-C", str(REPO), "cat-file", "-e", f"{commit}^{{commit}}"]
        return subprocess.run(check, capture_output=True, check=False).returncode == 0

    if not present():
        subprocess.run(
            ["git", "-C", str(REPO), "fetch", "--quiet", "--unshallow"],
            capture_output=True,
            check=False,
        )
    return present()


def old_tree(commit=UPGRADE_FROM, paths=("connector_smartbill", "tests")):
    """``paths`` of ``commit``, extracted once under the virtualenv."""
    target = Path(sys.prefix) / f"upgrade-from-{commit}"
    if not (target / paths[0]).exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit, *paths],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def snapshot(env):
    """What must survive the upgrade, as plain values."""
    backend = env["smartbill.backend"].search([], limit=1)
    env.cr.execute("SELECT v1_token_secret, v3_token_secret FROM smartbill_backend")
    v1_secret, v3_secret = env.cr.fetchone()
    env.cr.execute("SELECT count(*) FROM smartbill_sync_run")
    runs = env.cr.fetchone()[0]
    env.cr.execute("SELECT count(*) FROM account_move WHERE x_smartbill_number IS NOT NULL")
    numbered = env.cr.fetchone()[0]
    # a job's figures: queue_job's smartbill_* columns before 19.0.1.4.0, connector_* since
    prefix = "connector" if "connector_counts" in env["queue.job"]._fields else "smartbill"
    env.cr.execute(
        f"SELECT count(*), sum({prefix}_calls)::int, count({prefix}_ref) FROM queue_job "
        f"WHERE {prefix}_counts IS NOT NULL"
    )
    job_figures = list(env.cr.fetchone())
    return {
        "backend": backend.id,
        "bindings": {name: env[name].search_count([]) for name in BINDINGS},
        "external_ids": sorted(env["smartbill.res.partner"].search([]).mapped("external_id")),
        "runs": runs,
        "numbered_moves": numbered,
        "job_figures": job_figures,
        "secrets": [v1_secret, v3_secret],
        "tokens": [backend._secret("v1_token"), backend._secret("v3_token")],
    }


def populate(args):
    """In the old tree: a backend fed from the simulator, an alert open."""
    from demo import create_backend, load_registry, superuser_env, sync

    from tests.smartbill_sim import SimServer, generate

    dataset = generate("tiny", seed=4)
    registry = load_registry(args.db, os.environ["UPGRADE_ADDONS"])
    with SimServer(dataset) as sim:
        backend_id, state, _connection, _taxes = create_backend(registry, dataset, sim)
        assert state == "ok", state
        for entities in (("master",), ("documents",)):
            _seconds, rows = sync(registry, backend_id, *entities)
            assert all(row["state"] == "done" for row in rows), rows
    with registry.cursor() as cr:
        env = superuser_env(cr)
        env["smartbill.alert"].create(
            {"backend_id": backend_id, "kind": "stale", "message": "An alert from before."}
        )
        before = snapshot(env)
        before["alerts"] = 1
    Path(args.state).write_text(json.dumps(before))


def verify(args):
    """In this checkout: the same values, the alert in the shared table."""
    from demo import load_registry, superuser_env

    before = json.loads(Path(args.state).read_text())
    with load_registry(args.db, os.environ["UPGRADE_ADDONS"]).cursor() as cr:
        env = superuser_env(cr)
        after = snapshot(env)
        alerts = env["connector.alert"].search([("res_model", "=", "smartbill.backend")])
        alerts_found = [len(alerts), alerts.kind]
        cr.execute("SELECT to_regclass('smartbill_alert') IS NULL")
        old_table_gone = cr.fetchone()[0]
        base = env["ir.module.module"].search([("name", "=", "connector_accounting_base")])
        base_state = base.state
    checks = [
        ("bindings per model", before["bindings"], after["bindings"]),
        ("partner bindings' SmartBill ids", before["external_ids"], after["external_ids"]),
        ("sync runs", before["runs"], after["runs"]),
        ("moves with their legal number", before["numbered_moves"], after["numbered_moves"]),
        ("jobs' counts, calls and references", before["job_figures"], after["job_figures"]),
        ("encrypted tokens (unchanged ciphertext)", before["secrets"], after["secrets"]),
        ("tokens read with the key", before["tokens"], after["tokens"]),
        ("alerts in connector.alert", [before["alerts"], "stale"], alerts_found),
        ("old alert table dropped", True, old_table_gone),
        ("connector_accounting_base installed", "installed", base_state),
    ]
    failed = 0
    for name, expected, found in checks:
        ok = expected == found
        failed += not ok
        print(f"upgrade: {name}: {'ok' if ok else f'FAILED ({expected!r} -> {found!r})'}")
    populated = (
        all(before["bindings"].values())
        and before["runs"]
        and before["numbered_moves"]
        and before["job_figures"][0]
    )
    if not populated:
        failed += 1
        print(f"upgrade: FAILED: the old database was not populated ({before})")
    return 1 if failed else 0


def odoo(src, db, addons, *extra):
    command = [
        sys.executable,
        str(src / "odoo-bin"),
        "--database",
        db,
        "--addons-path",
        f"{src / 'addons'},{addons}",
        "--without-demo",
        "--stop-after-init",
        "--http-port",
        "0",
        "--log-level",
        "warn",
        *extra,
    ]
    return subprocess.run(command, cwd=REPO, check=False).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--phase", choices=("all", "populate", "verify"), default="all")
    parser.add_argument("--state", default=str(Path(sys.prefix) / "upgrade-state.json"))
    args = parser.parse_args()
    if args.phase == "populate":
        return populate(args)
    if args.phase == "verify":
        return verify(args)
    from run_odoo import ensure_key, odoo_src, recreate_database

    # a server set up before the shared base: its key under the name it had then only
    os.environ["SMARTBILL_KEY"] = ensure_key()
    os.environ.pop("CONNECTOR_KEY", None)
    src = odoo_src()
    if not have_old_commit():
        print(f"upgrade: NOT RUN: commit {UPGRADE_FROM} is not in this clone (shallow?)")
        return NOT_RUN
    old = old_tree()
    recreate_database(args.db)
    steps = [
        ("install the old connector", lambda: odoo(src, args.db, old, "-i", "connector_smartbill")),
        ("populate", lambda: phase("populate", old)),
        ("upgrade", lambda: odoo(src, args.db, REPO, "-u", "connector_smartbill")),
        ("verify", lambda: phase("verify", REPO)),
    ]

    def phase(name, addons):
        env = {**os.environ, "UPGRADE_ADDONS": str(addons)}
        return subprocess.call(
            [sys.executable, __file__, "--db", args.db, "--phase", name, "--state", args.state],
            env=env,
        )

    for name, step in steps:
        code = step()
        if code:
            print(f"upgrade: FAILED at {name} (exit {code})")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
