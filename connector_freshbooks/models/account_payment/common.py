# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FreshBooksAccountPayment(models.Model):
    """A FreshBooks payment bound to an Odoo payment reconciled with its invoice, by
    FreshBooks' payment id: a second import never books it twice; a payment deleted in
    FreshBooks is un-reconciled and removed."""

    _name = "freshbooks.account.payment"
    _inherit = "freshbooks.binding"
    _inherits = {"account.payment": "odoo_id"}
    _description = "FreshBooks payment"
    _import_priority = 30
    _freshbooks_resource = "payments/payments"
    _sync_entity = "payments"
    _sync_label = "Payments"
    _webhook_noun = "payment"
    _oauth_scope = "user:payments:read"
    _import_together = True  # a page's payments created and posted together

    odoo_id = fields.Many2one("account.payment", "Payment", required=True, ondelete="restrict")
    invoice_binding_id = fields.Many2one(
        "freshbooks.account.move", "FreshBooks invoice", readonly=True, index=True
    )
    payment_type = fields.Char("FreshBooks type", readonly=True)
    overpayment_ref = fields.Char(
        "FreshBooks overpayment credit",
        readonly=True,
        index="btree_not_null",
        help="The credit FreshBooks made of this payment's excess over its invoice.",
    )

    def _known_hashes(self, backend):
        """Payments made from a credit are bound as credits applied."""
        return {
            **super()._known_hashes(backend),
            **self.env["freshbooks.credit.application"]._known_hashes(backend),
        }


class AccountPayment(models.Model):
    _inherit = "account.payment"

    freshbooks_bind_ids = fields.One2many(
        "freshbooks.account.payment", "odoo_id", "FreshBooks payments", readonly=True
    )
