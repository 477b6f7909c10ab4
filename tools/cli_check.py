"""The ``smartbill_import`` command end to end, as an integrator runs it: ``odoo-bin``
finds it in the addon, imports real files into a database that has the addon, prints its
JSON and exits 1 when a file failed; the same files again create nothing. Then
``smartbill_read``, which reads the same files without a database.

Called by ``run_odoo.py test`` on the test database once the Odoo tests ran: a new
Romanian company and a backend with only its CIF and company are committed first
(through ``odoo-bin shell``), as a user would make them.
"""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CIF = "RO30834857"  # the buyer and seller of OCA's test files
FIXTURES = REPO / "tests" / "fixtures" / "efactura"
SETUP = f"""
company = env["res.company"].with_context(install_mode=True).create(
    {{"name": "CLI check SRL", "country_id": env.ref("base.ro").id,
     "currency_id": env.ref("base.RON").id, "vat": "{CIF}"}}
)
env["account.chart.template"].try_loading("ro", company, install_demo=False)
company.tax_calculation_rounding_method = "round_globally"
env["smartbill.backend"].create({{"company_id": company.id, "company_vat_code": "{CIF}"}})
env.cr.commit()
"""


def odoo(src, *args, stdin=None):
    return subprocess.run(
        [sys.executable, str(src / "odoo-bin"), f"--addons-path={src / 'addons'},{REPO}", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def check(src, db):
    """The problems found (empty when the command behaves as documented)."""
    setup = odoo(src, "shell", "-d", db, "--no-http", "--log-level=warn", stdin=SETUP)
    if setup.returncode:
        return [f"setup failed: {setup.stderr[-500:]}"]
    files = [str(FIXTURES / "oca_invoice.xml"), str(FIXTURES / "oca_3828.zip")]
    problems, outputs = [], []
    for round_ in ("first", "again"):
        run = odoo(src, "smartbill_import", "-d", db, "--cif", CIF, "--log-level=warn", *files)
        try:
            invoice, refusal = json.loads(run.stdout)
        except ValueError:
            return [
                f"{round_} run: no JSON list of 2 entries: {run.stdout[:300]} {run.stderr[-300:]}"
            ]
        (move,) = invoice["documents"][0]["moves"]
        got = (
            run.returncode,
            invoice["documents"][0]["state"],
            move["name"],
            move["state"],
            move["amount_untaxed"],
            move["amount_tax"],
            move["amount_total"],
            [tax["template"] for tax in move["lines"][0]["taxes"]],
            refusal["documents"][0]["state"],
            refusal["documents"][0]["message"][:44],
        )
        expected = (
            1,  # a file failed: ANAF's refusal
            "imported",
            "FBRAO2092",
            "posted",
            10000.0,
            1900.0,
            11900.0,
            ["tvac_19"],
            "failed",
            "ANAF refused the invoice uploaded as 3828: E",
        )
        if got != expected:
            problems.append(f"{round_} run: {got} != {expected}")
        outputs.append(run.stdout)
    if outputs[0] != outputs[1]:
        problems.append("the same files again changed what the command prints")
    return problems + read_problems(src, files)


def read_problems(src, files):
    """``smartbill_read`` (no database): each file as its document or its error (ANAF's
    refusal, a missing file), exit 1."""
    run = odoo(src, "smartbill_read", *files, str(FIXTURES / "no_such_file.xml"))
    try:
        entries = json.loads(run.stdout)
    except ValueError:
        return [f"smartbill_read: no JSON: {run.stdout[:300]} {run.stderr[-300:]}"]
    got = (run.returncode, [entry.get("document", {}).get("id") for entry in entries])
    expected = (1, ["FBRAO2092", None, None])  # the zip holds ANAF's refusal
    return [f"smartbill_read: {got} != {expected}"] if got != expected else []
