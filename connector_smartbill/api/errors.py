"""SmartBill's errors are the shared base's classes (:mod:`connector_accounting_base.api.errors`):
a job, the dashboard and the tests act on one hierarchy whatever the source.
``SmartBillError`` is the base class under the name this connector's code has always used."""

from odoo.addons.connector_accounting_base.api import errors

SmartBillError = errors.ConnectorError
AuthenticationError = errors.AuthenticationError
NotFoundError = errors.NotFoundError
PermissionDeniedError = errors.PermissionDeniedError
RateLimitedError = errors.RateLimitedError
TransientError = errors.TransientError
ValidationError = errors.ValidationError
MAX_PAUSE = errors.MAX_PAUSE
strip_html = errors.strip_html


def problems(body):
    """The first code and the messages (joined) of the problem format's ``errors[]``,
    which V3 answers and V1 since 2026: ``(None, "")`` for any other body."""
    listed = body.get("errors") if isinstance(body, dict) else None
    found = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
    code = next((problem.get("code") for problem in found), None)
    return code, "; ".join(strip_html(str(problem.get("message", ""))) for problem in found)
