"""Plain-Python SmartBill API layer (no Odoo import): clients and schemas, on the shared
base's transport, limiter and errors."""

from .errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    SmartBillError,
    TransientError,
    ValidationError,
)
from odoo.addons.connector_accounting_base.api import client, limiter
from .v1 import DEFAULT_BASE_URL, V1_LIMIT, SmartBillV1Client
from .v3 import V3_LIMIT, SmartBillV3Client

CallMeter, metering = client.CallMeter, client.metering
RateLimit, RateLimiter = limiter.RateLimit, limiter.RateLimiter
shared_limiter, forget_limiters = limiter.shared_limiter, limiter.forget_limiters

__all__ = [
    "DEFAULT_BASE_URL",
    "V1_LIMIT",
    "V3_LIMIT",
    "AuthenticationError",
    "CallMeter",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitedError",
    "RateLimiter",
    "SmartBillError",
    "SmartBillV1Client",
    "SmartBillV3Client",
    "TransientError",
    "ValidationError",
    "forget_limiters",
    "metering",
    "shared_limiter",
]
