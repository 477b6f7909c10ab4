"""The hostile corpus (``tests/hostile.py``) through ``python -m
connector_smartbill.efactura``, each file in a process of its own: refused with its reason
in a JSON entry (exit 1, never a traceback), or read exactly; in under 2 s and 300 MB."""

import json
import subprocess
import sys
import time

import pytest

from tests.hostile import cases

RUN = (
    "import resource, sys\n"
    "from connector_smartbill.efactura.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stderr.write('maxrss=%d' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
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
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", RUN, str(path)], capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    assert "Traceback" not in run.stderr, run.stderr
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
