# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FreshBooksCreditApplication(models.Model):
    """A FreshBooks payment made from a client's credit (``from_credit``, ``creditid``;
    freshbooks.com/api/payments): no money came in that day, a credit was applied. It is
    booked as that: an entry moving the amount on the client's receivable from the credit
    (a credit note, a prepayment, or an overpayment's excess) to the invoice, reconciled
    with both, so each settles exactly what FreshBooks says it settles."""

    _name = "freshbooks.credit.application"
    _inherit = "freshbooks.binding"
    _inherits = {"account.move": "odoo_id"}
    _description = "FreshBooks credit applied"
    _import_priority = 30
    _freshbooks_resource = "payments/payments"

    odoo_id = fields.Many2one("account.move", "Entry", required=True, ondelete="restrict")
    invoice_binding_id = fields.Many2one(
        "freshbooks.account.move", "FreshBooks invoice", readonly=True, index=True
    )
    credit_ref = fields.Char("FreshBooks credit id", readonly=True, index=True)
    applied_amount = fields.Monetary("Applied", readonly=True)
