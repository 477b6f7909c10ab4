# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Test harness: the repository's SmartBill simulator, served from a thread on 127.0.0.1.

The simulator lives in the repository's top-level ``tests/smartbill_sim`` package (it is
shared with the pure-Python tests, the demo and the benchmarks), so these tests run from a
checkout of the repository.
"""

import sys
from pathlib import Path

from odoo import fields
from odoo.tests import TransactionCase

from odoo.addons.connector_accounting_base.api.limiter import forget_limiters
from odoo.addons.connector_accounting_base.tests.common import run_stored_jobs
from odoo.addons.queue_job.exception import JobError

REPO = Path(__file__).resolve().parents[2]
if not (REPO / "tests" / "smartbill_sim").is_dir():
    raise ImportError(f"SmartBill simulator not found under {REPO}/tests/smartbill_sim")
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from tests.smartbill_sim import SimServer, generate  # noqa: E402

# SmartBill counts calls per 10 s; the tests use 1 s windows to stay fast.
WINDOW = 1.0


def perform_all(env, trap):
    """Run every trapped job, and the jobs they enqueue, until none is left, each in a
    savepoint. Returns (results, failures) with failures as (job, error)."""
    results, failures = [], []
    while trap.enqueued_jobs:
        jobs, trap.enqueued_jobs = trap.enqueued_jobs, []
        for job in sorted(jobs, key=lambda j: j.priority):
            try:
                with env.cr.savepoint():
                    results.append(job.perform())
            except JobError as err:
                failures.append((job, err))
    return results, failures


class SmartBillCase(TransactionCase):
    """A simulator per test class and a backend pointing at it."""

    dataset_preset = "demo"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dataset = generate(cls.dataset_preset, seed=3)
        cls.sim = SimServer(cls.dataset, window=WINDOW, v1_block_seconds=3.0).start()
        cls.addClassCleanup(cls.sim.stop)
        cls.company = cls.smartbill_company()
        cls.backend = cls.env["smartbill.backend"].create(cls.backend_values())

    @classmethod
    def smartbill_company(cls):
        """The Odoo company the backend feeds."""
        return cls.env.company

    @classmethod
    def backend_values(cls, **overrides):
        return {
            "name": "SmartBill test",
            "company_vat_code": cls.dataset.cif,
            "base_url": cls.sim.url,
            "email": cls.dataset.email,
            "v1_token": cls.dataset.v1_token,
            "v3_token": cls.dataset.v3_token,
            "rate_limit_window": WINDOW,
            "company_id": cls.company.id,
            **overrides,
        }

    def setUp(self):
        super().setUp()
        forget_limiters()
        self.sim.reset_usage()


class MasterDataCase(SmartBillCase):
    """A company with Romanian VAT taxes (excluded and price-included) and helpers to
    run the jobs an import enqueues, as the job runner would: by priority, each in its
    own savepoint, a failure kept with its job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.taxes = {}
        for use in ("sale", "purchase"):
            for rate in (21, 11, 0):
                for included in (False, True) if use == "sale" and rate else (False,):
                    cls.taxes[use, rate, included] = cls.env["account.tax"].create(
                        {
                            "name": f"RO {use} {rate}%{' incl.' if included else ''}",
                            "amount": rate,
                            "amount_type": "percent",
                            "type_tax_use": use,
                            "company_id": cls.company.id,
                            "price_include_override": "tax_included"
                            if included
                            else "tax_excluded",
                        }
                    )
        # the demo company keeps its books in USD: 1 USD = 4 RON = 0.2 EUR; a Romanian
        # company: 1 RON = 0.2 EUR
        rates = (("base.RON", 4.0), ("base.EUR", 0.2))
        for xmlid, rate in rates[cls.company.currency_id.name == "RON" :]:
            currency = cls.env.ref(xmlid)
            currency.active = True
            cls.env["res.currency.rate"].search([("currency_id", "=", currency.id)]).unlink()
            cls.env["res.currency.rate"].create(
                {
                    "currency_id": currency.id,
                    "rate": rate,
                    "name": fields.Date.today(),
                    "company_id": cls.company.id,
                }
            )

    def map_zero_rates(self):
        """0 % has several meanings (reverse charge, exempt): the accountant chooses."""
        rows = self.backend.tax_map_ids.filtered(lambda r: r.percentage == 0)
        rows.filtered(lambda r: not r.vat_included).write(
            {
                "sale_tax_id": self.taxes["sale", 0, False].id,
                "purchase_tax_id": self.taxes["purchase", 0, False].id,
            }
        )

    @classmethod
    def perform_all(cls, trap):
        return perform_all(cls.env, trap)

    def run_stored_jobs(self, max_rounds=30):
        """Run the stored SmartBill jobs as queue_job's runner does (see the base's
        ``run_stored_jobs``)."""
        run_stored_jobs(self.env, "root.smartbill", max_rounds)
