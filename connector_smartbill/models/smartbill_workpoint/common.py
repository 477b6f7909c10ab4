# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SmartBillWorkpoint(models.Model):
    """A SmartBill warehouse (gestiune): a store or a depot.

    "en gros" is a gestiune kept at purchase cost (quantities and values), "en detail"
    one kept at sale price (retail). Its analytic account attributes the documents issued
    through its series; with the ``stock`` app, a glue module can bind it to a warehouse.
    """

    _name = "smartbill.workpoint"
    _inherit = "smartbill.binding"
    _description = "SmartBill Workpoint"
    _order = "name"
    _import_priority = 5
    _sync_entity, _sync_label = "workpoints", "Workpoints"

    name = fields.Char(required=True)
    description = fields.Char()
    workpoint_type = fields.Selection(
        [("en gros", "En gros (depot)"), ("en detail", "En detail (store)")], "Type"
    )
    keeper = fields.Char("Gestionar")
    address = fields.Char()
    city = fields.Char()
    county = fields.Char()
    country = fields.Char()
    is_custody = fields.Boolean(help="Goods held in custody for someone else.")
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        help="Attributes the documents issued through this workpoint's series.",
    )
    series_ids = fields.One2many("smartbill.series", "workpoint_id")


class SmartBillBackend(models.Model):
    _inherit = "smartbill.backend"

    workpoint_ids = fields.One2many("smartbill.workpoint", "backend_id", "Workpoints")
