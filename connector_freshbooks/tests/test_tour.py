# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""FreshBooks in a real browser (headless Chromium), as an accountant meets it: a new
backend connected through FreshBooks' authorize page, a sync, an invoice whose tax is not
mapped failing with what to fix, fixed and retried from its run, the reconciliation by
month as a list and a pivot. The README's FreshBooks pictures are taken here."""

from odoo.tests import HttpCase, tagged

from odoo.addons.connector_accounting_base.tests.common import (
    run_stored_jobs,
    tour_with_screenshot,
)

from .common import FreshBooksHarness

BACKENDS = "/odoo/action-connector_freshbooks.freshbooks_backend_action"
RUNS = "/odoo/action-connector_freshbooks.freshbooks_sync_run_action"
RECONCILIATION = "/odoo/action-connector_freshbooks.freshbooks_reconciliation_action"


@tagged("post_install", "-at_install")
class TestFreshBooksTour(FreshBooksHarness, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("web.base.url", cls.base_url())
        cls.start_simulator(f"{cls.base_url()}/freshbooks/auth/callback")
        cls.company = cls.generic_company(cls.env)
        cls.taxes = cls.sales_taxes(cls.company)
        admin = cls.env.ref("base.user_admin")
        admin.write({"company_ids": [(4, cls.company.id)], "company_id": cls.company.id})
        admin.group_ids |= cls.env.ref("connector_freshbooks.group_freshbooks_manager")
        for code in ("CAD", "EUR", "GBP"):
            cls.env.ref(f"base.{code}").active = True
        cls.backend = cls.env["freshbooks.backend"].create(cls.backend_values(cls.company))

    def runs(self):
        runs = self.env["connector.sync.run"].search(self.backend._runs_domain())
        run_stored_jobs(self.env, "root.freshbooks")
        runs.refresh_from_jobs()
        return runs

    def test_connect_sync_fix_retry_reconcile(self):
        self.taxes["VAT"].amount = 19.0  # FreshBooks' VAT at 20 % has no Odoo tax
        tour_with_screenshot(self, "freshbooks_connect_and_sync", "freshbooks_backend", BACKENDS)
        self.assertEqual(self.backend.state, "connected")
        invoices = self.runs().filtered(lambda run: run.entity == "invoices")
        self.assertEqual(invoices.state, "failed")
        self.taxes["VAT"].amount = 20.0  # the accountant adds the tax FreshBooks uses
        tour_with_screenshot(self, "freshbooks_retry_failed", "freshbooks_run", RUNS)
        self.runs()
        self.assertEqual((invoices.state, invoices.failed_count), ("done", 0))
        self.backend.action_reconcile()
        tour_with_screenshot(
            self, "freshbooks_reconciliation", "freshbooks_reconciliation", RECONCILIATION
        )
