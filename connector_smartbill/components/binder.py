# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component


class SmartBillBinder(Component):
    """Binds SmartBill ids to Odoo records through the ``smartbill.*`` binding models
    (no ``_apply_on``: every binding's, unless its folder brings its own)."""

    _name = "smartbill.binder"
    _inherit = ["base.binder", "smartbill.base"]
