# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FreshBooksWebhook(models.Model):
    """A callback registered at FreshBooks for a backend: one per noun (client,
    invoice, payment), its verifier (the key of every delivery's signature) kept in the
    vault once FreshBooks accepted it back."""

    _name = "freshbooks.webhook"
    _inherit = "connector.vault.mixin"
    _description = "FreshBooks webhook"
    _order = "backend_id, event"
    _vault_secrets = {"verifier": "verifier_secret", "pending_verifier": "pending_secret"}

    backend_id = fields.Many2one(
        "freshbooks.backend", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    callback_id = fields.Integer("FreshBooks callback id", required=True, readonly=True)
    event = fields.Char(required=True, readonly=True, help="A noun (invoice) or an event.")
    uri = fields.Char("URI", readonly=True)
    verified = fields.Boolean(readonly=True)
    verifier_secret = fields.Char(groups="base.group_system", copy=False)
    pending_secret = fields.Char(groups="base.group_system", copy=False)

    _callback_uniq = models.Constraint(
        "unique(backend_id, callback_id)", "A FreshBooks callback is registered once."
    )
