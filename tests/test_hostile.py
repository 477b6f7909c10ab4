"""The hostile corpus (``tests/hostile.py``) through the reader of ``odoo-bin
smartbill_read``, each file in a process of its own: refused with its reason in a JSON
entry (exit 1, never a traceback), or read exactly; read in under 2 s, the process under
300 MB."""

import json
import subprocess
import sys

import pytest

from tests import REPO
from tests.hostile import cases

RUN = (
    "import resource, sys, time\n"
    "import tests\n"
    "from odoo.addons.connector_smartbill.cli.smartbill_read import main\n"
    "started = time.monotonic()\n"
    "code = main(sys.argv[1:])\n"
    "sys.stderr.write('seconds=%f' % (time.monotonic() - started))\n"
    "sys.stderr.write(' maxrss=%d' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    "sys.exit(code)\n"
)
CASES = cases()


def test_the_corpus_has_more_than_fifty_cases():
    assert len(CASES) > 50
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_file(case, tmp_path):
    path = tmp_path / case.name
    path.write_bytes(case.content)
    if case.sparse_size:
        with path.open("r+b") as file:
            file.truncate(case.sparse_size)
    run = subprocess.run(
        [sys.executable, "-c", RUN, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert "Traceback" not in run.stderr, run.stderr
    seconds = float(run.stderr.rsplit("seconds=", 1)[1].split()[0])
    rss_mb = int(run.stderr.rsplit("maxrss=", 1)[1]) / 1024
    entries = json.loads(run.stdout)
    if case.error:
        assert run.returncode == 1
        errors = [entry.get("error", "") for entry in entries]
        assert any(case.error in error for error in errors), errors
    else:
        assert run.returncode == 0, entries
        documents = [entry["document"] for entry in entries]
        assert documents, entries
        for document in documents:
            assert {key: document[key] for key in case.values} == case.values
    assert seconds < 2.0, f"{seconds:.2f} s"
    assert rss_mb < 300, f"{rss_mb:.0f} MB"
