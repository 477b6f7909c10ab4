# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..account_move.common import VIS_STATES

CREDIT_TYPES = [
    ("goodwill", "Credit note"),
    ("prepayment", "Prepayment"),
    ("overpayment", "Overpayment"),
]


class FreshBooksCreditNote(models.Model):
    """A FreshBooks credit (freshbooks.com/api/credits) bound to what it is in Odoo: a
    credit note (``goodwill``) is a customer credit note under FreshBooks' number; a
    prepayment is money the client paid ahead, a customer payment left open. An
    overpayment credit is not booked here: the payment that made it holds the money
    (``freshbooks.account.payment``), its excess left open on the client."""

    _name = "freshbooks.credit.note"
    _inherit = "freshbooks.binding"
    _inherits = {"account.move": "odoo_id"}
    _description = "FreshBooks credit"
    _import_priority = 25
    _freshbooks_resource = "credit_notes/credit_notes"
    _sync_entity = "credit_notes"
    _sync_label = "Credit notes"
    _webhook_noun = "credit_note"
    _oauth_scope = "user:credit_notes:read"
    _freshbooks_lines = True

    odoo_id = fields.Many2one("account.move", "Move", required=True, ondelete="restrict")
    credit_number = fields.Char("FreshBooks number", readonly=True, index=True)
    credit_type = fields.Selection(CREDIT_TYPES, readonly=True)
    vis_state = fields.Selection(VIS_STATES, "FreshBooks visibility", readonly=True)
    freshbooks_total = fields.Monetary("Total (FreshBooks)", readonly=True)

    def _ignored(self, record):
        """An overpayment credit is the excess of a payment, booked with it."""
        return record.get("credit_type") == "overpayment"


class AccountMove(models.Model):
    _inherit = "account.move"

    freshbooks_credit_ids = fields.One2many(
        "freshbooks.credit.note", "odoo_id", "FreshBooks credits", readonly=True
    )
