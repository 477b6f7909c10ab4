"""SmartBill API V3 (beta, read only): Bearer token, ``/v3/companies/{cif}/...``.

Lists of clients, suppliers, products and warehouses, cursor-paginated (``after`` = the
last id seen, ``limit`` up to 100). There are no timestamps and no "changed since"
filter: an incremental sync walks the lists and compares.
"""

import re
import time
from urllib.parse import parse_qs, urlsplit

from odoo.addons.connector_accounting_base.api import client, http, limiter

from . import errors
from .schemas import Client, Product, Supplier, Warehouse
from .v1 import DEFAULT_BASE_URL, USER_AGENT

pause_seconds = http.pause_seconds
# 50,000 reads a day, counted from midnight in Bucharest
V3_LIMIT = limiter.RateLimit(
    calls=60, window=10.0, daily=50_000, day_zone="Europe/Bucharest", server="SmartBill"
)

MAX_PAGE_SIZE = 100

RESOURCES = {
    # resource: (id prefix, model, allowed filters -> query name)
    "clients": ("cus_", Client, {"name": "name", "code": "code", "vat_code": "vatCode"}),
    "suppliers": ("sup_", Supplier, {"name": "name", "code": "code", "vat_code": "vatCode"}),
    "products": ("prod_", Product, {"name": "name", "code": "code"}),
    "warehouses": ("ware_", Warehouse, {"name": "name"}),
}
_ID = re.compile(r"^[a-z]+_[0-9a-f]{32}$")


class SmartBillV3Client(client.BaseClient):
    api = "v3"
    limit = V3_LIMIT
    server = "SmartBill"
    user_agent = USER_AGENT

    def __init__(self, token, cif, base_url=DEFAULT_BASE_URL, page_size=MAX_PAGE_SIZE, **kwargs):
        self.cif = cif
        self.page_size = min(max(1, page_size), MAX_PAGE_SIZE)
        super().__init__(f"{base_url.rstrip('/')}/v3/companies/{cif}", token, **kwargs)

    def _auth(self, token):
        self.session.headers["Authorization"] = f"Bearer {token}"

    # -- answers -> errors ------------------------------------------------------
    def _error_for(self, response, body):
        status = response.status_code
        if status < 400:
            if not isinstance(body, dict):
                return self.unparseable(response)
            return None
        if body is None and status >= 500:
            return self.unparseable(response)
        code, message = errors.problems(body)
        message = message or f"SmartBill V3 error {status}"
        after = pause_seconds(response.headers.get("Retry-After"))
        retry_at = time.time() + after if after is not None else None
        if status == 429:
            return errors.RateLimitedError(
                message, status=status, code=code, retry_at=retry_at or time.time() + 5
            )
        kinds = {
            401: errors.AuthenticationError,
            403: errors.PermissionDeniedError,
            404: errors.NotFoundError,
        }
        if status in kinds:
            return kinds[status](message, status=status, code=code)
        if status >= 500:
            return errors.TransientError(message, status=status, code=code, retry_at=retry_at)
        return errors.ValidationError(message, status=status, code=code)

    # -- generic list / get -----------------------------------------------------
    def iterate(self, resource, **filters):
        """Every record of ``resource``, page after page, lazily."""
        _prefix, model, allowed = RESOURCES[resource]
        unknown = set(filters) - set(allowed)
        if unknown:
            raise ValueError(f"Unknown filter(s) for {resource}: {', '.join(sorted(unknown))}")
        params = {allowed[k]: v for k, v in filters.items() if v is not None}
        params["limit"] = self.page_size
        while True:
            _response, body = self.request(resource, params)
            for item in body.get("items") or []:
                yield model.model_validate(item)
            after = self._next_cursor(body)
            if not after:
                return
            params = {**params, "after": after}

    @staticmethod
    def _next_cursor(body):
        next_url = (body.get("pagination") or {}).get("next")
        if not next_url:
            return None
        return (parse_qs(urlsplit(next_url).query).get("after") or [None])[0]

    def get(self, resource, record_id):
        prefix, model, _allowed = RESOURCES[resource]
        if not (record_id or "").startswith(prefix) or not _ID.match(record_id):
            message = f"Malformed {resource} id {record_id!r}"
            raise errors.ValidationError(message, code="malformed_id")
        return model.model_validate(self.request(f"{resource}/{record_id}")[1])

    # -- named endpoints ----------------------------------------------------------
    def clients(self, name=None, code=None, vat_code=None):
        return self.iterate("clients", name=name, code=code, vat_code=vat_code)

    def suppliers(self, name=None, code=None, vat_code=None):
        return self.iterate("suppliers", name=name, code=code, vat_code=vat_code)

    def products(self, name=None, code=None):
        return self.iterate("products", name=name, code=code)

    def warehouses(self, name=None):
        return self.iterate("warehouses", name=name)

    def get_client(self, record_id):
        return self.get("clients", record_id)

    def get_supplier(self, record_id):
        return self.get("suppliers", record_id)

    def get_product(self, record_id):
        return self.get("products", record_id)

    def get_warehouse(self, record_id):
        return self.get("warehouses", record_id)
