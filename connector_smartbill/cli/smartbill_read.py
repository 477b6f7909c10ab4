# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each e-Factura file (XML, or a zip as SPV serves it) as its canonical document in JSON,
or the error that stops it; no database.

Usage: ``odoo-bin --addons-path=... smartbill_read FILE_OR_ZIP...``

Never a traceback: every failure is an entry ``{"file", "error"}``. Exits 1 when any file
failed, 2 without a file."""

import json
import sys
from pathlib import Path

from odoo.cli.command import Command

from odoo.addons.connector_smartbill.efactura.archive import read_files
from odoo.addons.connector_smartbill.efactura.errors import MAX_ZIP_BYTES, EFacturaError
from odoo.addons.connector_smartbill.efactura.reader import parse


def entries(path):
    """The entries of one file given on the command line."""
    try:
        if Path(path).stat().st_size > MAX_ZIP_BYTES:
            return [{"file": path, "error": f"larger than {MAX_ZIP_BYTES} bytes: not read"}]
        files = list(read_files(Path(path).read_bytes(), path))
    except OSError as err:
        return [{"file": path, "error": err.strerror or type(err).__name__}]
    except EFacturaError as err:
        return [{"file": path, "error": str(err)}]
    result = []
    for name, xml in files:
        try:
            result.append({"file": name, "document": parse(xml).summary()})
        except EFacturaError as err:
            result.append({"file": name, "error": str(err)})
        except Exception as err:  # noqa: BLE001 - a bug of ours is one file's error too
            result.append({"file": name, "error": f"unexpected {type(err).__name__}: {err}"})
    return result


def main(argv=None):
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        sys.stderr.write(__doc__)
        return 2
    results = [entry for path in paths for entry in entries(path)]
    json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 1 if any("error" in entry for entry in results) else 0


class SmartbillRead(Command):
    """Print e-Factura files (XML or SPV zips) as the connector reads them (no database)."""

    name = "smartbill_read"

    def run(self, cmdargs):
        sys.exit(main(cmdargs))
