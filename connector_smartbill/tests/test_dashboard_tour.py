# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The backend dashboard in a real browser (headless Chromium): "Import now" against
the simulator, then the figures, the runs graph, an e-Factura file that failed fixed and
retried, and the reconciliation report; the README's screenshots are taken here."""

from odoo.tests import HttpCase, tagged

from odoo.addons.connector_accounting_base.tests.common import tour_with_screenshot
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import MasterDataCase
from .test_invoices import RomanianCompanyCase

SMARTBILL = "/odoo/action-connector_smartbill.smartbill_backend_action"


def make_admin_a_manager(env):
    env.ref("base.user_admin").group_ids |= env.ref("connector_smartbill.group_smartbill_manager")


@tagged("post_install", "-at_install")
class TestDashboardTour(MasterDataCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_admin_a_manager(cls.env)

    def test_import_now_then_dashboard_figures(self):
        self.backend.import_taxes()
        self.map_zero_rates()
        self.start_tour(
            "/odoo/action-connector_smartbill.smartbill_backend_action",
            "smartbill_import_now",
            login="admin",
        )
        run = self.env["connector.sync.run"].search(self.backend._runs_domain())
        self.assertEqual((run.entity, run.state), ("partners", "running"))
        self.run_stored_jobs()
        run.refresh_from_jobs()
        self.assertEqual((run.state, run.created_count), ("done", 200))
        tour_with_screenshot(self, "smartbill_dashboard", "dashboard", SMARTBILL)
        tour_with_screenshot(self, "smartbill_runs_graph", "runs_graph", SMARTBILL)


@tagged("post_install", "-at_install")
class TestReconciliationTour(RomanianCompanyCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_admin_a_manager(cls.env)
        cls.import_folder()

    def test_reconciliation_report(self):
        self.env.ref("base.user_admin").write(
            {"company_ids": [(4, self.company.id)], "company_id": self.company.id}
        )
        self.backend.action_reconcile()
        self.assertEqual(set(self.backend.reconciliation_ids.mapped("state")), {"reconciled"})
        tour_with_screenshot(
            self,
            "smartbill_reconciliation",
            "reconciliation",
            url="/odoo/action-connector_smartbill.smartbill_reconciliation_action",
        )


@tagged("post_install", "-at_install")
class TestFixAndRetryTour(RomanianCompanyCase, HttpCase):
    """Files that fail on a VAT rate the mapping lacks: one opened from the backend, its
    reason read, retried once the accountant has set the mapping."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_admin_a_manager(cls.env)
        cls.env.ref("base.user_admin").write(
            {"company_ids": [(4, cls.company.id)], "company_id": cls.company.id}
        )

    def test_a_failed_file_fixed_and_retried(self):
        rows = self.backend.tax_map_ids.filtered(
            lambda row: row.category == "S" and row.percentage == 21.0
        )
        mapped = {row: row.sale_tax_id for row in rows}
        rows.sale_tax_id = False
        self.backend.efactura_source_url = self.sim.url.replace("/SBORO/api", "/efactura/")
        with trap_jobs() as trap:
            self.backend.import_efactura_folder()
            self.perform_all(trap)
        failed = self.backend.document_ids.filtered(lambda document: document.state == "failed")
        self.assertTrue(failed)
        self.assertIn("VAT mapping", failed[0].message)
        for row, tax in mapped.items():  # the accountant sets the mapping
            row.sale_tax_id = tax
        tour_with_screenshot(self, "smartbill_fix_and_retry", "failed_file", SMARTBILL)
        retried = failed.filtered(lambda document: document.state == "new")
        self.assertEqual(len(retried), 1)
        self.run_stored_jobs()
        self.assertEqual(retried.state, "imported")
        self.assertEqual(retried.move_id.state, "posted")
