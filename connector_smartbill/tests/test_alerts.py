# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The health check: each alert opens with an activity for the SmartBill managers of the
company, and closes itself when its cause is gone."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import MasterDataCase


@tagged("post_install", "-at_install")
class TestHealthAlerts(MasterDataCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env["res.users"].create(
            {
                "name": "SmartBill manager",
                "login": "smartbill.alerts.manager",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "group_ids": [(4, cls.env.ref("connector_smartbill.group_smartbill_manager").id)],
            }
        )
        cls.backend.token_check_minutes = 0  # every check tests the connection
        cls.managers = cls.manager | cls.env.ref("base.user_admin")  # admin is one by default

    def alerts(self, kind):
        return self.env["connector.alert"].search(
            [
                ("res_model", "=", "smartbill.backend"),
                ("res_id", "=", self.backend.id),
                ("kind", "=", kind),
            ]
        )

    def activities(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "smartbill.backend"), ("res_id", "=", self.backend.id)]
        )

    def test_runner_not_running_raises_the_alert_and_clears_it_when_jobs_run(self):
        self.backend.action_import_master_data()
        jobs = self.env["queue.job"].search(self.backend._jobs_domain())
        waiting = jobs.filtered(lambda j: j.state == "pending")  # the others wait for them
        self.assertTrue(waiting)
        self.backend.check_health()
        self.assertFalse(self.alerts("runner"), "jobs queued a moment ago are not late")

        # nobody picks them up for a quarter of an hour
        self.env.cr.execute(
            "UPDATE queue_job SET date_created = now() at time zone 'utc' - interval '15 min'"
            " WHERE id IN %s",
            [tuple(jobs.ids)],
        )
        self.env.cr.execute(
            "UPDATE queue_job SET date_started = date_started - interval '1 day'"
            " WHERE date_started IS NOT NULL AND id NOT IN %s",
            [tuple(jobs.ids)],
        )
        jobs.invalidate_recordset()
        self.backend.check_health()
        alert = self.alerts("runner")
        self.assertEqual(alert.state, "open")
        self.assertIn(
            f"{len(waiting)} SmartBill jobs have waited more than 10 minutes", alert.message
        )
        activities = self.activities()
        self.assertEqual(activities.user_id, self.managers)
        self.assertEqual(set(activities.mapped("summary")), {"SmartBill: Jobs do not start"})
        self.assertIn(self.backend.alert_ids, alert)

        # the runner is back: the jobs run, the alert closes, the activity is done
        self.run_stored_jobs()
        self.backend.check_health()
        self.assertEqual((alert.state, bool(alert.closed)), ("closed", True))
        self.assertFalse(self.activities())
        self.assertFalse(self.backend.alert_ids)
        self.backend.check_health()
        self.assertEqual(len(self.alerts("runner")), 1, "a closed alert is not opened again")

    def test_token_refused_then_fixed(self):
        self.backend.v1_token = "not-the-token"
        self.backend.check_health()
        alert = self.alerts("token")
        self.assertEqual(alert.state, "open")
        self.assertIn("SmartBill refuses the backend's credentials", alert.message)
        self.assertNotIn("not-the-token", alert.message)
        self.assertEqual(self.activities().user_id, self.managers)
        self.backend.v1_token = self.dataset.v1_token
        self.backend.check_health()
        self.assertEqual(alert.state, "closed")

    def test_an_import_without_success_for_too_long(self):
        run = self.backend._new_run("partners", "v3")
        long_ago = fields.Datetime.now() - timedelta(hours=30)
        run.write({"state": "done", "started": long_ago, "finished": long_ago})
        self.backend.check_health()
        alert = self.alerts("stale")
        self.assertEqual((alert.state, alert.key), ("open", "partners"))
        self.assertIn("alert after 26 hours", alert.message)
        self.assertFalse(self.alerts("stale").filtered(lambda a: a.key == "products"))
        self.backend._new_run("partners", "v3").write(
            {"state": "done", "finished": fields.Datetime.now()}
        )
        self.backend.check_health()
        self.assertEqual(alert.state, "closed")

    def test_anaf_token_about_to_expire(self):
        self.backend.spv_since = fields.Date.today()
        company = self.backend.company_id
        company.l10n_ro_edi_refresh_expiry_date = fields.Date.today() + timedelta(days=3)
        self.backend.check_health()
        alert = self.alerts("anaf_token")
        self.assertEqual(alert.state, "open")
        self.assertIn("ANAF token expires on", alert.message)
        company.l10n_ro_edi_refresh_expiry_date = fields.Date.today() + timedelta(days=300)
        self.backend.check_health()
        self.assertEqual(alert.state, "closed")
