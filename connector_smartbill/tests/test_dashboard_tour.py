# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The backend dashboard in a real browser (headless Chromium): "Import now" against
the simulator, then the figures, the runs graph and the reconciliation report; the README's
screenshots are taken here."""

from odoo.tests import HttpCase, tagged

from odoo.addons.connector_accounting_base.tests.common import tour_with_screenshot

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
