# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhooks through Odoo's HTTP server: *Register webhooks*, the verifiers FreshBooks sends
confirmed back by a job, a signed delivery queuing one import job (and a replay of it
none more), unsigned, wrongly signed and unknown-backend deliveries refused with 401 and
nothing of them logged, and a change whose webhook never came caught by the cron's poll."""

import logging
import time

import requests

from odoo.tests import HttpCase, tagged

from odoo.addons.connector_accounting_base.tests.common import run_stored_jobs

from .common import FreshBooksHarness


class WebhookCase(FreshBooksHarness, HttpCase):
    """A backend connected to the simulator, Odoo's HTTP server its webhooks' address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_simulator(f"{cls.base_url()}/freshbooks/auth/callback")
        cls.env["ir.config_parameter"].set_param("web.base.url", cls.base_url())
        cls.company = cls.generic_company(cls.env)
        cls.sales_taxes(cls.company)
        cls.backend = cls.connected_backend(cls.company)
        cls.uri = f"{cls.base_url()}/freshbooks/webhook/{cls.backend.id}"
        # the verifiers come once the registration is done with the test's cursor (which
        # Odoo's test server shares with the requests it serves)
        cls.sim.verify_delay = 1.0

    def setUp(self):
        super().setUp()
        self.capture_logs(logging.INFO)
        self.restore_business_after_test()
        self.addCleanup(self.sim.callbacks.clear)

    def wait_for_deliveries(self, count, seconds=10):
        deadline = time.monotonic() + seconds
        while len(self.sim.deliveries) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.sim.deliveries[:count]

    def import_jobs(self, external_id):
        return self.env["queue.job"].search(
            [
                ("model_name", "=", "freshbooks.account.move"),
                ("method_name", "=", "import_record"),
                ("state", "=", "pending"),
                ("func_string", "like", f"'{external_id}'"),
            ]
        )

    def register(self):
        """*Register webhooks*, the verifiers FreshBooks sends confirmed back by a job:
        the verifiers."""
        self.sim.deliveries.clear()
        with self.allow_requests(all_requests=True):  # FreshBooks calls without a cookie
            self.backend.action_register_webhooks()
            verifies = self.wait_for_deliveries(4)
        self.assertEqual([status for _uri, _form, status in verifies], [200] * 4)
        self.env.invalidate_all()  # the requests wrote through cursors of their own
        self.assertFalse(any(self.backend.webhook_ids.mapped("verified")))
        run_stored_jobs(self.env, "root.freshbooks")
        self.assertEqual(self.backend.webhook_ids.mapped("verified"), [True] * 4)
        self.assertEqual(
            [c["verified"] for c in self.sim.callbacks.values()], [True] * 4, "confirmed back"
        )
        return [c["_verifier"] for c in self.sim.callbacks.values()]

    def signed_delivery(self, event, object_id, signer="invoice"):
        """The form FreshBooks would deliver for ``event`` on ``object_id`` and its
        headers, signed with the verifier of the callback of event ``signer``."""
        form = self.sim._form(event, object_id)
        verifier = next(c["_verifier"] for c in self.sim.callbacks.values() if c["event"] == signer)
        return form, {"X-FreshBooks-Hmac-SHA256": self.sim.sign(verifier, form)}


@tagged("post_install", "-at_install")
class TestWebhooks(WebhookCase):
    def test_register_deliver_and_refuse(self):
        verifiers = self.register()

        invoice = next(iter(self.sim.data.invoices.values()))
        self.sim.deliveries.clear()
        with self.allow_requests(all_requests=True):
            self.sim.change("invoice", invoice["id"])  # FreshBooks delivers invoice.update
            self.sim.deliver("invoice.update", invoice["id"])  # and once more, a replay
            self.assertEqual([d[2] for d in self.sim.deliveries], [200, 200])
            self.assertEqual(len(self.import_jobs(invoice["id"])), 1)

            form = self.sim._form("invoice.update", invoice["id"])
            unsigned = requests.post(self.uri, data=form, timeout=10)
            forged = requests.post(
                self.uri,
                data=form,
                headers={"X-FreshBooks-Hmac-SHA256": self.sim.sign("not-the-verifier", form)},
                timeout=10,
            )
            altered = dict(form, object_id=str(invoice["id"] + 1))
            replaced = requests.post(
                self.uri,
                data=altered,
                headers={"X-FreshBooks-Hmac-SHA256": self.sim.sign(verifiers[1], form)},
                timeout=10,
            )
            nobody = requests.post(
                f"{self.base_url()}/freshbooks/webhook/987654",
                data=form,
                headers={"X-FreshBooks-Hmac-SHA256": self.sim.sign(verifiers[1], form)},
                timeout=10,
            )
            oversize = requests.post(self.uri, data={**form, "name": "x" * 5000}, timeout=10)
            self.assertEqual(
                [a.status_code for a in (unsigned, forged, replaced, nobody, oversize)],
                [401, 401, 401, 401, 413],
            )
        self.env.invalidate_all()
        self.assertFalse(self.import_jobs(invoice["id"] + 1))
        self.assertEqual(len(self.import_jobs(invoice["id"])), 1)
        refused = [line for line in self.logged if "FreshBooks webhook" in line]
        self.assertEqual(len(refused), 4, refused)
        for secret in (*verifiers, f"object_id={invoice['id']}"):
            self.assertFalse([line for line in self.logged if secret in line], secret)

        run_stored_jobs(self.env, "root.freshbooks")
        move = self.env["freshbooks.account.move"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", str(invoice["id"]))]
        )
        self.assertEqual(f"{move.amount_total:.2f}", invoice["amount"]["amount"])
        run = self.env["connector.sync.run"].search(
            [*self.backend._runs_domain(), ("source", "=", "webhook")]
        )
        run.refresh_from_jobs()
        self.assertEqual((run.entity, run.state, run.created_count), ("invoices", "done", 1))

    def test_changes_made_through_the_api_reach_odoo_by_webhook(self):
        self.register()
        client = next(iter(self.sim.data.clients.values()))
        self.sim.deliveries.clear()
        with self.allow_requests(all_requests=True):
            invoice, _events = self.sim.create(
                "invoice",
                {
                    "customerid": client["id"],
                    "action_mark_as_sent": True,
                    "lines": [{"name": "API", "qty": 2, "unit_cost": "15.00"}],
                },
            )
            self.assertEqual(self.sim.deliveries[-1][1]["name"], "invoice.create")
        run_stored_jobs(self.env, "root.freshbooks")
        binding = self.env["freshbooks.account.move"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", str(invoice["id"]))]
        )
        self.assertEqual((binding.name, binding.state, binding.amount_total), (
            invoice["invoice_number"], "posted", 30.0))  # fmt: skip
        with self.allow_requests(all_requests=True):
            self.sim.delete("invoice", invoice["id"])
            self.assertEqual(self.sim.deliveries[-1][1]["name"], "invoice.delete")
        run_stored_jobs(self.env, "root.freshbooks")
        self.assertEqual(binding.state, "cancel")

    def test_registering_again_replaces_callbacks_that_point_elsewhere(self):
        self.register()
        # a callback at FreshBooks that this database does not know (an old copy's)
        stray = self.sim.register("invoice", "https://old-copy.example.com/freshbooks/webhook/1")
        self.sim.deliveries.clear()
        with self.allow_requests(all_requests=True):
            action = self.backend.action_register_webhooks()
        self.assertNotIn(stray["callbackid"], self.sim.callbacks)
        self.assertEqual(len(self.sim.callbacks), 4)
        self.assertEqual({c["uri"] for c in self.sim.callbacks.values()}, {self.uri})
        self.assertIn("0 registered", action["params"]["message"])
        self.assertIn("1 callbacks pointing elsewhere deleted", action["params"]["message"])

    def test_a_missed_webhook_is_caught_by_the_poll(self):
        self.env["freshbooks.backend"]._cron_poll()
        run_stored_jobs(self.env, "root.freshbooks")
        self.env["connector.sync.run"]._cron_refresh()
        invoice = next(i for i in self.sim.data.invoices.values() if i["status"] == 1)
        self.sim.deliveries.clear()
        self.sim.change("invoice", invoice["id"], notify=False, status=2, v3_status="sent")
        self.assertFalse(self.sim.deliveries)
        self.env["freshbooks.backend"]._cron_poll()
        run_stored_jobs(self.env, "root.freshbooks")
        runs = self.env["connector.sync.run"].search(self.backend._runs_domain())
        runs._cron_refresh()
        binding = self.env["freshbooks.account.move"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", str(invoice["id"]))]
        )
        self.assertEqual(binding.state, "posted")
        latest = runs.filtered(lambda r: r.entity == "invoices")[:1]
        failed = latest.failure_ids.mapped("message")
        self.assertEqual((latest.updated_count, latest.state), (1, "done"), failed)
