# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Test harness: the repository's SmartBill simulator, served from a thread on 127.0.0.1.

The simulator lives in the repository's top-level ``tests/smartbill_sim`` package (it is
shared with the pure-Python tests, the demo and the benchmarks), so these tests run from a
checkout of the repository.
"""

import sys
from pathlib import Path

from odoo.tests import TransactionCase

from ..api.limiter import forget_limiters

REPO = Path(__file__).resolve().parents[2]
if not (REPO / "tests" / "smartbill_sim").is_dir():
    raise ImportError(f"SmartBill simulator not found under {REPO}/tests/smartbill_sim")
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from tests.smartbill_sim import SimServer, generate  # noqa: E402

# SmartBill counts calls per 10 s; the tests use 1 s windows to stay fast.
WINDOW = 1.0


class SmartBillCase(TransactionCase):
    """A simulator per test class and a backend pointing at it."""

    dataset_preset = "demo"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dataset = generate(cls.dataset_preset, seed=3)
        cls.sim = SimServer(cls.dataset, window=WINDOW, v1_block_seconds=3.0).start()
        cls.addClassCleanup(cls.sim.stop)
        cls.backend = cls.env["smartbill.backend"].create(cls.backend_values())

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
            **overrides,
        }

    def setUp(self):
        super().setUp()
        forget_limiters()
        self.sim.reset_usage()
