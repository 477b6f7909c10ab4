# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Test harness: the repository's FreshBooks simulator (``tests/freshbooks_sim``, shared
with the plain-Python tests and the demo), served from a thread on 127.0.0.1, and a
company that is not Romanian, on Odoo's generic chart of accounts."""

import copy
import logging
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from odoo.addons.connector_accounting_base.api.limiter import forget_limiters
from odoo.addons.connector_accounting_base.tests.common import run_stored_jobs

REPO = Path(__file__).resolve().parents[2]
if not (REPO / "tests" / "freshbooks_sim").is_dir():
    raise ImportError(f"FreshBooks simulator not found under {REPO}/tests/freshbooks_sim")
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from tests.freshbooks_sim import FreshBooksSim, generate  # noqa: E402
from tests.freshbooks_sim.dataset import compute_totals, money, settle  # noqa: E402

__all__ = ["FreshBooksHarness", "compute_totals", "money", "settle"]
TAXES = (("GST", 5.0), ("PST", 7.0), ("VAT", 20.0))  # the simulator's, as Odoo taxes
RATES = {"CAD": 1.3512, "EUR": 0.9234, "GBP": 0.7866}  # per USD, from 2026-01-01


class FreshBooksHarness:
    """Mixed into a test case: ``cls.sim`` (its app registered with ``redirect_uri``)
    and ``cls.company`` (a US company on the generic chart)."""

    @classmethod
    def start_simulator(cls, redirect_uri):
        forget_limiters()
        data = generate("tiny", seed=11)
        data.redirect_uris.append(redirect_uri)
        # a budget no test class meets by its number of calls (each poll is two lists a
        # entity: the records, then the deleted ones); rate limits are tested on purpose
        cls.sim = FreshBooksSim(data, rate_limit=1000).start()
        cls.addClassCleanup(cls.sim.stop)
        cls.addClassCleanup(forget_limiters)

    @classmethod
    def start_business(cls):
        """The simulator, and the US company with the simulator's taxes (``cls.taxes``),
        the tests' environment working in it."""
        cls.env["ir.config_parameter"].set_param("web.base.url", "http://odoo.test")
        cls.start_simulator("http://odoo.test/freshbooks/auth/callback")
        cls.company = cls.generic_company(cls.env)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.taxes = cls.sales_taxes(cls.company)

    @classmethod
    def generic_company(cls, env):
        company = env["res.company"].search([("name", "=", "Maple Leaf Books (US)")], limit=1)
        if not company:
            company = env["res.company"].create(
                {
                    "name": "Maple Leaf Books (US)",
                    "country_id": env.ref("base.us").id,
                    "currency_id": env.ref("base.USD").id,
                }
            )
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
            for code, rate in RATES.items():
                env["res.currency.rate"].create(
                    {
                        "currency_id": env.ref(f"base.{code}").id,
                        "name": "2026-01-01",
                        "rate": rate,
                        "company_id": company.id,
                    }
                )
        return company

    @classmethod
    def backend_values(cls, company, **overrides):
        return {
            "name": "FreshBooks test",
            "company_id": company.id,
            "client_id": cls.sim.data.client_id,
            "client_secret": cls.sim.data.client_secret,
            "api_url": cls.sim.url,
            "auth_url": cls.sim.url,
            "rate_limit_calls": 1000,
            **overrides,
        }

    @classmethod
    def sales_taxes(cls, company):
        """The company's sales taxes of the simulator's three, each in its own group."""
        env = company.env
        taxes = {}
        for name, rate in TAXES:
            group = env["account.tax.group"].create(
                {"name": name, "company_id": company.id, "country_id": company.country_id.id}
            )
            taxes[name] = env["account.tax"].create(
                {
                    "name": f"{name} {rate:g}%",
                    "amount": rate,
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "company_id": company.id,
                    "country_id": company.country_id.id,
                    "tax_group_id": group.id,
                }
            )
        return taxes

    @classmethod
    def connected_backend(cls, company):
        """A backend of ``company`` connected to the simulator's business."""
        env = company.env
        for code in RATES:
            env.ref(f"base.{code}").active = True
        backend = env["freshbooks.backend"].create(cls.backend_values(company))
        answer = requests.get(backend._authorize_url(), allow_redirects=False, timeout=5)
        code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
        backend._connect_with_code(code)
        return backend

    def restore_business_after_test(self):
        """The test changes the simulator's business as it likes; the next test starts
        from the seed again."""
        self.sim.faults.clear()
        data = self.sim.data
        for name in ("clients", "invoices", "payments", "credit_notes", "next_ids", "rounding"):
            self.addCleanup(setattr, data, name, copy.deepcopy(getattr(data, name)))

    def sync(self, since=None):
        """A poll of each entity (from the day ``since``, else its checkpoint), its jobs
        run, its runs closed: the runs."""
        runs = self.env["connector.sync.run"]
        for entity in self.backend._sync_entities():
            runs |= self.backend._queue_poll(entity, since=since)
        run_stored_jobs(self.env, "root.freshbooks")
        runs._cron_refresh()
        return runs

    def capture_logs(self, level=logging.DEBUG):
        """Every log line from here to the test's end, formatted, in ``self.logged``."""
        self.logged = []
        handler = logging.Handler(level)
        handler.emit = lambda record: self.logged.append(handler.format(record))
        root = logging.getLogger()
        root.addHandler(handler)
        self.addCleanup(root.removeHandler, handler)

    def authorize(self, url):
        """The user's answer on FreshBooks' authorize page at ``url``: the redirect's
        target and its query."""
        answer = requests.get(url, allow_redirects=False, timeout=5)
        self.assertEqual(answer.status_code, 302, answer.text)
        target = urlsplit(answer.headers["Location"])
        return target, {key: values[0] for key, values in parse_qs(target.query).items()}

    def refresh_calls(self):
        return self.sim.refresh_count
