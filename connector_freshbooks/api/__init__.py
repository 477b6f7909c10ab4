"""Plain-Python FreshBooks layer (no Odoo import): OAuth 2.0 and the API client, on the
shared base's transport, limiter and errors."""

from .client import DEFAULT_LIMIT, FreshBooksClient
from .oauth import API_URL, AUTH_URL, SCOPES, OAuthClient, Tokens
from .statement import Statement, StatementError, read_statement
from .webhooks import SIGNATURE_HEADER, Delivery, read_delivery

__all__ = [
    "API_URL",
    "AUTH_URL",
    "DEFAULT_LIMIT",
    "SCOPES",
    "SIGNATURE_HEADER",
    "Delivery",
    "FreshBooksClient",
    "OAuthClient",
    "Statement",
    "StatementError",
    "Tokens",
    "read_delivery",
    "read_statement",
]
