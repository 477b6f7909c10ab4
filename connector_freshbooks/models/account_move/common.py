# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.connector_accounting_base.api import ConnectorError

VIS_STATES = [("0", "Active"), ("1", "Deleted"), ("2", "Archived")]


class FreshBooksAccountMove(models.Model):
    """A FreshBooks invoice bound to an Odoo customer invoice. FreshBooks masters
    invoices once issued: a draft stays a draft in Odoo until FreshBooks marks it sent;
    an edit re-maps it; a deleted or archived invoice is cancelled (or flagged, when the
    lock dates keep it)."""

    _name = "freshbooks.account.move"
    _inherit = "freshbooks.binding"
    _inherits = {"account.move": "odoo_id"}
    _description = "FreshBooks invoice"
    _import_priority = 20
    _freshbooks_resource = "invoices/invoices"
    _sync_entity = "invoices"
    _sync_label = "Invoices"
    _webhook_noun = "invoice"
    _oauth_scope = "user:invoices:read"
    _freshbooks_lines = True
    _import_together = True  # nothing of an invoice waits for another of its page

    odoo_id = fields.Many2one("account.move", "Invoice", required=True, ondelete="restrict")
    invoice_number = fields.Char("FreshBooks number", readonly=True, index=True)
    freshbooks_status = fields.Char("FreshBooks status", readonly=True)
    vis_state = fields.Selection(VIS_STATES, "FreshBooks visibility", readonly=True)
    freshbooks_total = fields.Monetary("Total (FreshBooks)", readonly=True)
    freshbooks_outstanding = fields.Monetary("Outstanding (FreshBooks)", readonly=True)
    freshbooks_paid = fields.Monetary("Paid (FreshBooks)", readonly=True)

    def action_open_in_freshbooks(self):
        """The invoice as FreshBooks shows it, in a new tab: the link FreshBooks' API
        gives for it (``share_link``), asked for now and never stored, since anyone
        holding it can view the invoice."""
        self.ensure_one()
        try:
            link = self.backend_id._api_client().share_link(self.external_id)
        except ConnectorError as err:
            raise UserError(
                self.env._(
                    "FreshBooks did not give a link to invoice %(number)s: %(reason)s",
                    number=self.invoice_number or self.external_id,
                    reason=err,
                )
            ) from None
        return {"type": "ir.actions.act_url", "url": link, "target": "new"}


class AccountJournal(models.Model):
    _inherit = "account.journal"

    freshbooks_backend_id = fields.Many2one(
        "freshbooks.backend",
        "FreshBooks backend",
        readonly=True,
        index="btree_not_null",
        help="The moves of this journal are named by FreshBooks' numbers, not by a sequence.",
    )


class AccountMove(models.Model):
    _inherit = "account.move"

    freshbooks_bind_ids = fields.One2many(
        "freshbooks.account.move", "odoo_id", "FreshBooks invoices", readonly=True
    )

    # A FreshBooks journal's moves carry FreshBooks' numbers: no Odoo sequence, so no
    # date or format of a sequence to match.
    def _sequence_matches_date(self):
        if self.journal_id.freshbooks_backend_id:
            return True
        return super()._sequence_matches_date()

    def _must_check_constrains_date_sequence(self):
        if self.journal_id.freshbooks_backend_id:
            return False
        return super()._must_check_constrains_date_sequence()
