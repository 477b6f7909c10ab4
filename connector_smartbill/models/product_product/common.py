# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SmartBillProductProduct(models.Model):
    """A SmartBill product (``prod_...``), or a product SmartBill only lists in its
    stocks (``stock:<code>``: no V3 record, imported by code)."""

    _name = "smartbill.product.product"
    _inherit = "smartbill.binding"
    _inherits = {"product.product": "odoo_id"}
    _description = "SmartBill Product"
    _sync_entity, _sync_label = "products", "Products"

    odoo_id = fields.Many2one(
        "product.product", "Odoo product", required=True, ondelete="cascade", index=True
    )
    cn_code = fields.Char("CN code", help="Combined Nomenclature code, leading zeros kept.")
    smartbill_unit = fields.Char("SmartBill unit")


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "smartbill.bound.mixin"]

    smartbill_bind_ids = fields.One2many(
        "smartbill.product.product", "odoo_id", "SmartBill bindings", readonly=True
    )
