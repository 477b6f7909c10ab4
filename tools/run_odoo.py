"""Run Odoo for this repository: ``test`` (the Odoo test layer) and ``demo``.

Called by the Makefile with the project's virtualenv. The Odoo tree comes from
``ODOO_SRC``; databases this script creates carry a comment, and it only ever drops a
database that carries it.
"""

import argparse
import base64
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import cli_check
import psycopg2
import upgrade_check
from psycopg2 import sql

REPO = Path(__file__).resolve().parent.parent
MARK = "created by connector_smartbill (make test / make demo)"
ADDONS = (
    "connector_accounting_base",
    "connector_smartbill",
    "connector_smartbill_stock",
)  # installed and tested
FRESHBOOKS = ("connector_freshbooks",)  # installed and tested alone, on a generic chart
# tested beside it: the example connector of the test tree, a source on the base in a few lines
EXAMPLES = REPO / "tests" / "addons"
EXAMPLE = "connector_ledgerly"
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


def ensure_key():
    """The key the connectors' credentials are encrypted with in this checkout's databases
    (``.venv/smartbill.key``, made once), set as ``CONNECTOR_KEY`` for the Odoo processes
    started from here; a ``CONNECTOR_KEY`` or ``SMARTBILL_KEY`` (its name before the
    shared base) already set wins."""
    for variable in ("CONNECTOR_KEY", "SMARTBILL_KEY"):
        if os.environ.get(variable):
            return os.environ[variable]
    path = Path(sys.prefix) / "smartbill.key"
    if not path.exists():
        from cryptography.fernet import Fernet

        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    os.environ["CONNECTOR_KEY"] = path.read_text().strip()
    return os.environ["CONNECTOR_KEY"]


def odoo_src():
    src = Path(os.environ.get("ODOO_SRC", "/opt/odoo19"))
    if not (src / "odoo-bin").is_file():
        sys.exit(f"ERROR: no Odoo 19.0 tree at ODOO_SRC={src} (odoo-bin not found); see README.rst")
    return src


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(name):
    """Drop ``name`` if this script created it, then create it empty and marked."""
    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        row = cr.fetchone()
        if row is not None:
            if row[0] != MARK:
                sys.exit(
                    f"ERROR: database {name!r} exists and was not created by this script; "
                    "choose another name (TEST_DB / DEMO_DB)"
                )
            cr.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        cr.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name)
            )
        )
        cr.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(MARK))
        )
    conn.close()


def odoo_command(src, db, *extra):
    return [
        sys.executable,
        str(src / "odoo-bin"),
        "--database",
        db,
        "--addons-path",
        f"{src / 'addons'},{REPO},{EXAMPLES}",
        "--http-port",
        str(free_port()),
        "--without-demo" if "--with-demo" not in extra else "--with-demo",
        "--stop-after-init",
        *[e for e in extra if e != "--with-demo"],
    ]


def run_logged(command, log_path):
    """Run ``command``, echo and keep its output; return (exit code, lines)."""
    lines = []
    with (
        open(log_path, "w") as log,
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=REPO,
        ) as proc,
    ):
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
            lines.append(line)
    return proc.returncode, lines


def test_secrets():
    """Every credential the Odoo tests use: none may appear in their log."""
    sys.path.insert(0, str(REPO))
    from tests.smartbill_sim import generate  # the repository's simulator

    dataset = generate("demo", seed=3)  # connector_smartbill/tests/common.py
    basic = base64.b64encode(f"{dataset.email}:{dataset.v1_token}".encode()).decode()
    from tests.freshbooks_sim import generate as freshbooks

    return [
        dataset.v1_token,
        dataset.v3_token,
        dataset.spv_token,
        basic,
        "003|not-the-right-token",
        "sb_live_wrong",
        freshbooks("tiny", seed=11).client_secret,  # connector_freshbooks/tests/common.py
    ]


def run_tests(src, db, addons, log_name):
    """Install ``addons`` in a fresh ``db`` and run their tests; returns (passed, failed,
    reasons), the reasons being what makes the run fail besides a failed test."""
    recreate_database(db)
    code, lines = run_logged(
        odoo_command(
            src,
            db,
            "--with-demo",
            "-i",
            ",".join(addons),
            "--test-enable",
            "--test-tags",
            ",".join(f"/{addon}" for addon in addons),
            "--log-level",
            "info",
        ),
        Path(sys.prefix) / log_name,
    )
    results = [RESULT.search(line) for line in lines]
    results = [r for r in results if r]
    problems = [line for line in lines if LOG_PROBLEM.match(line)]
    secrets = test_secrets()
    leaks = sum(1 for line in lines if any(secret in line for secret in secrets))
    if results:
        failed, errors, total = (int(g) for g in results[-1].groups())
    else:
        failed, errors, total = 0, 1, 0
    bad = failed + errors
    reasons = []
    if code:
        reasons.append(f"odoo-bin exited with {code} ({db})")
    if total == 0:
        reasons.append(f"no Odoo test ran ({db})")
    if leaks:
        reasons.append(f"{leaks} log line(s) contain a test credential ({db})")
    if problems:
        reasons.append(f"{len(problems)} ERROR/CRITICAL log line(s), first: {problems[0].strip()}")
    return max(total - bad, 0), bad, reasons


def cmd_test(args):
    src = odoo_src()
    passed, bad, reasons = run_tests(src, args.db, ADDONS, "odoo-test.log")
    # FreshBooks on its own: it needs neither SmartBill nor any localisation
    fb_passed, fb_bad, fb_reasons = run_tests(
        src, f"{args.db}_freshbooks", (*FRESHBOOKS, EXAMPLE), "odoo-test-freshbooks.log"
    )
    passed, bad, reasons = passed + fb_passed, bad + fb_bad, reasons + fb_reasons
    summary = f"odoo: {passed} passed, {bad} failed"
    cli_problems = cli_check.check(src, args.db) if passed else ["not run"]
    summary += "\ncli: " + ("smartbill_import as documented" if not cli_problems else "FAILED")
    upgrade = subprocess.call(
        [sys.executable, str(REPO / "tools" / "upgrade_check.py"), "--db", f"{args.db}_upgrade"]
    )
    summary += "\nupgrade: " + {
        0: "from the connector before the base and from the main before shared runs, intact",
        upgrade_check.NOT_RUN: "NOT RUN (a commit to upgrade from is not in this clone)",
    }.get(upgrade, "FAILED")
    reasons += [f"smartbill_import: {problem}" for problem in cli_problems]
    if upgrade not in (0, upgrade_check.NOT_RUN):
        reasons.append("the upgrade check failed")
    upgrade_freshbooks = subprocess.call(
        [
            sys.executable,
            str(REPO / "tools" / "upgrade_check_freshbooks.py"),
            "--db",
            f"{args.db}_fb_upgrade",
        ]
    )
    summary += "\nupgrade freshbooks: " + {
        0: "from the main before this round, intact",
        upgrade_check.NOT_RUN: "NOT RUN (that commit is not in this clone)",
    }.get(upgrade_freshbooks, "FAILED")
    if upgrade_freshbooks not in (0, upgrade_check.NOT_RUN):
        reasons.append("the FreshBooks upgrade check failed")
    (Path(sys.prefix) / "odoo-test.summary").write_text(summary + "\n")
    for reason in reasons:
        print(f"FAILED: {reason}")
    print(summary)
    return 1 if reasons or bad else 0


def cmd_demo(args):
    """SmartBill's demo, then FreshBooks' (``--only`` one of them)."""
    src = odoo_src()
    code = 0
    if args.only in (None, "smartbill"):
        code = demo_of(src, args.db, ADDONS, ["demo.py", "--sim-port", str(args.sim_port)])
    if args.only in (None, "freshbooks"):
        code = demo_of(src, args.freshbooks_db, FRESHBOOKS, ["demo_freshbooks.py"]) or code
    return code


def demo_of(src, db, addons, script):
    """Install ``addons`` in a new ``db``, then run the demo ``script`` on it."""
    recreate_database(db)
    code, _lines = run_logged(
        odoo_command(src, db, "--with-demo", "-i", ",".join(addons)),
        Path(sys.prefix) / f"odoo-{db}.log",
    )
    if code:
        return code
    command = [sys.executable, str(REPO / "tools" / script[0]), "--db", db, *script[1:]]
    return subprocess.call(command, cwd=REPO)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("test", "demo"):
        p = sub.add_parser(name)
        p.add_argument("--db", required=True)
        p.add_argument("--sim-port", type=int, default=8787)
    demo = sub.choices["demo"]
    demo.add_argument("--freshbooks-db", default="freshbooks_demo")
    demo.add_argument("--only", choices=("smartbill", "freshbooks"))
    args = parser.parse_args()
    ensure_key()
    return {"test": cmd_test, "demo": cmd_demo}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
