"""The demo behind ``make demo``: a SmartBill simulator feeding a real Odoo database.

Starts the simulator (demo dataset) on 127.0.0.1, creates a backend pointing at it in the
database ``make demo`` just installed, runs what the connector can do so far, and prints
a summary. Leaves the database for you to open.
"""

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.smartbill_sim import SimServer, generate  # noqa: E402


def odoo_env(db):
    """An Odoo environment on ``db`` (superuser), configured like ``tools/run_odoo.py``."""
    from odoo.modules.registry import Registry
    from odoo.tools import config

    src = Path(os.environ.get("ODOO_SRC", "/opt/odoo19"))
    config.parse_config(["-d", db, "--addons-path", f"{src / 'addons'},{REPO}"])
    return Registry(db)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--sim-port", type=int, default=8787)
    args = parser.parse_args()

    from odoo import api
    from odoo.api import SUPERUSER_ID

    dataset = generate("demo")
    registry = odoo_env(args.db)
    with SimServer(dataset, port=args.sim_port) as sim, registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        backend = env["smartbill.backend"].create(
            {
                "name": f"SmartBill demo ({dataset.company_name})",
                "company_vat_code": dataset.cif,
                "base_url": sim.url,
                "email": dataset.email,
                "v1_token": dataset.v1_token,
                "v3_token": dataset.v3_token,
            }
        )
        backend.action_test_connection()
        print()
        print("== SmartBill demo ==")
        print(f"simulator         {sim.url} (company {dataset.cif})")
        print(f"backend           {backend.name} (id {backend.id})")
        print(
            f"test connection   {backend.connection_state}: "
            f"{backend.connection_message.replace(chr(10), ' ')}"
        )
        print(f"SmartBill calls   {len(sim.requests)}")
        ok = backend.connection_state == "ok"
    print()
    print(
        f"Open it: .venv/bin/python $ODOO_SRC/odoo-bin -d {args.db} "
        f"--addons-path $ODOO_SRC/addons,{REPO}"
    )
    print("then http://localhost:8069, login admin / admin, menu SmartBill > Backends.")
    print(f"For live calls from the backend, run `make sim` (port {args.sim_port}) beside it.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
