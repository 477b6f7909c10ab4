"""FreshBooks' OAuth 2.0 authorization-code grant (no Odoo import).

freshbooks.com/api/authentication: the user is sent to the authorize page with
``client_id``, ``response_type=code``, ``redirect_uri``, ``scope`` and a ``state``; the code
that comes back to the redirect URI is exchanged at the token endpoint
(``grant_type=authorization_code``, the app's id and secret, the same redirect URI);
``grant_type=refresh_token`` renews an access token (12 hours) and rotates the refresh
token: each one works once, and the answer carries the next one. Every failure is one of
the base's error classes, its message without the secret, the code or a token.
"""

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from .base import errors, http

API_URL = "https://api.freshbooks.com"
AUTH_URL = "https://auth.freshbooks.com"
TOKEN_PATH = "/auth/oauth/token"
AUTHORIZE_PATH = "/oauth/authorize"
ACCEPT_JSON = {"Accept": "application/json"}
# the least the connector needs: who connected and their businesses; clients read and
# written (Odoo masters customers); invoices, payments and taxes read
# the least the connector needs (who connected, customers pushed, what it reads); in
# Odoo, a binding that declares an entity adds its own (``_freshbooks_scope``)
SCOPES = (
    "user:profile:read",
    "user:clients:read",
    "user:clients:write",
    "user:invoices:read",
    "user:payments:read",
    "user:credit_notes:read",
    "user:taxes:read",
)


@dataclass(frozen=True)
class Tokens:
    """What the token endpoint issued: ``expires_at`` is unix time."""

    access_token: str
    refresh_token: str
    expires_at: float
    scope: str

    def __repr__(self):  # never the tokens themselves
        return f"<Tokens expiring at {self.expires_at:.0f} for {self.scope!r}>"


class OAuthClient:
    """The app's side of the grant: ``client_id`` and ``client_secret`` as registered at
    FreshBooks, with ``redirect_uri`` one of the app's redirect URIs."""

    def __init__(
        self,
        client_id,
        client_secret,
        redirect_uri,
        *,
        api_url=API_URL,
        auth_url=AUTH_URL,
        timeout=(5.0, 30.0),
        session=None,
    ):
        if not (client_id and client_secret):
            message = "The FreshBooks app's client id and secret are needed"
            raise errors.ValidationError(message)
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uri = redirect_uri
        self.api_url, self.auth_url = api_url.rstrip("/"), auth_url.rstrip("/")
        self.redact = http.Redactor([client_secret])
        self.http = http.Transport(session, credentials=True, timeout=timeout, redactor=self.redact)

    def authorize_url(self, state, scopes=SCOPES):
        """The authorize page the user is sent to."""
        query = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(scopes),
            "state": state,
        }
        return f"{self.auth_url}{AUTHORIZE_PATH}?{urlencode(query)}"

    def exchange(self, code):
        """The tokens for the authorization ``code`` the redirect brought."""
        self.redact.add(code)
        return self._token({"grant_type": "authorization_code", "code": code})

    def refresh(self, refresh_token):
        """New tokens for ``refresh_token``, which is spent whatever happens next: store
        the answer's refresh token before anything else."""
        self.redact.add(refresh_token)
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token(self, grant):
        form = {
            **grant,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
        }
        url = f"{self.api_url}{TOKEN_PATH}"
        try:
            answer = self.http.request(
                "POST", url, data=form, headers={"Accept": "application/json"}
            )
        except errors.ConnectorError as err:
            raise err.scrubbed(self.redact, TOKEN_PATH) from None
        body = answer.json() if answer.content else {}
        if answer.status_code != 200:
            raise self._error_for(answer, body).scrubbed(self.redact, TOKEN_PATH)
        try:
            tokens = Tokens(
                access_token=str(body["access_token"]),
                refresh_token=str(body["refresh_token"]),
                expires_at=time.time() + float(body["expires_in"]),
                scope=str(body.get("scope", "")),
            )
        except (KeyError, TypeError, ValueError):
            raise errors.TransientError(
                "FreshBooks' token answer lacks a token or its lifetime", status=200
            ) from None
        self.redact.add(tokens.access_token)
        self.redact.add(tokens.refresh_token)
        return tokens

    @staticmethod
    def _error_for(answer, body):
        status = answer.status_code
        code = str(body.get("error", "")) if isinstance(body, dict) else ""
        text = str(body.get("error_description", "")) if isinstance(body, dict) else ""
        message = f"FreshBooks refused the token request: {code or status}" + (
            f" ({text})" if text else ""
        )
        if status == 429:
            pause = http.pause_seconds(answer.headers.get("Retry-After")) or 1.0
            return errors.RateLimitedError(message, status=status, retry_at=time.time() + pause)
        if status >= 500:
            return errors.TransientError(message, status=status)
        if code in ("invalid_grant", "invalid_client", "unauthorized_client"):
            return errors.AuthenticationError(message, status=status, code=code)
        return errors.ValidationError(message, status=status, code=code or None)
