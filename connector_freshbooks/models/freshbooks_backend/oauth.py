# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Connecting a backend to FreshBooks, and keeping it connected.

*Connect to FreshBooks* sends the manager to FreshBooks' authorize page with a ``state``
that names the backend, the user and an expiry, signed with the database secret and
bound to a nonce kept (hashed) on the backend: the callback accepts it once, from that
user, within ten minutes. The redirect URI is built from ``web.base.url``, never from the
request's Host header.

A refresh token works once: each refresh returns the next one. So refreshes run one at a
time for a backend across every worker and node (a PostgreSQL advisory lock), in a cursor
of their own that reads the tokens again once the lock is held (another worker may just
have refreshed them: its access token is then used as it is) and commits the rotated
refresh token before the new access token is used. When FreshBooks refuses the refresh
token, the backend says *Reconnect needed* and an alert asks its managers to reconnect.
"""

import base64
import hashlib
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessDenied, UserError
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ...api import SCOPES, FreshBooksClient, OAuthClient
from ...api.base import errors

_logger = logging.getLogger(__name__)

STATE_SCOPE = "connector_freshbooks.oauth_state"
STATE_TTL = 600  # seconds a Connect click stays valid
REFRESH_MARGIN = timedelta(minutes=5)  # an access token this close to expiry is renewed
LOCK = "connector_freshbooks.tokens"


def _digest(nonce):
    return hashlib.sha256(nonce.encode()).hexdigest()


class FreshBooksBackend(models.Model):
    _inherit = "freshbooks.backend"

    oauth_pending = fields.Char(groups="base.group_system", copy=False)

    # -- the authorization-code grant ---------------------------------------------------------
    def _redirect_uri(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        return f"{base_url.rstrip('/')}/freshbooks/auth/callback"

    def _oauth_client(self):
        backend = self.sudo()
        if not backend.client_id or not self._secret("client_secret"):
            raise UserError(
                self.env._("Enter the client id and secret of your FreshBooks app first.")
            )
        return OAuthClient(
            backend.client_id,
            self._secret("client_secret"),
            self._redirect_uri(),
            api_url=backend.api_url,
            auth_url=backend.auth_url,
        )

    def action_connect(self):
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_url",
            "url": f"/freshbooks/auth/start?backend_id={self.id}",
            "target": "self",
        }

    def _authorize_url(self):
        """FreshBooks' authorize page for the current user, with a new ``state``: the
        one issued before no longer works."""
        self.ensure_one()
        self._check_manager()
        nonce = secrets.token_urlsafe(24)
        payload = f"{self.id}:{self.env.uid}:{int(time.time()) + STATE_TTL}:{nonce}"
        signature = hmac(self.env(su=True), STATE_SCOPE, payload)
        self.sudo().oauth_pending = _digest(nonce)
        encoded = base64.urlsafe_b64encode(payload.encode()).decode()
        return self._oauth_client().authorize_url(f"{encoded}.{signature}", self._scopes())

    def _scopes(self):
        """The scopes asked (freshbooks.com/api/scopes): the connector's, and those of
        every entity a binding declares."""
        declared = (self.env[m]._freshbooks_scope for m in self._entity_models().values())
        return tuple(dict.fromkeys((*SCOPES, *declared)))

    @api.model
    def _backend_of_state(self, state):
        """The backend a callback's ``state`` was issued for; AccessDenied, with the
        reason, when it is forged, for another user, expired or already used."""
        try:
            encoded, signature = state.rsplit(".", 1)
            payload = base64.urlsafe_b64decode(encoded.encode()).decode()
            backend_id, uid, expires, nonce = payload.split(":")
            backend_id, uid, expires = int(backend_id), int(uid), int(expires)
        except (ValueError, UnicodeDecodeError):
            raise AccessDenied(self.env._("the state is not one this server issued")) from None
        if not consteq(hmac(self.env(su=True), STATE_SCOPE, payload), signature):
            raise AccessDenied(self.env._("the state is not one this server issued"))
        if uid != self.env.uid:
            raise AccessDenied(self.env._("the state was issued to another user"))
        if expires < time.time():
            raise AccessDenied(self.env._("the state expired: press Connect again"))
        backend = self.browse(backend_id).exists()
        pending = backend.sudo().oauth_pending if backend else False
        if not pending or not consteq(pending, _digest(nonce)):
            raise AccessDenied(self.env._("the state was already used or replaced"))
        backend.sudo().oauth_pending = False
        return backend

    def _connect_with_code(self, code):
        """Exchange the authorization ``code`` for tokens, find the business and keep
        both; the backend is connected."""
        self.ensure_one()
        tokens = self._oauth_client().exchange(code)
        api = FreshBooksClient(tokens.access_token, base_url=self.api_url, max_retries=1)
        businesses = api.businesses()
        wanted = [b for b in businesses if b[0] == self.account_id] if self.account_id else []
        if not (wanted or (businesses and not self.account_id)):
            raise UserError(
                self.env._(
                    "The FreshBooks user who connected has no business with account id "
                    "%(account)s (theirs: %(found)s).",
                    account=self.account_id,
                    found=", ".join(b[0] for b in businesses) or "-",
                )
            )
        account_id, business_id, business_name = (wanted or businesses)[0]
        other = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("account_id", "=", account_id),
                    ("company_id", "=", self.company_id.id),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
        )
        if other:
            raise UserError(
                self.env._(
                    "FreshBooks business %(business)s already feeds %(company)s through "
                    "backend %(other)s.",
                    business=business_name,
                    company=self.company_id.name,
                    other=other.name,
                )
            )
        self._store_tokens(tokens)
        self.sudo().write(
            {
                "account_id": account_id,
                "business_id": business_id,
                "business_name": business_name,
                "state": "connected",
                "connected_by_id": self.env.uid,
                "connected_at": fields.Datetime.now(),
            }
        )
        self._update_alerts({}, kinds=["reconnect"])
        self.message_post(
            body=self.env._(
                "Connected to FreshBooks: %(business)s (account %(account)s).",
                business=business_name,
                account=account_id,
            )
        )

    def _store_tokens(self, tokens):
        self._store_secrets(
            {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}
        )
        expires = datetime.fromtimestamp(tokens.expires_at, UTC).replace(tzinfo=None)
        self.sudo().token_expires = expires

    # -- staying connected ------------------------------------------------------------------
    def _fresh(self, token):
        expires = self.sudo().token_expires
        return bool(token and expires and expires > fields.Datetime.now() + REFRESH_MARGIN)

    def _access_token(self):
        """An access token that is valid for a few minutes more at least."""
        self.ensure_one()
        token = self._secret("access_token")
        return token if self._fresh(token) else self._renew_access_token(token)

    def _renew_access_token(self, stale_token=None):
        """A new access token, ``stale_token`` being the one that no longer works (or
        None): see the module's docstring for the lock and the commits."""
        self.ensure_one()
        with self.env.registry.cursor() as lock_cr:
            lock_cr.execute("SELECT pg_advisory_lock(hashtext(%s), %s)", (LOCK, self.id))
            try:
                # a transaction begun once the lock is held sees what a refresh committed
                # while we waited; it commits the rotated refresh token (or the lost
                # connection) as it ends, before the access token is used
                with self.env.registry.cursor() as cr:
                    backend = self.with_env(self.env(cr=cr, su=True))
                    token, refused = backend._refreshed(stale_token)
            finally:
                lock_cr.execute("SELECT pg_advisory_unlock(hashtext(%s), %s)", (LOCK, self.id))
        self.invalidate_recordset(["access_token_secret", "refresh_token_secret"])
        if refused:
            raise refused
        return token

    def _refreshed(self, stale_token):
        """``(access token, None)``: the one another worker just got, or a new one; or
        ``(None, error)`` when there is none to have."""
        current = self._secret("access_token")
        if current != stale_token and self._fresh(current):
            return current, None
        refresh_token = self._secret("refresh_token")
        if not refresh_token:
            message = (
                f"FreshBooks backend {self.name} is not connected: press Connect to FreshBooks"
            )
            return None, errors.AuthenticationError(message)
        try:
            tokens = self._oauth_client().refresh(refresh_token)
        except errors.AuthenticationError as err:
            self._connection_lost(err)
            return None, err
        self._store_tokens(tokens)
        return tokens.access_token, None

    def _connection_lost(self, err):
        """FreshBooks refused the refresh token: nothing can be read until a manager
        connects again, and they are told so."""
        _logger.warning("FreshBooks backend %s: the refresh token was refused", self.id)
        self._store_secrets({"access_token": False, "refresh_token": False})
        self.write({"state": "reconnect", "token_expires": False})
        self._update_alerts(
            {
                ("reconnect", False): self.env._(
                    "FreshBooks refused the connection of %(backend)s (%(reason)s): a "
                    "manager must press Connect to FreshBooks again.",
                    backend=self.name,
                    reason=err.message,
                )
            },
            kinds=["reconnect"],
        )


class ConnectorAlert(models.Model):
    """The connection's own alert: FreshBooks refused the refresh token."""

    _inherit = "connector.alert"

    kind = fields.Selection(
        selection_add=[("reconnect", "Reconnect to FreshBooks")],
        ondelete={"reconnect": "cascade"},
    )
