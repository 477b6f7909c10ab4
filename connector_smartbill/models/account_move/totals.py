# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's totals against the e-Factura's, to the ban, before a move is posted."""

from decimal import Decimal

from odoo import Command

from odoo.addons.component.core import Component

from .common import ban


class AccountMoveTotals(Component):
    _inherit = "smartbill.account.move.importer"

    def _align_ron_vat(self, move, doc):
        """SmartBill states the VAT in RON of a foreign document from its rounded VAT;
        Odoo converts unrounded amounts, a few bani apart. Book SmartBill's figure on the
        largest tax line, against the receivable (or payable) line. A larger gap is not a
        rounding: it is left for the totals check to report."""
        if doc.tax_amount_ron is None or move.company_currency_id.name != "RON":
            return
        gap = abs(doc.tax_amount_ron) - ban(abs(move.amount_tax_signed))
        taxes = move.line_ids.filtered(lambda line: line.display_type == "tax")
        terms = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
        if not gap or abs(gap) > Decimal("0.05") * len(taxes) or not taxes or not terms:
            return
        tax = max(taxes, key=lambda line: abs(line.balance))
        term = terms[0]
        direction = -1 if tax.balance < 0 else 1
        move.with_context(skip_invoice_sync=True, check_move_validity=False).write(
            {
                "line_ids": [
                    Command.update(tax.id, {"balance": tax.balance + direction * float(gap)}),
                    Command.update(term.id, {"balance": term.balance - direction * float(gap)}),
                ]
            }
        )

    def _book_stated_vat(self, binding, doc, use):
        """The legal document is the truth: where its VAT of a category and rate is not
        Odoo's rate x base (a few bani apart on some real documents), book the
        document's own on that tax's line, against the receivable (or payable), and
        record the difference on the binding."""
        move = binding.odoo_id
        stated = {}
        for subtotal in doc.tax_subtotals:
            key = (subtotal.category, subtotal.percent)
            stated[key] = stated.get(key, Decimal(0)) + abs(subtotal.tax_amount)
        term = move.line_ids.filtered(lambda line: line.display_type == "payment_term")[:1]
        commands, notes = [], []
        moved_currency = moved_balance = 0.0
        for (category, percent), amount in stated.items():
            tax = self.mapper._tax(doc, category, percent, use, self.options["non_deductible"])
            line = move.line_ids.filtered(lambda line, t=tax: line.tax_line_id == t)
            # no tax line (0 %) or a self-assessed pair (reverse charge): nothing stated
            gap = amount - ban(abs(line.amount_currency)) if len(line) == 1 else 0
            if not gap or not term:
                continue
            shift = float(gap) * (-1 if line.amount_currency < 0 else 1)
            balance = move.company_currency_id.round(shift * line.balance / line.amount_currency)
            moved_currency, moved_balance = moved_currency + shift, moved_balance + balance
            commands.append(
                Command.update(
                    line.id,
                    {
                        "amount_currency": line.amount_currency + shift,
                        "balance": line.balance + balance,
                    },
                )
            )
            notes.append(
                self.env._(
                    "VAT %(category)s %(percent)s %%: rate x base %(odoo)s, the document "
                    "states %(stated)s (%(gap)s): booked as stated",
                    category=category,
                    percent=f"{percent.normalize():f}",
                    odoo=f"{ban(abs(line.amount_currency)):.2f}",
                    stated=f"{amount:.2f}",
                    gap=f"{gap:+.2f}",
                )
            )
        if not commands:
            return
        commands.append(
            Command.update(
                term.id,
                {
                    "amount_currency": term.amount_currency - moved_currency,
                    "balance": term.balance - moved_balance,
                },
            )
        )
        move.with_context(skip_invoice_sync=True, check_move_validity=False).write(
            {"line_ids": commands}
        )
        binding.stated_vat_message = "\n".join(notes)

    def _check_totals(self, binding, doc, use):
        """Odoo's totals against the XML's, to the ban: equal -> the move to post (when
        the backend says so), different -> left in draft with both amounts and the
        difference."""
        move = binding.odoo_id
        if self.backend_record.book_stated_vat:
            self._book_stated_vat(binding, doc, use)
        self._align_ron_vat(move, doc)
        pairs = [
            (self.env._("untaxed"), move.amount_untaxed, doc.tax_exclusive_amount),
            (self.env._("VAT"), move.amount_tax, doc.tax_amount),
            (self.env._("total"), move.amount_total, doc.tax_inclusive_amount),
        ]
        if doc.tax_amount_ron is not None and move.company_currency_id.name == "RON":
            pairs.append((self.env._("VAT in RON"), move.amount_tax_signed, doc.tax_amount_ron))
        differences = [
            self.env._(
                "%(what)s: Odoo %(odoo)s, e-Factura %(xml)s, difference %(diff)s",
                what=what,
                odoo=f"{ban(abs(odoo)):.2f}",
                xml=f"{abs(xml):.2f}",
                diff=f"{ban(abs(odoo)) - abs(xml):+.2f}",
            )
            for what, odoo, xml in pairs
            if ban(abs(odoo)) != abs(xml)
        ]
        binding.write(
            {
                "totals_state": "mismatch" if differences else "ok",
                "totals_message": "\n".join(differences) or False,
            }
        )
        if not differences and self.backend_record.post_invoices and move.state == "draft":
            return move
        return move.browse()
