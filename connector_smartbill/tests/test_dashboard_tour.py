# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The backend dashboard in a real browser (headless Chromium): "Import now" against
the simulator, then the figures; the README's screenshot is taken here."""

import base64
import os
from pathlib import Path
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import REPO, MasterDataCase

SCREENSHOT = Path(os.environ.get("SMARTBILL_SCREENSHOT", REPO / ".venv" / "dashboard.png"))


@tagged("post_install", "-at_install")
class TestDashboardTour(MasterDataCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").group_ids |= cls.env.ref(
            "connector_smartbill.group_smartbill_manager"
        )

    def test_import_now_then_dashboard_figures(self):
        self.backend.import_taxes()
        self.map_zero_rates()
        self.start_tour(
            "/odoo/action-connector_smartbill.smartbill_backend_action",
            "smartbill_import_now",
            login="admin",
        )
        run = self.env["smartbill.sync.run"].search([("backend_id", "=", self.backend.id)])
        self.assertEqual((run.entity, run.state), ("partners", "running"))
        self.run_stored_jobs()
        run.refresh_from_jobs()
        self.assertEqual((run.state, run.created_count), ("done", 200))

        original_stop = ChromeBrowser.stop

        def screenshot_then_stop(browser):
            shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            SCREENSHOT.write_bytes(base64.b64decode(shot["data"]))
            original_stop(browser)

        SCREENSHOT.unlink(missing_ok=True)
        with patch.object(ChromeBrowser, "stop", screenshot_then_stop):
            self.start_tour(
                "/odoo/action-connector_smartbill.smartbill_backend_action",
                "smartbill_dashboard",
                login="admin",
            )
        self.assertGreater(SCREENSHOT.stat().st_size, 10_000)
        self.assertEqual(SCREENSHOT.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
