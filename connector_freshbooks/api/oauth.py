"""FreshBooks' OAuth 2.0 authorization-code grant (no Odoo import).

freshbooks.com/api/authentication: the user is sent to the authorize page with
``client_id``, ``response_type=code``, ``redirect_uri``, ``scope`` and a ``state``; the code
that comes back to the redirect URI is exchanged at the token endpoint
(``grant_type=authorization_code``, the app's id and secret, the same redirect URI);
``grant_type=refresh_token`` renews an access token (12 hours) and rotates the refresh
token: each one works once, and the answer carries the next one. Every failure is one of
the base's error classes, its message without the secret, the code or a token.
"""

from odoo.addons.connector_accounting_base.api import oauth

API_URL = "https://api.freshbooks.com"
AUTH_URL = "https://auth.freshbooks.com"
TOKEN_PATH = "/auth/oauth/token"
AUTHORIZE_PATH = "/oauth/authorize"
# the least the connector needs (who connected, customers pushed, what it reads); in
# Odoo, a binding that declares an entity adds its own (``_oauth_scope``)
SCOPES = (
    "user:profile:read",
    "user:clients:read",
    "user:clients:write",
    "user:invoices:read",
    "user:payments:read",
    "user:credit_notes:read",
    "user:taxes:read",
)
Tokens = oauth.Tokens


class OAuthClient(oauth.OAuth2Client):
    """The base's grant at FreshBooks' addresses: ``client_id`` and ``client_secret`` as
    registered at FreshBooks, with ``redirect_uri`` one of the app's redirect URIs."""

    source = "FreshBooks"

    def __init__(self, client_id, client_secret, redirect_uri, *, api_url=API_URL,
                 auth_url=AUTH_URL, **kwargs):  # fmt: skip
        super().__init__(
            client_id,
            client_secret,
            redirect_uri,
            authorize_url=f"{auth_url.rstrip('/')}{AUTHORIZE_PATH}",
            token_url=f"{api_url.rstrip('/')}{TOKEN_PATH}",
            **kwargs,
        )

    def authorize_url(self, state, scopes=SCOPES):
        return super().authorize_url(state, scopes)
