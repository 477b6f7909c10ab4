# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The backend dashboard in a real browser (headless Chromium): "Import now" against
the simulator, then the figures, the runs graph and the reconciliation report; the README's
screenshots are taken here."""

import base64
import os
from pathlib import Path
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import REPO, MasterDataCase
from .test_invoices import RomanianCompanyCase

SCREENSHOTS = Path(os.environ.get("SMARTBILL_SCREENSHOTS", REPO / ".venv" / "screenshots"))


def tour_with_screenshot(
    case, tour, name, url="/odoo/action-connector_smartbill.smartbill_backend_action"
):
    """Run ``tour`` and keep what the browser shows at its end as ``name``.png (the
    README's pictures are copied from there)."""
    path = SCREENSHOTS / f"{name}.png"
    original_stop = ChromeBrowser.stop

    def screenshot_then_stop(browser):
        shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        original_stop(browser)

    path.unlink(missing_ok=True)
    with patch.object(ChromeBrowser, "stop", screenshot_then_stop):
        case.start_tour(url, tour, login="admin")
    case.assertGreater(path.stat().st_size, 10_000)
    case.assertEqual(path.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
    return path


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
        tour_with_screenshot(self, "smartbill_dashboard", "dashboard")
        tour_with_screenshot(self, "smartbill_runs_graph", "runs_graph")


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
