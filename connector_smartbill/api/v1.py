"""SmartBill Cloud API V1 (``/SBORO/api``): Basic auth ``email:token``, company by ``cif``.

Read-only calls used by the connector: taxes, series, stocks, invoice payment status,
invoice PDF and the invoices issued from a proforma. V1 answers errors in ``errorText``,
sometimes with HTTP 200, and blocks a token for 10 minutes after 30 calls in 10 s.
"""

import time

from odoo.addons.connector_accounting_base.api import client, http, limiter

from . import errors
from .schemas import EstimateInvoices, PaymentStatus, Series, Tax, WarehouseStock

pause_seconds = http.pause_seconds
header_number = client.header_number

DEFAULT_BASE_URL = "https://ws.smartbill.ro/SBORO/api"
VERSION = "19.0.1.1.0"
USER_AGENT = f"connector_smartbill/{VERSION} (Odoo; +https://github.com/OCA)"
V1_LIMIT = limiter.RateLimit(calls=30, window=10.0, server="SmartBill")
V1_BLOCK_SECONDS = 600
_NOT_FOUND_WORDS = ("nu a fost gasit", "nu exista", "not found")
_BLOCKED_WORDS = ("blocat", "limita maxima de apeluri", "rate limit")
_COMPANY_WORDS = ("firma la care incercati",)


def _unwrap(body):
    """SmartBill's documentation wraps some answers in one key (``sbcTaxes``,
    ``stocks``, ``Response``...); the service sends bare objects. Accept both."""
    if isinstance(body, dict) and len(body) == 1:
        (inner,) = body.values()
        if isinstance(inner, dict) and ("errorText" in inner or "list" in inner):
            return inner
    return body


def _v1_messages(body):
    """``errorText`` or the 2026 problem format's ``errors[].message``."""
    if not isinstance(body, dict):
        return ""
    if body.get("errorText"):
        return errors.strip_html(str(body["errorText"]))
    return errors.problems(body)[1]


class SmartBillV1Client(client.BaseClient):
    api = "v1"
    limit = V1_LIMIT
    server = "SmartBill"
    user_agent = USER_AGENT

    def __init__(self, email, token, cif, base_url=DEFAULT_BASE_URL, **kwargs):
        self.email = email
        self.cif = cif
        super().__init__(base_url, token, **kwargs)

    def _auth(self, token):
        self.session.auth = (self.email, token)
        self.redact.add(f"{self.email}:{token}")  # and so HTTP Basic's base64 of it

    # -- answers -> errors ------------------------------------------------------
    def _error_for(self, response, body):
        status = response.status_code
        body = _unwrap(body)
        message = _v1_messages(body)
        lowered = message.lower()
        if status == 429 or (status == 403 and any(w in lowered for w in _BLOCKED_WORDS)):
            return errors.RateLimitedError(
                message or "Too many calls: SmartBill blocked the token",
                status=status,
                retry_at=self._block_end(response),
            )
        if status == 401:
            return errors.AuthenticationError(message or "Authentication failed", status=status)
        if status == 403:
            return errors.PermissionDeniedError(message or "Access denied", status=status)
        if status >= 500:
            if body is None:
                return self.unparseable(response)
            return errors.TransientError(
                message or f"SmartBill server error {status}", status=status
            )
        if body is None:
            if status == 200 and response.headers.get("Content-Type", "").startswith(
                ("application/pdf", "application/octet-stream")
            ):
                return None
            return self.unparseable(response)
        if status >= 400 or message:
            if any(w in lowered for w in _COMPANY_WORDS):
                return errors.PermissionDeniedError(message, status=status)
            if status == 404 or any(w in lowered for w in _NOT_FOUND_WORDS):
                return errors.NotFoundError(message or "Not found", status=status)
            return errors.ValidationError(
                message or f"SmartBill refused the request ({status})", status=status
            )
        return None

    @staticmethod
    def _block_end(response):
        """When a blocked V1 token may call again: ``Retry-After``, else the window
        reset, else SmartBill's documented 10-minute block."""
        after = pause_seconds(response.headers.get("Retry-After"))
        if after is not None:
            return time.time() + after
        reset = header_number(response.headers, "X-RateLimit-Reset")
        if reset and response.status_code == 429:
            return reset
        return time.time() + V1_BLOCK_SECONDS

    def _get(self, path, **params):
        params = {"cif": self.cif, **{k: v for k, v in params.items() if v is not None}}
        return _unwrap(self.request(path, params)[1])

    # -- endpoints ------------------------------------------------------------
    def taxes(self):
        """VAT rates of the company: ``[Tax]``."""
        return [Tax.model_validate(t) for t in self._get("tax").get("taxes") or []]

    def series(self, type=None):  # noqa: A002 - SmartBill's parameter name
        """Document series with their next number; ``type`` f/p/c filters."""
        return [Series.model_validate(s) for s in self._get("series", type=type).get("list") or []]

    def stocks(self, date, warehouse=None, product_code=None, product_name=None):
        """Stock per gestiune on ``date`` (a :class:`datetime.date`)."""
        body = self._get(
            "stocks",
            date=date.isoformat(),
            warehouseName=warehouse,
            productCode=product_code,
            productName=product_name,
        )
        return [WarehouseStock.model_validate(w) for w in body.get("list") or []]

    def payment_status(self, series, number):
        """Paid / unpaid amounts of invoice ``series`` + ``number``."""
        body = self._get("invoice/paymentstatus", seriesname=series, number=number)
        # the documented answer carries empty series/number: keep the ones asked for
        return PaymentStatus.model_validate(
            {**body, "series": body.get("series") or series, "number": body.get("number") or number}
        )

    def invoice_pdf(self, series, number):
        """The invoice as PDF bytes."""
        response, _body = self.request(
            "invoice/pdf",
            {"cif": self.cif, "seriesname": series, "number": number},
            accept="application/octet-stream",
        )
        if not response.content.startswith(b"%PDF"):
            raise errors.TransientError(
                f"SmartBill sent no PDF for {series}{number}", status=response.status_code
            )
        return response.content

    def estimate_invoices(self, series, number):
        """Invoices issued from proforma ``series`` + ``number``; an unbilled proforma
        gives ``are_invoices_created=False`` rather than an error."""
        try:
            body = self._get("estimate/invoices", seriesname=series, number=number)
        except errors.ValidationError as err:
            if "nu a fost facturata" in err.message.lower():
                return EstimateInvoices(are_invoices_created=False)
            raise
        return EstimateInvoices.model_validate(body)
