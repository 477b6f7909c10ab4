# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Import e-Factura files (XML, or zips as SPV serves them) into a database, now.

Usage: ``odoo-bin --addons-path=... smartbill_import -d DB --cif CIF FILE_OR_ZIP...``

The same import as the upload wizard and the jobs, on the backend of that CIF, without
jobs: for integrators migrating an archive of SPV zips, and for support. Prints a JSON
list, one entry per file (see README, "Command-line import"); each file is committed on
its own. Exits 1 when a file or one of its documents failed, 2 on a usage error.
"""

import json
import sys
from pathlib import Path

from odoo import api
from odoo.cli.command import Command
from odoo.modules.registry import Registry
from odoo.tools import config

MAX_FILE_BYTES = 200 * 1024 * 1024  # a zip of a month of SPV messages fits; a disk does not


class SmartbillImport(Command):
    """Import e-Factura files (XML or SPV zips) for a SmartBill backend, now."""

    name = "smartbill_import"

    def run(self, cmdargs):
        parser = self.parser
        parser.add_argument("-d", "--database", required=True, help="the Odoo database")
        parser.add_argument("--cif", required=True, help="the SmartBill company's CIF")
        parser.add_argument("files", nargs="+", metavar="FILE_OR_ZIP")
        args, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(["--database", args.database, *odoo_args], setup_logging=True)
        registry = Registry(args.database)
        entries, failed = [], False
        for path in args.files:
            entry = self._import(registry, args.cif, Path(path))
            failed = (
                failed
                or "error" in entry
                or any(document["state"] != "imported" for document in entry["documents"])
            )
            entries.append(entry)
        json.dump(entries, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        sys.exit(1 if failed else 0)

    def _import(self, registry, cif, path):
        """One file's entry, committed on its own."""
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return {"file": str(path), "documents": [], "error": "file too large"}
            content = path.read_bytes()
        except OSError as err:
            return {"file": str(path), "documents": [], "error": err.strerror or str(err)}
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            backend = env["smartbill.backend"]._by_cif(cif)
            if len(backend) != 1:
                sys.stderr.write(f"No single SmartBill backend with CIF {cif}.\n")
                sys.exit(2)
            backend = backend.with_company(backend.company_id)
            (entry,) = env["smartbill.document"].import_files_now(backend, [(path.name, content)])
        return {**entry, "file": str(path)}
