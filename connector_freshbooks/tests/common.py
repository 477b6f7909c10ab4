# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Test harness: the repository's FreshBooks simulator (``tests/freshbooks_sim``, shared
with the plain-Python tests and the demo), served from a thread on 127.0.0.1, and a
company that is not Romanian, on Odoo's generic chart of accounts."""

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from odoo.addons.connector_accounting_base.api.limiter import forget_limiters

REPO = Path(__file__).resolve().parents[2]
if not (REPO / "tests" / "freshbooks_sim").is_dir():
    raise ImportError(f"FreshBooks simulator not found under {REPO}/tests/freshbooks_sim")
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from tests.freshbooks_sim import FreshBooksSim, generate  # noqa: E402


class FreshBooksHarness:
    """Mixed into a test case: ``cls.sim`` (its app registered with ``redirect_uri``)
    and ``cls.company`` (a US company on the generic chart)."""

    @classmethod
    def start_simulator(cls, redirect_uri):
        forget_limiters()
        data = generate("tiny", seed=11)
        data.redirect_uris.append(redirect_uri)
        cls.sim = FreshBooksSim(data).start()
        cls.addClassCleanup(cls.sim.stop)
        cls.addClassCleanup(forget_limiters)

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
            **overrides,
        }

    def authorize(self, url):
        """The user's answer on FreshBooks' authorize page at ``url``: the redirect's
        target and its query."""
        answer = requests.get(url, allow_redirects=False, timeout=5)
        self.assertEqual(answer.status_code, 302, answer.text)
        target = urlsplit(answer.headers["Location"])
        return target, {key: values[0] for key, values in parse_qs(target.query).items()}

    def refresh_calls(self):
        return self.sim.refresh_count
