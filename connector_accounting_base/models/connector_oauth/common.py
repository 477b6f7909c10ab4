# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Connecting a backend to a source by OAuth 2.0's authorization-code grant, and keeping
it connected: a frame any backend inherits, the way Odoo's ``google_gmail`` mixin is.

*Connect* sends the manager to the source's authorize page with a ``state`` that names
the backend, the user and an expiry, signed with the database secret and bound to a
nonce kept (hashed) on the backend: the callback accepts it once, from that user, within
``_oauth_state_ttl`` seconds. The redirect URI is built from ``web.base.url``, never from
the request's Host header.

A refresh token works once where the source rotates them: each refresh returns the next
one. So refreshes run one at a time for a backend across every worker and node (a
PostgreSQL advisory lock), in a cursor of their own that reads the tokens again once the
lock is held (another worker may just have refreshed them: its access token is then used
as it is) and commits the rotated refresh token before the new access token is used.
When the source refuses the refresh token, the backend says *Reconnect needed* and an
alert (kind ``reconnect``, which the connector declares) asks its managers to reconnect.

The mixin declares the connection's ``state`` and the columns of the two tokens; a
backend using it has ``company_id``, names the tokens among its vault's secrets
(``_vault_secrets``: ``access_token`` and ``refresh_token``), and fills three hooks:
:meth:`_oauth_client` (the source's client: ``authorize_url(state, scopes)``,
``exchange(code)``, ``refresh(token)``), :meth:`_oauth_scopes` and
:meth:`_oauth_connected` (what the source's tokens connect to).
"""

import base64
import hashlib
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessDenied
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ...api import errors

_logger = logging.getLogger(__name__)


def _digest(nonce):
    return hashlib.sha256(nonce.encode()).hexdigest()


class ConnectorOAuthMixin(models.AbstractModel):
    _name = "connector.oauth.mixin"
    _description = "Connector OAuth 2.0 connection (abstract)"
    _oauth_start = None  # the start route, e.g. "/freshbooks/auth/start"
    _oauth_callback = None  # the redirect URI's path, e.g. "/freshbooks/auth/callback"
    _oauth_state_scope = None  # the HMAC scope of the states, e.g. "connector_x.oauth_state"
    _oauth_state_ttl = 600  # seconds a Connect click stays valid
    _oauth_refresh_margin = timedelta(minutes=5)  # a token this close to expiry is renewed

    state = fields.Selection(
        [("draft", "Not connected"), ("connected", "Connected"), ("reconnect", "Reconnect needed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    access_token_secret = fields.Char(groups="base.group_system", copy=False)
    refresh_token_secret = fields.Char(groups="base.group_system", copy=False)
    oauth_pending = fields.Char(groups="base.group_system", copy=False)
    connected_by_id = fields.Many2one("res.users", "Connected by", readonly=True, copy=False)
    connected_at = fields.Datetime("Connected at", readonly=True, copy=False)
    token_expires = fields.Datetime("Access token expires", readonly=True, copy=False)
    redirect_uri = fields.Char(
        "Redirect URI",
        compute="_compute_redirect_uri",
        help="Register this address with the app at the source: it sends the manager back "
        "here after Connect.",
    )

    def _compute_redirect_uri(self):
        for backend in self:
            backend.redirect_uri = backend._redirect_uri()

    # -- the source's hooks ----------------------------------------------------------------
    def _oauth_client(self):
        """The source's OAuth client for this backend."""
        raise NotImplementedError

    def _oauth_scopes(self):
        """The scopes asked at *Connect*."""
        return ()

    def _oauth_connected(self, tokens):
        """What ``tokens`` connect to (the source's account): checked and written on the
        backend; returns the line the backend's chatter gets."""
        raise NotImplementedError

    # -- the authorization-code grant ------------------------------------------------------
    def _redirect_uri(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        return f"{base_url.rstrip('/')}{self._oauth_callback}"

    def action_connect(self):
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_url",
            "url": f"{self._oauth_start}?backend_id={self.id}",
            "target": "self",
        }

    def _authorize_url(self):
        """The source's authorize page for the current user, with a new ``state``: the
        one issued before no longer works."""
        self.ensure_one()
        self._check_manager()
        nonce = secrets.token_urlsafe(24)
        payload = f"{self.id}:{self.env.uid}:{int(time.time()) + self._oauth_state_ttl}:{nonce}"
        signature = hmac(self.env(su=True), self._oauth_state_scope, payload)
        self.sudo().oauth_pending = _digest(nonce)
        encoded = base64.urlsafe_b64encode(payload.encode()).decode()
        return self._oauth_client().authorize_url(f"{encoded}.{signature}", self._oauth_scopes())

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
        if not consteq(hmac(self.env(su=True), self._oauth_state_scope, payload), signature):
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
        """Exchange the authorization ``code`` for tokens, let the source say what they
        connect to, keep them; the backend is connected."""
        self.ensure_one()
        tokens = self._oauth_client().exchange(code)
        message = self._oauth_connected(tokens)
        self._store_tokens(tokens)
        self.sudo().write(
            {
                "state": "connected",
                "connected_by_id": self.env.uid,
                "connected_at": fields.Datetime.now(),
            }
        )
        self._update_alerts({}, kinds=["reconnect"])
        self.message_post(body=message)

    def _store_tokens(self, tokens):
        self._store_secrets(
            {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}
        )
        expires = datetime.fromtimestamp(tokens.expires_at, UTC).replace(tzinfo=None)
        self.sudo().token_expires = expires

    # -- staying connected -----------------------------------------------------------------
    def _fresh(self, token):
        expires = self.sudo().token_expires
        margin = self._oauth_refresh_margin
        return bool(token and expires and expires > fields.Datetime.now() + margin)

    def _access_token(self):
        """An access token that is valid for a few minutes more at least."""
        self.ensure_one()
        token = self._secret("access_token")
        return token if self._fresh(token) else self._renew_access_token(token)

    def _renew_access_token(self, stale_token=None):
        """A new access token, ``stale_token`` being the one that no longer works (or
        None): see the module's docstring for the lock and the commits."""
        self.ensure_one()
        lock = f"{self._name}.tokens"
        with self.env.registry.cursor() as lock_cr:
            lock_cr.execute("SELECT pg_advisory_lock(hashtext(%s), %s)", (lock, self.id))
            try:
                # a transaction begun once the lock is held sees what a refresh committed
                # while we waited; it commits the rotated refresh token (or the lost
                # connection) as it ends, before the access token is used
                with self.env.registry.cursor() as cr:
                    backend = self.with_env(self.env(cr=cr, su=True))
                    token, refused = backend._refreshed(stale_token)
            finally:
                lock_cr.execute("SELECT pg_advisory_unlock(hashtext(%s), %s)", (lock, self.id))
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
            source = self._alert_source()
            message = f"{source} backend {self.name} is not connected: press Connect to {source}"
            return None, errors.AuthenticationError(message)
        try:
            tokens = self._oauth_client().refresh(refresh_token)
        except errors.AuthenticationError as err:
            self._connection_lost(err)
            return None, err
        self._store_tokens(tokens)
        return tokens.access_token, None

    def _connection_lost(self, err):
        """The source refused the refresh token: nothing can be read until a manager
        connects again, and they are told so."""
        source = self._alert_source()
        _logger.warning("%s backend %s: the refresh token was refused", source, self.id)
        self._store_secrets({"access_token": False, "refresh_token": False})
        self.write({"state": "reconnect", "token_expires": False})
        self._update_alerts(
            {
                ("reconnect", False): self.env._(
                    "%(system)s refused the connection of %(backend)s (%(reason)s): a "
                    "manager must press Connect to %(system)s again.",
                    system=source,
                    backend=self.name,
                    reason=err.message,
                )
            },
            kinds=["reconnect"],
        )
