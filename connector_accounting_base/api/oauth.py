"""OAuth 2.0's authorization-code grant, the app's side (RFC 6749, sections 4.1 and 6; no
Odoo import): the authorize page's address, the code exchanged for tokens, a refresh.
A source names its two addresses and its name; one that rotates refresh tokens hands the
next one in every answer (store it before anything else). Every failure is one of the
base's error classes, its message without the secret, the code or a token."""

import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from . import errors, http


@dataclass(frozen=True)
class Tokens:
    """What the token endpoint issued: ``expires_at`` is unix time."""

    access_token: str
    refresh_token: str
    expires_at: float
    scope: str

    def __repr__(self):  # never the tokens themselves
        return f"<Tokens expiring at {self.expires_at:.0f} for {self.scope!r}>"


class OAuth2Client:
    """The app's side of the grant: ``client_id`` and ``client_secret`` as registered at
    the source, ``redirect_uri`` one of the app's redirect URIs, ``authorize_url`` the
    source's authorize page and ``token_url`` its token endpoint; ``source`` names the
    source in messages (else the class's ``source``)."""

    source = "The source"

    def __init__(
        self,
        client_id,
        client_secret,
        redirect_uri,
        *,
        authorize_url,
        token_url,
        source=None,
        timeout=(5.0, 30.0),
        session=None,
    ):
        self.source = source or self.source
        if not (client_id and client_secret):
            message = f"The {self.source} app's client id and secret are needed"
            raise errors.ValidationError(message)
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uri = redirect_uri
        self.authorize_page, self.token_url = authorize_url, token_url
        self.redact = http.Redactor([client_secret])
        self.http = http.Transport(session, credentials=True, timeout=timeout, redactor=self.redact)

    def authorize_url(self, state, scopes=()):
        """The authorize page the user is sent to."""
        query = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(scopes),
            "state": state,
        }
        return f"{self.authorize_page}?{urlencode(query)}"

    def exchange(self, code):
        """The tokens for the authorization ``code`` the redirect brought."""
        self.redact.add(code)
        return self._token({"grant_type": "authorization_code", "code": code})

    def refresh(self, refresh_token):
        """New tokens for ``refresh_token``, which is spent whatever happens next where
        the source rotates them: store the answer's refresh token before anything else."""
        self.redact.add(refresh_token)
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token(self, grant):
        form = {
            **grant,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
        }
        path = urlsplit(self.token_url).path
        try:
            answer = self.http.request(
                "POST", self.token_url, data=form, headers={"Accept": "application/json"}
            )
        except errors.ConnectorError as err:
            raise err.scrubbed(self.redact, path) from None
        try:
            body = answer.json() if answer.content else {}
        except ValueError:
            body = {}
        if answer.status_code != 200:
            raise self._error_for(answer, body).scrubbed(self.redact, path)
        try:
            tokens = Tokens(
                access_token=str(body["access_token"]),
                refresh_token=str(body["refresh_token"]),
                expires_at=time.time() + float(body["expires_in"]),
                scope=str(body.get("scope", "")),
            )
        except (KeyError, TypeError, ValueError):
            raise errors.TransientError(
                f"{self.source}'s token answer lacks a token or its lifetime", status=200
            ) from None
        self.redact.add(tokens.access_token)
        self.redact.add(tokens.refresh_token)
        return tokens

    def _error_for(self, answer, body):
        status = answer.status_code
        code = str(body.get("error", "")) if isinstance(body, dict) else ""
        text = str(body.get("error_description", "")) if isinstance(body, dict) else ""
        message = f"{self.source} refused the token request: {code or status}" + (
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
