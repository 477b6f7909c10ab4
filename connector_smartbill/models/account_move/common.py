# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import ROUND_HALF_UP, Decimal

from odoo import fields, models
from odoo.tools.sql import create_index

CENT = Decimal("0.01")


def ban(value):
    """``value`` (an Odoo float) to the ban, as a Decimal."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class SmartBillAccountMove(models.Model):
    """An invoice, credit note or vendor bill imported from its e-Factura XML.

    ``external_id``: the document's series and number (``FCT0023``) for the company's
    own documents; the supplier's VAT code, a slash and the number for bills, since two
    suppliers can use the same series and number; ``/381`` after either for a credit
    note, which a supplier may number apart from its invoices.
    """

    _name = "smartbill.account.move"
    _inherit = "smartbill.binding"
    _inherits = {"account.move": "odoo_id"}
    _description = "SmartBill Invoice"

    odoo_id = fields.Many2one(
        "account.move", "Journal entry", required=True, ondelete="cascade", index=True
    )
    document_id = fields.Many2one("smartbill.document", "e-Factura file", readonly=True)
    totals_state = fields.Selection(
        [("ok", "Equal to the e-Factura"), ("mismatch", "Differs from the e-Factura")],
        "Totals",
        readonly=True,
    )
    totals_message = fields.Text("Totals difference", readonly=True)
    stated_vat_message = fields.Text(
        "VAT as stated",
        readonly=True,
        help="The document's VAT differs from rate x base: the move carries the "
        "document's own (backend setting *Book the VAT the document states*).",
    )
    review_message = fields.Text(
        "To review",
        readonly=True,
        help="SmartBill re-issued this posted document with other content.",
    )
    credited_ref = fields.Char(
        "Credits",
        readonly=True,
        index="btree_not_null",
        help="The invoice this credit note refers to (its e-Factura billing reference): "
        "linked to it once both are imported, whichever comes first.",
    )
    contract_ref = fields.Char("Contract", readonly=True)
    order_ref = fields.Char("Order", readonly=True)


class AccountMove(models.Model):
    _inherit = "account.move"

    smartbill_bind_ids = fields.One2many(
        "smartbill.account.move", "odoo_id", "SmartBill bindings", readonly=True
    )
    x_smartbill_id = fields.Char("SmartBill ID", readonly=True, copy=False, index=True)
    x_smartbill_series = fields.Char("SmartBill series", readonly=True, copy=False)
    x_smartbill_number = fields.Char("SmartBill number", readonly=True, copy=False)
    x_smartbill_company_vat_code = fields.Char(
        "SmartBill company CIF", readonly=True, copy=False, index=True
    )
    x_smartbill_partner_vat_code = fields.Char(
        "Issuer VAT code", readonly=True, copy=False, help="For bills: the supplier's."
    )

    # One document, one move, whatever the source or the timing: x_smartbill_id is the
    # company's own series and number, or the supplier's VAT code and number for bills,
    # with the kind (an invoice and a credit note with one number are two documents)
    _smartbill_document_uniq = models.UniqueIndex(
        "(company_id, x_smartbill_company_vat_code, x_smartbill_id)"
        " WHERE x_smartbill_id IS NOT NULL",
        "This SmartBill document is already in Odoo.",
    )

    def _sequence_matches_date(self):
        # A customer document's name is its legal number as SmartBill issued it, not a
        # number of Odoo's sequence: a year in it (2022-0001 issued in 2023) is the
        # issuer's, and Odoo must neither refuse it nor rename the document.
        if self.x_smartbill_id and self.is_sale_document():
            return True
        return super()._sequence_matches_date()

    def init(self):
        res = super().init()
        # a bill from SPV is first looked for by l10n_ro_edi's upload index (see
        # _bind_existing_bill), which l10n_ro_edi does not index
        if "l10n_ro_edi_index" in self._fields:
            create_index(
                self.env.cr,
                "account_move_smartbill_l10n_ro_edi_index",
                self._table,
                ["l10n_ro_edi_index"],
                where="l10n_ro_edi_index IS NOT NULL",
            )
        return res


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    x_smartbill_line_id = fields.Char(
        "SmartBill line", readonly=True, copy=False, help="Document and line id: FCT0023/1."
    )
