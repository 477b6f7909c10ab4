# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmartBillResPartner(models.Model):
    """A SmartBill client (``cus_...``) or supplier (``sup_...``). A company that is
    both has two bindings on one partner."""

    _name = "smartbill.res.partner"
    _inherit = "smartbill.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "SmartBill Partner"
    _smartbill_entity = "partners"

    odoo_id = fields.Many2one(
        "res.partner", "Partner", required=True, ondelete="cascade", index=True
    )
    partner_kind = fields.Selection(
        [("client", "Client"), ("supplier", "Supplier")],
        compute="_compute_partner_kind",
        store=True,
    )
    smartbill_code = fields.Char("SmartBill code")

    @api.depends("external_id")
    def _compute_partner_kind(self):
        for binding in self:
            binding.partner_kind = (
                "supplier" if (binding.external_id or "").startswith("sup_") else "client"
            )


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "smartbill.bound.mixin"]

    smartbill_bind_ids = fields.One2many(
        "smartbill.res.partner", "odoo_id", "SmartBill bindings", readonly=True
    )
    smartbill_vat_non_deductible = fields.Boolean(
        "VAT not deductible",
        help="Bills from this supplier use the non-deductible rows of the VAT mapping.",
    )
    smartbill_from_efactura = fields.Boolean(
        "Created from e-Factura",
        readonly=True,
        help="Created from an invoice's XML: SmartBill's partner list did not have it.",
    )
