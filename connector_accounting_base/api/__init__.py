"""Plain-Python layer shared by every connector (no Odoo import): the HTTP transport
policy and redaction, the error classes, the rate budget, the API client base."""

from .errors import (
    AuthenticationError,
    ConnectorError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    TransientError,
    ValidationError,
)
from .client import BaseClient, CallMeter, metering
from .http import Redactor, Transport
from .limiter import RateLimit, RateLimiter, forget_limiters, shared_limiter

__all__ = [
    "AuthenticationError",
    "BaseClient",
    "CallMeter",
    "ConnectorError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitedError",
    "RateLimiter",
    "Redactor",
    "TransientError",
    "Transport",
    "ValidationError",
    "forget_limiters",
    "metering",
    "shared_limiter",
]
