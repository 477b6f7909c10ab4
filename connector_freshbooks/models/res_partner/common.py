# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FreshBooksResPartner(models.Model):
    """A FreshBooks client bound to an Odoo partner. Odoo masters customers: a client
    is created in Odoo from FreshBooks once, or bound to the partner it already is;
    later changes made in FreshBooks do not overwrite Odoo's partner."""

    _name = "freshbooks.res.partner"
    _inherit = "freshbooks.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "FreshBooks client"
    _import_priority = 10
    _freshbooks_resource = "users/clients"
    _freshbooks_entity = "clients"

    odoo_id = fields.Many2one("res.partner", "Partner", required=True, ondelete="restrict")


class ResPartner(models.Model):
    _inherit = "res.partner"

    freshbooks_bind_ids = fields.One2many(
        "freshbooks.res.partner", "odoo_id", "FreshBooks clients", readonly=True
    )
