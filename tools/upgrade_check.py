"""The upgrade test: a database made by an earlier connector_smartbill upgrades to this
checkout with its bindings, sync runs (moved into the base's table of every connector's
runs, their jobs still linked), alerts and encrypted tokens intact. From each commit of
``UPGRADE_FROM``: the one before the shared base, and the main before the base held one
table of runs for every source.

``python tools/upgrade_check.py --db DB``: for each commit, extracts its tree with ``git
archive``, installs its addons in a fresh database, feeds it from the SmartBill simulator
with that commit's own demo code (tiny dataset: master data and the e-Factura folder,
through queue jobs), opens an alert, notes what is there; then upgrades with this
checkout's addons, and compares. Prints one line per check and exits 1 when one fails, 3
when the clone does not hold a commit and cannot fetch it (a shallow clone). Run by
``make test``.
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

UPGRADE_FROM = (
    "ea33898",  # the last connector_smartbill before connector_accounting_base
    "6d69ca2",  # the main before one table of sync runs for every connector
)
OLD_PATHS = ("connector_accounting_base", "connector_smartbill", "tests", "tools")
NOT_RUN = 3  # exit code: a clone without that commit (and none to fetch it from)
BINDINGS = (
    "smartbill.res.partner",
    "smartbill.product.product",
    "smartbill.workpoint",
    "smartbill.series",
    "smartbill.account.move",
)


def have_old_commit(commit):
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


def old_tree(commit, paths=OLD_PATHS):
    """``paths`` of ``commit`` (those it has), extracted once under the virtualenv."""
    target = Path(sys.prefix) / f"upgrade-from-{commit}"
    if not (target / "tools").exists():
        target.mkdir(parents=True, exist_ok=True)
        listed = subprocess.run(
            ["git", "-C", str(REPO), "ls-tree", "--name-only", commit, *paths],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit, *listed],
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
    # the runs and their jobs' links: SmartBill's own table before 19.0.1.5.0
    if "connector.sync.run" in env:
        env.cr.execute(
            "SELECT run.state, run.entity, count(DISTINCT run.id), count(job.id) "
            "FROM connector_sync_run run LEFT JOIN queue_job job ON job.connector_run_id = run.id "
            "WHERE run.connector = 'smartbill' GROUP BY 1, 2 ORDER BY 1, 2"
        )
    else:
        env.cr.execute(
            "SELECT run.state, run.entity, count(DISTINCT run.id), count(job.id) "
            "FROM smartbill_sync_run run LEFT JOIN queue_job job ON job.smartbill_run_id = run.id "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        )
    runs = [list(row) for row in env.cr.fetchall()]
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
    """In the old tree, with its own demo code: a backend fed from the simulator, an
    alert open."""
    old = Path(os.environ["UPGRADE_ADDONS"])
    sys.path[:0] = [str(old), str(old / "tools")]
    from demo import create_backend, load_registry, superuser_env, sync

    from tests.smartbill_sim import SimServer, generate

    dataset = generate("tiny", seed=4)
    registry = load_registry(args.db)  # the old demo's: its own tree's addons
    with SimServer(dataset) as sim:
        backend_id, state, _connection, _taxes = create_backend(registry, dataset, sim)
        assert state == "ok", state
        for entities in (("master",), ("documents",)):
            _seconds, rows = sync(registry, backend_id, *entities)
            assert all(row["state"] == "done" for row in rows), rows
    with registry.cursor() as cr:
        env = superuser_env(cr)
        if "smartbill.alert" in env:  # before the shared base
            env["smartbill.alert"].create(
                {"backend_id": backend_id, "kind": "stale", "message": "An alert from before."}
            )
        else:
            env["connector.alert"].update_from(
                env["smartbill.backend"].browse(backend_id),
                {("stale", False): "An alert from before."},
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
        old_crons = [
            xmlid
            for xmlid in ("cron_check_health", "cron_refresh_sync_runs")
            if env.ref(f"connector_smartbill.{xmlid}", raise_if_not_found=False)
        ]
        health_crons = env["ir.cron"].search_count([("code", "like", "_cron_check_health")])
        action = env.ref("connector_smartbill.smartbill_sync_run_action")
        action_model = action.res_model
    checks = [
        ("bindings per model", before["bindings"], after["bindings"]),
        ("partner bindings' SmartBill ids", before["external_ids"], after["external_ids"]),
        ("sync runs per state and entity, with their jobs", before["runs"], after["runs"]),
        (
            "the sync runs' action (same XML id) opens the base's runs",
            "connector.sync.run",
            action_model,
        ),
        ("one health cron for every connector", [[], 1], [old_crons, health_crons]),
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
        result = "ok" if ok else f"FAILED ({expected!r} -> {found!r})"
        print(f"upgrade from {os.environ['UPGRADE_FROM']}: {name}: {result}")
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
    codes = [upgrade_from(src, commit, args, recreate_database) for commit in UPGRADE_FROM]
    return 1 if 1 in codes else max(codes)


def upgrade_from(src, commit, args, recreate_database):
    """The check from ``commit``: 0 when it passes, 1 when not, NOT_RUN without it."""
    if not have_old_commit(commit):
        print(f"upgrade: NOT RUN: commit {commit} is not in this clone (shallow?)")
        return NOT_RUN
    old = old_tree(commit)
    db, state = f"{args.db}_{commit}", f"{args.state}.{commit}"
    recreate_database(db)
    upgrade = "connector_accounting_base,connector_smartbill"  # the base: when installed
    steps = [
        ("install the old connector", lambda: odoo(src, db, old, "-i", "connector_smartbill")),
        ("populate", lambda: phase("populate", old)),
        ("upgrade", lambda: odoo(src, db, REPO, "-u", upgrade)),
        ("verify", lambda: phase("verify", REPO)),
    ]

    def phase(name, addons):
        env = {**os.environ, "UPGRADE_ADDONS": str(addons), "UPGRADE_FROM": commit}
        return subprocess.call(
            [sys.executable, __file__, "--db", db, "--phase", name, "--state", state],
            env=env,
        )

    print(f"upgrade: from {commit}")
    for name, step in steps:
        code = step()
        if code:
            print(f"upgrade: FAILED at {name} from {commit} (exit {code})")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
