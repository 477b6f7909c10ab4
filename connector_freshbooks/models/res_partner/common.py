# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.connector_accounting_base.jobs import identity_without_run

# what a FreshBooks client holds of a partner: a change of one of them is pushed
PUSHED = ("name", "email", "phone", "street", "city", "zip", "state_id", "country_id", "vat")


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
    _sync_entity = "clients"
    _sync_label = "Clients"
    _webhook_noun = "client"
    _oauth_scope = "user:clients:read"

    odoo_id = fields.Many2one("res.partner", "Partner", required=True, ondelete="restrict")


class ResPartner(models.Model):
    _inherit = "res.partner"

    freshbooks_bind_ids = fields.One2many(
        "freshbooks.res.partner", "odoo_id", "FreshBooks clients", readonly=True
    )
    freshbooks_push = fields.Boolean(
        "Sync to FreshBooks",
        help="Create and keep this customer as a client in FreshBooks (Odoo masters it).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._queue_freshbooks_push()
        return partners

    def write(self, vals):
        result = super().write(vals)
        if {"freshbooks_push", "customer_rank", *PUSHED} & set(vals):
            self._queue_freshbooks_push()
        return result

    def _queue_freshbooks_push(self):
        """A push job per partner and backend that masters it (a pending one is
        reused: identity key). What an import just wrote is not pushed back."""
        if self.env.context.get("connector_no_export"):
            return
        backends = self.env["freshbooks.backend"].sudo().search([("state", "=", "connected")])
        for partner in self.filtered(lambda p: not p.parent_id):
            for backend in backends:
                if backend._pushes(partner):
                    self.env["freshbooks.res.partner"].with_delay(
                        priority=15,
                        identity_key=identity_without_run,
                        description=f"FreshBooks: push {partner.display_name}",
                    ).export_partner(backend, partner, run=backend._open_run("clients", "push"))
