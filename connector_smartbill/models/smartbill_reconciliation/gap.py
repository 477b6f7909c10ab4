# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SmartBillSeriesGap(models.Model):
    _inherit = "smartbill.series.gap"

    reconciliation_id = fields.Many2one(
        "smartbill.reconciliation", readonly=True, index=True, ondelete="set null"
    )
