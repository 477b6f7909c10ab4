# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import AbstractComponent


class SmartBillBaseComponent(AbstractComponent):
    """Every SmartBill component works on a ``smartbill.backend`` collection."""

    _name = "smartbill.base"
    _inherit = "base.connector"
    _collection = "smartbill.backend"
