# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tokens that rotate: two workers refreshing at once make one refresh and both go on; an
access token FreshBooks refuses is renewed without the caller noticing; a refresh token
FreshBooks refuses asks a manager to reconnect; no token in a log, a message or a dump.

The backend is committed (as a manager would have saved it) and each worker has its own
database connection: the test's own transaction cannot show two workers at once."""

import subprocess
import threading
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_accounting_base.api import errors
from odoo.addons.connector_accounting_base.tests.common import committed_env

from .common import FreshBooksHarness

REDIRECT = "http://odoo.test/freshbooks/auth/callback"


@tagged("post_install", "-at_install")
class TestTokens(FreshBooksHarness, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_simulator(REDIRECT)

    def connection(self):
        return committed_env(self.env.cr.dbname)

    def setUp(self):
        super().setUp()
        self.capture_logs()
        with self.connection() as env:
            env["ir.config_parameter"].set_param("web.base.url", "http://odoo.test")
            company = self.generic_company(env)
            # the managers who hear of its alerts work in that company
            env.ref("base.user_admin").company_ids |= company
            backend = env["freshbooks.backend"].create(self.backend_values(company))
            url = backend._authorize_url()
            _target, query = self.authorize(url)
            backend._connect_with_code(query["code"])
            env.cr.commit()
            self.backend_id = backend.id
            self.first_refresh_token = backend._secret("refresh_token")
        self.addCleanup(self.drop_backend)
        self.sim.refresh_count = 0

    def drop_backend(self):
        with self.connection() as env:
            backend = env["freshbooks.backend"].browse(self.backend_id)
            env["connector.alert"].search(
                [("res_model", "=", backend._name), ("res_id", "=", backend.id)]
            ).unlink()
            backend.activity_ids.unlink()
            backend.unlink()
            env.cr.commit()

    def expire(self, env, in_odoo=True):
        """Access tokens past their time, at FreshBooks and (``in_odoo``) in Odoo."""
        self.sim.expire_access_tokens()
        if in_odoo:
            backend = env["freshbooks.backend"].browse(self.backend_id)
            backend.token_expires = fields.Datetime.now() - timedelta(minutes=1)
            env.cr.commit()

    def test_two_workers_refresh_at_once_one_refresh_both_go_on(self):
        with self.connection() as env:
            self.expire(env)
        start, tokens, failures = threading.Barrier(2), [], []

        def worker():
            try:
                with self.connection() as env:
                    backend = env["freshbooks.backend"].browse(self.backend_id)
                    start.wait(timeout=5)
                    tokens.append(backend._access_token())
                    env.cr.commit()
            except Exception as err:  # noqa: BLE001 - reported below
                failures.append(err)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(2)]
        # the test runs while Odoo holds the registries' lock: the workers would wait for
        # it to look up the registry (Odoo's own HTTP tests lift it the same way)
        with patch.object(Registry, "_lock", DummyRLock()):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        self.assertEqual(failures, [])
        self.assertEqual(self.sim.refresh_count, 1)
        self.assertEqual(len(set(tokens)), 1)
        self.assertIn(tokens[0], self.sim.access)
        with self.connection() as env:
            backend = env["freshbooks.backend"].browse(self.backend_id)
            # the old refresh token was spent once; the stored one is the new one
            self.assertTrue(self.sim.refresh[self.first_refresh_token]["used"])
            new_refresh = backend._secret("refresh_token")
            self.assertNotEqual(new_refresh, self.first_refresh_token)
            self.assertFalse(self.sim.refresh[new_refresh]["used"])
            self.assertEqual(backend.state, "connected")
            self.assertEqual(backend._api_client().me()["id"], self.sim.data.identity_id)

    def test_an_expired_access_token_is_refreshed_transparently(self):
        with self.connection() as env:
            self.expire(env, in_odoo=False)  # Odoo still believes it valid: FreshBooks says 401
            backend = env["freshbooks.backend"].browse(self.backend_id)
            clients, _pages = backend._api_client().page("users/clients")
            self.assertEqual(len(clients), 5)
            self.assertEqual(self.sim.refresh_count, 1)
            backend.invalidate_recordset()
            self.assertGreater(backend.token_expires, fields.Datetime.now() + timedelta(hours=11))

    def test_a_refused_refresh_token_asks_a_manager_to_reconnect(self):
        with self.connection() as env:
            self.expire(env)
            self.sim.refresh[self.first_refresh_token]["used"] = True  # revoked at FreshBooks
            backend = env["freshbooks.backend"].browse(self.backend_id)
            with self.assertRaises(errors.AuthenticationError):
                backend._api_client()
            env.cr.rollback()  # as the job that met it ends: what the refresh committed is seen
            backend.invalidate_recordset()
            self.assertEqual(backend.state, "reconnect")
            self.assertFalse(backend.sudo().refresh_token_secret)
            alerts = env["connector.alert"].search(
                [("res_model", "=", "freshbooks.backend"), ("res_id", "=", backend.id)]
            )
            self.assertEqual(alerts.mapped("kind"), ["reconnect"])
            self.assertIn("press Connect to FreshBooks again", alerts.message)
            admin = env.ref("base.user_admin")
            activity = backend.activity_ids.filtered(lambda a: a.user_id == admin)
            self.assertEqual(activity.summary, "FreshBooks: Reconnect needed")
            # connecting again closes it
            _target, query = self.authorize(backend._authorize_url())
            backend._connect_with_code(query["code"])
            self.assertEqual(alerts.state, "closed")
            self.assertEqual(backend.state, "connected")
            env.cr.commit()

    def test_no_token_in_a_log_a_message_or_a_dump(self):
        with self.connection() as env:
            self.expire(env)
            env["freshbooks.backend"].browse(self.backend_id)._access_token()
            env.cr.commit()
        secrets = [self.sim.data.client_secret, self.first_refresh_token, *self.sim.access]
        secrets += list(self.sim.refresh)
        self.assertGreaterEqual(len(secrets), 5)
        for line in self.logged:
            for secret in secrets:
                self.assertNotIn(secret, line)
        with self.connection() as env:
            messages = env["mail.message"].search(
                [("model", "=", "freshbooks.backend"), ("res_id", "=", self.backend_id)]
            )
            self.assertTrue(messages)
            text = " ".join(str(m.body) for m in messages)
            alerts = env["connector.alert"].search([]).mapped("message")
            jobs = env["queue.job"].search([]).mapped(lambda j: f"{j.args} {j.kwargs} {j.result}")
        for secret in secrets:
            self.assertNotIn(secret, text)
            self.assertNotIn(secret, " ".join(alerts + jobs))
        dump = subprocess.run(
            ["pg_dump", "--data-only", self.env.cr.dbname], capture_output=True, check=True
        ).stdout
        self.assertIn(self.sim.data.business_name.encode(), dump)  # a dump of that database
        for secret in secrets:
            self.assertNotIn(secret.encode(), dump)
