# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping, only_create

from ...api import NotFoundError

STOCK_PREFIX = "stock:"


class ProductAdapter(Component):
    """V3 products, then the products SmartBill lists only in its stocks (V1)."""

    _name = "smartbill.product.product.adapter"
    _inherit = "smartbill.v3.adapter"
    _apply_on = "smartbill.product.product"
    _resource = "products"

    def search(self, **filters):
        codes = set()
        for record in super().search(**filters):
            codes.add(record["code"])
            yield record
        if filters:
            return
        for record in self._stock_records():
            if record["code"] not in codes:
                codes.add(record["code"])
                yield record

    def read(self, external_id):
        if not external_id.startswith(STOCK_PREFIX):
            return super().read(external_id)
        code = external_id.removeprefix(STOCK_PREFIX)
        for record in self._stock_records(product_code=code):
            return record
        raise NotFoundError(f"No product {code} in SmartBill's stocks")

    def _stock_records(self, product_code=None):
        """Products of every gestiune, as product records (no quantities: they change
        every day and are not product data)."""
        today = fields.Date.context_today(self.backend_record)
        for stock in self.v1.stocks(today, product_code=product_code):
            for product in stock.products:
                if product.product_code:
                    yield {
                        "id": f"{STOCK_PREFIX}{product.product_code}",
                        "name": product.product_name,
                        "code": product.product_code,
                        "measuring_unit_name": product.measuring_unit,
                        "is_service": False,
                    }


class ProductMapper(Component):
    _name = "smartbill.product.product.mapper"
    _inherit = "smartbill.import.mapper"
    _apply_on = "smartbill.product.product"

    direct = [
        ("name", "name"),
        ("code", "default_code"),
        ("description", "description_sale"),
        ("cn_code", "cn_code"),
        ("measuring_unit_name", "smartbill_unit"),
    ]

    @mapping
    def type(self, record):
        return {"type": "service" if record.get("is_service") else "consu"}

    @mapping
    def uom_id(self, record):
        return {
            "uom_id": self.env["smartbill.uom.map"].uom_for(record.get("measuring_unit_name")).id
        }

    @mapping
    def list_price(self, record):
        """SmartBill's price, in the company's currency when the product has another."""
        if record.get("price") is None:
            return {}
        company = self.backend_record.company_id
        price = float(record["price"])
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", record.get("currency") or "RON")], limit=1)
        )
        if currency and currency != company.currency_id:
            today = fields.Date.context_today(self.backend_record)
            price = currency._convert(price, company.currency_id, company, today)
        return {"list_price": price}

    @mapping
    def taxes(self, record):
        """Sale tax (required) and purchase tax (when mapped) of the product's rate."""
        if record.get("vat_percentage") is None:
            return {"taxes_id": [(5, 0, 0)], "supplier_taxes_id": [(5, 0, 0)]}
        tax_map = self.env["smartbill.tax.map"]
        today = fields.Date.context_today(self.backend_record)
        rate, name = record["vat_percentage"], record.get("vat_name")
        included = bool(record.get("is_vat_included"))
        sale = tax_map.tax_for(self.backend_record, today, rate, included, name=name)
        purchase = tax_map.tax_map_for(
            self.backend_record, today, float(rate), name=name
        ).purchase_tax_id
        return {"taxes_id": [(6, 0, sale.ids)], "supplier_taxes_id": [(6, 0, purchase.ids)]}

    @only_create
    @mapping
    def odoo_id(self, record):
        """Bind to the product that already has this code rather than duplicate it."""
        if not record.get("code"):
            return {}
        product = self.env["product.product"].search(
            [
                ("default_code", "=", record["code"]),
                ("company_id", "in", [False, self.backend_record.company_id.id]),
            ],
            limit=1,
        )
        return {"odoo_id": product.id} if product else {}
