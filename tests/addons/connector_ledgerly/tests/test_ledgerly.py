"""The third connector through the base: Connect (OAuth), a poll, a record that fails in
the shared failed records, a signed webhook that updates a partner, a forged one refused."""

from odoo.tests import HttpCase, tagged

from odoo.addons.connector_accounting_base.tests.common import run_stored_jobs

from .sim import LedgerlySim

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@tagged("post_install", "-at_install")
class TestLedgerly(HttpCase):
    def setUp(self):
        super().setUp()
        self.sim = LedgerlySim()
        self.addCleanup(self.sim.close)
        self.env["ir.config_parameter"].set_param("web.base.url", self.base_url())
        self.backend = self.env["ledgerly.backend"].create(
            {
                "name": "Ledgerly",
                "url": self.sim.url,
                "client_id": "app",
                "client_secret": "app-secret",
                "webhook_secret": self.sim.secret,
            }
        )

    def sync(self, runs):
        run_stored_jobs(self.env, "root")
        runs.refresh_from_jobs()
        return runs

    def test_connect_poll_and_webhooks(self):
        self.authenticate("admin", "admin")
        self.url_open(f"/ledgerly/auth/start?backend_id={self.backend.id}")
        self.assertEqual(self.backend.state, "connected")
        self.sim.put("1", name="Ana Pop", email="ana@example.com")
        self.sim.put("2", name="", email="nameless@example.com")  # a contact needs a name
        run = self.sync(self.backend._queue_sync("contacts"))
        self.assertEqual((run.connector, run.state, run.created_count), ("ledgerly", "failed", 1))
        failure = self.env["connector.sync.run.failure"].search([("connector", "=", "ledgerly")])
        self.assertEqual((failure.reference, failure.run_id), ("2", run))
        self.assertEqual(failure.message, "Ledgerly contact 2 has no name: name it there.")
        partner = self.env["ledgerly.res.partner"].search([("external_id", "=", "1")])
        self.assertEqual(partner.name, "Ana Pop")
        # a change pushed by webhook: signed, it updates the partner; forged, refused
        self.sim.put("1", name="Ana Maria Pop", email="ana@example.com")
        body, signature = self.sim.delivery("contact.update", "1")
        url = f"/ledgerly/webhook/{self.backend.id}"
        forged = self.url_open(url, data=body, headers={**FORM, "X-Ledgerly-Signature": "0" * 64})
        self.assertEqual(forged.status_code, 401)
        signed = self.url_open(url, data=body, headers={**FORM, "X-Ledgerly-Signature": signature})
        self.assertEqual(signed.status_code, 200)
        webhook = self.env["connector.sync.run"].search([("source", "=", "webhook")])
        self.assertEqual(self.sync(webhook).updated_count, 1)
        self.assertEqual(partner.name, "Ana Maria Pop")
        # the next poll reads what changed since its checkpoint: nothing new to write
        self.assertEqual(self.sync(self.backend._queue_sync("contacts")).updated_count, 0)
