# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component


class SmartBillBinder(Component):
    """Binds SmartBill ids to Odoo records through the ``smartbill.*`` binding models."""

    _name = "smartbill.binder"
    _inherit = ["base.binder", "smartbill.base"]
    _apply_on = [
        "smartbill.res.partner",
        "smartbill.product.product",
        "smartbill.workpoint",
        "smartbill.series",
        "smartbill.account.move",
    ]
