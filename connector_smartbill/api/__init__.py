"""Plain-Python SmartBill API layer (no Odoo import): clients, schemas, limiter, errors."""

from .errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    SmartBillError,
    TransientError,
    ValidationError,
)
from .transport import CallMeter, metering
from .limiter import V1_LIMIT, V3_LIMIT, RateLimit, RateLimiter, shared_limiter
from .v1 import DEFAULT_BASE_URL, SmartBillV1Client
from .v3 import SmartBillV3Client

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
    "metering",
    "shared_limiter",
]
