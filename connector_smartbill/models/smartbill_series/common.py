# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SmartBillSeries(models.Model):
    """A SmartBill document series (``FCT``) and the number it issues next.

    The workpoint and the journal are chosen in Odoo: invoices of the series go to that
    journal and are attributed to that workpoint.
    """

    _name = "smartbill.series"
    _inherit = "smartbill.binding"
    _description = "SmartBill Series"
    _order = "series_type, name"
    _smartbill_priority = 5
    _smartbill_entity = "series"
    _smartbill_source = "v1"

    name = fields.Char(required=True, readonly=True)
    series_type = fields.Selection(
        [("f", "Invoice"), ("p", "Proforma"), ("c", "Receipt (chitanta)")],
        "Type",
        readonly=True,
    )
    next_number = fields.Char(
        readonly=True, help="The number SmartBill issues next in this series, as it prints it."
    )
    workpoint_id = fields.Many2one(
        "smartbill.workpoint",
        domain="[('backend_id', '=', backend_id)]",
        help="The store or depot that issues this series.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        domain="[('company_id', '=', smartbill_company_id)]",
        help="Invoices of this series are booked in this journal (default: the first sale "
        "journal of the company).",
    )


class SmartBillBackend(models.Model):
    _inherit = "smartbill.backend"

    series_ids = fields.One2many("smartbill.series", "backend_id")
