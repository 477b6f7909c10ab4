# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ledgerly, an invented source: its contacts become partners. Everything but the
source's own parts (its addresses, its answers, its signature rule) is the base's."""

import hashlib
import hmac
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.tools import consteq

from odoo.addons.connector_accounting_base.api import BaseClient, RateLimit, errors
from odoo.addons.connector_accounting_base.api.oauth import OAuth2Client

ADMIN = "base.group_system"  # who sees and runs it: this example has no groups of its own


class LedgerlyClient(BaseClient):
    api, server, limit = "ledgerly", "Ledgerly", RateLimit(calls=60, window=10.0)

    def _auth(self, token):
        self.session.headers["Authorization"] = f"Bearer {token}"

    def _error_for(self, response, body):
        status = response.status_code
        kind = {401: errors.AuthenticationError, 404: errors.NotFoundError}.get(status)
        kind = kind or (errors.TransientError if status >= 500 else errors.ValidationError)
        return None if status == 200 else kind(f"Ledgerly answered {status}", status=status)


class LedgerlyBackend(models.Model):
    _name = "ledgerly.backend"
    _inherit = [
        "connector.polling.mixin",
        "connector.oauth.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "connector.vault.mixin",
        "connector.job.mixin",
    ]
    _description = "Ledgerly Backend"
    _binding_model = "ledgerly.res.partner"
    _connector_code = "ledgerly"
    _user_group = _manager_group = ADMIN
    _oauth_start, _oauth_callback = "/ledgerly/auth/start", "/ledgerly/auth/callback"
    _oauth_state_scope = "connector_ledgerly.oauth_state"
    _vault_secrets = {
        name: f"{name}_secret"
        for name in ("client_secret", "access_token", "refresh_token", "webhook_secret")
    }

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda s: s.env.company)
    url = fields.Char("Ledgerly URL", required=True)
    client_id = fields.Char("App client id")
    client_secret = fields.Char(compute="_compute_secrets", inverse="_inverse_secrets")
    webhook_secret = fields.Char(compute="_compute_secrets", inverse="_inverse_secrets")
    client_secret_secret = fields.Char(groups=ADMIN, copy=False)
    webhook_secret_secret = fields.Char(groups=ADMIN, copy=False)

    @api.depends("client_secret_secret", "webhook_secret_secret")
    def _compute_secrets(self):
        self._show_secret("client_secret")
        self._show_secret("webhook_secret")

    def _inverse_secrets(self):
        self._keep_secret("client_secret")
        self._keep_secret("webhook_secret")

    def _alert_source(self):
        return "Ledgerly"

    def _alert_managers(self):
        return self.env.ref(ADMIN).all_user_ids

    def _oauth_client(self):
        url = self.url.rstrip("/")
        return OAuth2Client(
            self.client_id,
            self._secret("client_secret"),
            self._redirect_uri(),
            authorize_url=f"{url}/oauth/authorize",
            token_url=f"{url}/oauth/token",
            source="Ledgerly",
        )

    def _oauth_connected(self, tokens):
        return self.env._("Connected to Ledgerly (%s).", tokens.scope)

    def _api_client(self):
        return LedgerlyClient(
            self.url, self._access_token(), limiter_connect=self._rate_budget_connect()
        )

    def _polling_domain(self):
        return [("state", "=", "connected")]

    def _webhook_ready(self):
        return self.state == "connected" and bool(self._secret("webhook_secret"))

    def receive_webhook(self, pairs, headers):
        """Ledgerly signs the form it posts (HMAC-SHA256, hex) with the backend's secret."""
        body = urlencode(pairs).encode()
        expected = hmac.new(self._secret("webhook_secret").encode(), body, hashlib.sha256)
        if not consteq(headers.get("X-Ledgerly-Signature", ""), expected.hexdigest()):
            raise errors.AuthenticationError("A webhook whose signature does not match: refused")
        form = dict(pairs)
        entity = self._nouns().get(form.get("event", "").partition(".")[0])
        if not (entity and form.get("id", "").isdigit()):
            message = "A webhook of no event this backend syncs: refused"
            raise errors.ValidationError(message)
        self._queue_webhook_event(entity, form["event"], form["id"])


class LedgerlyPartner(models.Model):
    _name = "ledgerly.res.partner"
    _inherit = "connector.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "Ledgerly contact"
    _sync_entity, _sync_label = "contacts", "Contacts"
    _webhook_noun, _oauth_scope = "contact", "contacts:read"

    odoo_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    backend_id = fields.Many2one("ledgerly.backend", required=True, ondelete="restrict")
    external_id = fields.Char("Ledgerly id", index=True, readonly=True)

    _ledgerly_uniq = models.Constraint(
        "unique(backend_id, external_id)", "A Ledgerly contact is bound once per backend."
    )


class ConnectorSyncRun(models.Model):
    _inherit = "connector.sync.run"

    connector = fields.Selection(
        selection_add=[("ledgerly", "Ledgerly")], ondelete={"ledgerly": "cascade"}
    )
