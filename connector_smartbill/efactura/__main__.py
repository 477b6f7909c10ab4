"""``python -m connector_smartbill.efactura FILE...``: each e-Factura file (XML, or a zip
as SPV serves it) as its canonical document in JSON, or the error that stops it.
Exits 1 when any file failed."""

import json
import sys
from pathlib import Path

from .reader import EFacturaError, parse, read_files


def main(argv=None):
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        sys.stderr.write(__doc__)
        return 2
    failed = False
    results = []
    for path in paths:
        try:
            for name, xml in read_files(Path(path).read_bytes(), path):
                try:
                    results.append({"file": name, "document": parse(xml).summary()})
                except EFacturaError as err:
                    failed = True
                    results.append({"file": name, "error": str(err)})
        except (OSError, EFacturaError) as err:
            failed = True
            results.append({"file": path, "error": str(err)})
    json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
