# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The two ends of *Connect to FreshBooks* (the base's OAuth frame): the start, and the
callback FreshBooks sends the manager back to (the redirect URI registered with the app:
``<web.base.url>/freshbooks/auth/callback``)."""

from odoo import http

from odoo.addons.connector_accounting_base.controllers.oauth import ConnectorOAuthController


class FreshBooksAuth(http.Controller, ConnectorOAuthController):
    @http.route("/freshbooks/auth/start", type="http", auth="user", methods=["GET"])
    def start(self, backend_id=None, **kwargs):
        return self._oauth_start("freshbooks.backend", backend_id)

    @http.route("/freshbooks/auth/callback", type="http", auth="user", methods=["GET"])
    def callback(self, state=None, code=None, error=None, **kwargs):
        return self._oauth_callback("freshbooks.backend", state, code, error)
