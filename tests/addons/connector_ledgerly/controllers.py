# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http

from odoo.addons.connector_accounting_base.controllers.oauth import ConnectorOAuthController
from odoo.addons.connector_accounting_base.controllers.webhook import (
    ConnectorWebhookController,
    webhook_route,
)


class LedgerlyAuth(http.Controller, ConnectorOAuthController):
    @http.route("/ledgerly/auth/start", type="http", auth="user", methods=["GET"])
    def start(self, backend_id=None, **kwargs):
        return self._oauth_start("ledgerly.backend", backend_id)

    @http.route("/ledgerly/auth/callback", type="http", auth="user", methods=["GET"])
    def callback(self, state=None, code=None, error=None, **kwargs):
        return self._oauth_callback("ledgerly.backend", state, code, error)


class LedgerlyWebhook(http.Controller, ConnectorWebhookController):
    @webhook_route("/ledgerly/webhook/<int:backend_id>", 4096, 5)
    def webhook(self, backend_id, **_form):
        return self._webhook("ledgerly.backend", backend_id)
