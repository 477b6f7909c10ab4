# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ...efactura import EFacturaError


class SmartBillDocument(models.Model):
    """What a document states (read once from its XML: date, party, currency, totals)
    and how it compares with its move in Odoo, as the reconciliation last saw it."""

    _inherit = "smartbill.document"

    issue_date = fields.Date(readonly=True, index=True)
    direction = fields.Selection(
        [("sale", "Issued"), ("purchase", "Received")], readonly=True, index=True
    )
    group_key = fields.Char(
        "Series or supplier",
        readonly=True,
        help="The series of an invoice the company issued, the supplier's VAT code of a bill.",
    )
    party_name = fields.Char("Supplier or series", readonly=True)
    currency_code = fields.Char("Currency", readonly=True)
    is_refund = fields.Boolean("Credit note", readonly=True)
    xml_untaxed = fields.Float("Untaxed (XML)", digits=(16, 2), readonly=True)
    xml_tax = fields.Float("VAT (XML)", digits=(16, 2), readonly=True)
    xml_total = fields.Float(
        "Total (XML)",
        digits=(16, 2),
        readonly=True,
        help="The XML's total with tax, negative for a credit note: as in the reconciliation.",
    )
    reconciliation_id = fields.Many2one(
        "smartbill.reconciliation", readonly=True, index=True, ondelete="set null"
    )
    reconcile_state = fields.Selection(
        [
            ("ok", "Reconciled"),
            ("different", "Differs in Odoo"),
            ("missing", "Not in Odoo"),
            ("copy", "Another file of the same document"),
        ],
        readonly=True,
    )
    reconcile_message = fields.Text(readonly=True)

    @api.private
    def read_facts(self):
        """Read the facts of these documents that have an XML and none yet; a file that
        cannot be read keeps none (its failure says why)."""
        for document in self.filtered(lambda d: d.attachment_id and not d.issue_date):
            try:
                doc = document._parse()
            except EFacturaError:
                continue
            direction = document.backend_id._direction_of(doc)
            sign = -1 if doc.is_refund else 1
            document.write(
                {
                    "issue_date": doc.issue_date,
                    "direction": direction,
                    "group_key": doc.series if direction == "sale" else doc.issuer_code,
                    "party_name": doc.series if direction == "sale" else doc.seller.name,
                    "currency_code": doc.currency,
                    "is_refund": doc.is_refund,
                    "xml_untaxed": sign * abs(doc.tax_exclusive_amount),
                    "xml_tax": sign * abs(doc.tax_amount),
                    "xml_total": sign * abs(doc.tax_inclusive_amount),
                }
            )
