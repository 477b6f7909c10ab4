# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ConnectorAlert(models.Model):
    """SmartBill's alerts are the base's (``connector.alert``); this one is its own: the
    company's ANAF token, which SPV needs, about to expire."""

    _inherit = "connector.alert"

    kind = fields.Selection(
        selection_add=[("anaf_token", "ANAF token expires")], ondelete={"anaf_token": "cascade"}
    )
