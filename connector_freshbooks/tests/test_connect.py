# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Connect to FreshBooks through the two controllers, as a manager's browser does: the
start sends them to the authorize page, FreshBooks sends them back to the callback with a
code and the state; a forged, replayed, expired or another user's state is refused before
any code is exchanged."""

from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo.tests import HttpCase, new_test_user, tagged

from .common import FreshBooksHarness

CALLBACK = "/freshbooks/auth/callback"


@tagged("post_install", "-at_install")
class TestConnect(FreshBooksHarness, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_simulator(f"{cls.base_url()}{CALLBACK}")
        cls.company = cls.generic_company(cls.env)
        # the manager works in that company (their browser's current company)
        admin = cls.env.ref("base.user_admin")
        admin.write({"company_ids": [(4, cls.company.id)], "company_id": cls.company.id})
        cls.backend = cls.env["freshbooks.backend"].create(cls.backend_values(cls.company))

    def setUp(self):
        super().setUp()
        self.sim.requests.clear()

    def start(self):
        """The start's redirect: FreshBooks' authorize page and its query."""
        answer = self.url_open(
            f"/freshbooks/auth/start?backend_id={self.backend.id}", allow_redirects=False
        )
        self.assertEqual(answer.status_code, 303)
        location = answer.headers["Location"]
        self.assertTrue(location.startswith(f"{self.sim.url}/oauth/authorize?"), location)
        return location, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    def callback(self, query):
        path = f"{CALLBACK}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
        return self.url_open(path, allow_redirects=False)

    def token_requests(self):
        return [r for r in self.sim.requests if r == ("POST", "/auth/oauth/token")]

    def test_the_base_leaves_ocas_connector_backend_as_it_is(self):
        """Another OCA connector's backend in the same database gets nothing of the
        base: its fields and methods are a mixin the accounting backends inherit."""
        for name in ("alert_ids", "failed_job_count", "checkpoint_ids"):
            self.assertNotIn(name, self.env["connector.backend"]._fields)
        self.assertIn("alert_ids", self.env["freshbooks.backend"]._fields)
        self.assertFalse(hasattr(self.env["connector.backend"], "_update_alerts"))

    def test_connect_through_the_two_controllers(self):
        self.authenticate("admin", "admin")
        location, asked = self.start()
        self.assertEqual(asked["redirect_uri"], f"{self.base_url()}{CALLBACK}")
        self.assertEqual(asked["client_id"], self.sim.data.client_id)
        self.assertIn("user:clients:write", asked["scope"].split())
        target, query = self.authorize(location)
        self.assertEqual(target.path, CALLBACK)
        self.assertEqual(query["state"], asked["state"])
        answer = self.callback(query)
        self.assertEqual(answer.status_code, 303, answer.text)
        self.assertTrue(
            answer.headers["Location"].endswith(f"/freshbooks.backend/{self.backend.id}")
        )
        backend = self.backend
        backend.invalidate_recordset()
        self.assertEqual(backend.state, "connected")
        self.assertEqual(backend.account_id, self.sim.data.account_id)
        self.assertEqual(backend.business_name, self.sim.data.business_name)
        self.assertEqual(backend.connected_by_id, self.env.ref("base.user_admin"))
        access = backend._secret("access_token")
        self.assertIn(access, self.sim.access)
        self.assertNotEqual(backend.sudo().access_token_secret, access)  # encrypted at rest
        self.assertFalse(backend.sudo().oauth_pending)
        self.assertIn("Connected to FreshBooks", " ".join(backend.message_ids.mapped("body")))
        # the connection works: the identity through the API client
        self.assertEqual(backend._api_client().me()["id"], self.sim.data.identity_id)

    def test_replayed_state_is_refused(self):
        self.authenticate("admin", "admin")
        location, _asked = self.start()
        _target, query = self.authorize(location)
        self.assertEqual(self.callback(query).status_code, 303)
        exchanged = len(self.token_requests())
        # the same state again, with a new code FreshBooks would give for it
        _target, again = self.authorize(location)
        answer = self.callback(again)
        self.assertEqual(answer.status_code, 403)
        self.assertIn("already used or replaced", answer.text)
        self.assertEqual(len(self.token_requests()), exchanged)

    def test_forged_state_is_refused_before_any_exchange(self):
        self.authenticate("admin", "admin")
        location, _asked = self.start()
        _target, query = self.authorize(location)
        encoded, signature = query["state"].rsplit(".", 1)
        for forged in (f"{encoded}.{'0' * len(signature)}", "garbage", ""):
            answer = self.callback({**query, "state": forged})
            self.assertEqual(answer.status_code, 403)
            self.assertIn("not one this server issued", answer.text)
        self.assertFalse(self.token_requests())
        self.backend.invalidate_recordset()
        self.assertEqual(self.backend.state, "draft")

    def test_a_state_of_another_user_or_expired_is_refused(self):
        new_test_user(
            self.env,
            login="fb_manager_2",
            groups="base.group_user,connector_freshbooks.group_freshbooks_manager",
            company_ids=[(6, 0, (self.company | self.env.company).ids)],
        )
        self.authenticate("admin", "admin")
        location, _asked = self.start()
        _target, query = self.authorize(location)
        self.authenticate("fb_manager_2", "fb_manager_2")
        answer = self.callback(query)
        self.assertEqual(answer.status_code, 403)
        self.assertIn("issued to another user", answer.text)
        self.authenticate("admin", "admin")
        with patch.object(type(self.env["freshbooks.backend"]), "_oauth_state_ttl", -1):
            location, _asked = self.start()
        _target, query = self.authorize(location)
        answer = self.callback(query)
        self.assertEqual(answer.status_code, 403)
        self.assertIn("expired", answer.text)
        self.assertFalse(self.token_requests())

    def test_redirect_uri_comes_from_web_base_url_not_the_request(self):
        self.authenticate("admin", "admin")
        answer = self.url_open(
            f"/freshbooks/auth/start?backend_id={self.backend.id}",
            allow_redirects=False,
            # what a proxy (or someone in front of one) says the host is
            headers={"X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "https"},
        )
        location = answer.headers.get("Location", "")
        query = parse_qs(urlsplit(location).query)
        self.assertEqual(query.get("redirect_uri"), [f"{self.base_url()}{CALLBACK}"], location)

    def test_a_user_who_is_not_a_manager_cannot_start(self):
        new_test_user(self.env, login="fb_plain", groups="base.group_user")
        self.authenticate("fb_plain", "fb_plain")
        answer = self.url_open(
            f"/freshbooks/auth/start?backend_id={self.backend.id}", allow_redirects=False
        )
        self.assertEqual(answer.status_code, 403)
        self.assertFalse(self.sim.requests)
