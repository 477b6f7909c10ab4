"""SmartBill's errors are the shared base's classes (:mod:`connector_accounting_base.api.errors`):
a job, the dashboard and the tests act on one hierarchy whatever the source.
``SmartBillError`` is the base class under the name this connector's code has always used."""

from .base import errors

SmartBillError = errors.ConnectorError
AuthenticationError = errors.AuthenticationError
NotFoundError = errors.NotFoundError
PermissionDeniedError = errors.PermissionDeniedError
RateLimitedError = errors.RateLimitedError
TransientError = errors.TransientError
ValidationError = errors.ValidationError
MAX_PAUSE = errors.MAX_PAUSE
strip_html = errors.strip_html
