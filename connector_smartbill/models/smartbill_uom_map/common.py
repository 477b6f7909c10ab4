# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError


class SmartBillUomMap(models.Model):
    """SmartBill's unit names (``buc``, ``kg``, ``ora``...) -> Odoo units."""

    _name = "smartbill.uom.map"
    _description = "SmartBill Unit Mapping"
    _order = "name"

    name = fields.Char("SmartBill unit", required=True, help="As SmartBill writes it, e.g. buc.")
    uom_id = fields.Many2one("uom.uom", "Odoo unit", required=True, ondelete="restrict")

    _name_uniq = models.Constraint("unique(name)", "This SmartBill unit is already mapped.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name"):
                vals["name"] = vals["name"].strip().lower()
        return super().create(vals_list)

    @api.model
    @api.private
    def uom_for(self, unit_name):
        """The Odoo unit of SmartBill unit ``unit_name``; an unknown unit stops the
        record with a message naming it."""
        key = (unit_name or "").strip().lower()
        mapping = self.search([("name", "=", key)], limit=1)
        if not mapping:
            raise InvalidRecordError(
                self.env._(
                    "SmartBill unit %(unit)r has no Odoo unit: add it in SmartBill > "
                    "Configuration > Units.",
                    unit=unit_name,
                )
            )
        return mapping.uom_id
