# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The values of a move from its e-Factura document: header, journal and legal number,
lines, discounts, taxes and rate. Integrators change how a document is booked here."""

from decimal import Decimal

from odoo import Command

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping
from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError

# UN/ECE Recommendation 20 unit codes -> Odoo units
UNIT_CODES = {
    "H87": "uom.product_uom_unit",
    "C62": "uom.product_uom_unit",
    "EA": "uom.product_uom_unit",
    "XPP": "uom.product_uom_unit",
    "SET": "uom.product_uom_unit",
    "MON": "uom.product_uom_unit",
    "KGM": "uom.product_uom_kgm",
    "GRM": "uom.product_uom_gram",
    "LTR": "uom.product_uom_litre",
    "MTR": "uom.product_uom_meter",
    "MTK": "uom.product_uom_square_meter",
    "MTQ": "uom.product_uom_cubic_meter",
    "HUR": "uom.product_uom_hour",
    "DAY": "uom.product_uom_day",
    "KMT": "uom.product_uom_km",
    "TNE": "uom.product_uom_ton",
    "DZN": "uom.product_uom_dozen",
    "MMT": "uom.product_uom_millimeter",
    "CMT": "uom.product_uom_cm",
    "MLT": "uom.product_uom_milliliter",
    "ONZ": "uom.product_uom_oz",
    "LBR": "uom.product_uom_lb",
    "INH": "uom.product_uom_inch",
    "FOT": "uom.product_uom_foot",
    "YRD": "uom.product_uom_yard",
    "SMI": "uom.product_uom_mile",
    "FTK": "uom.product_uom_square_foot",
    "GLL": "uom.product_uom_gal",
}
MOVE_TYPES = {
    ("sale", False): "out_invoice",
    ("sale", True): "out_refund",
    ("purchase", False): "in_invoice",
    ("purchase", True): "in_refund",
}


class AccountMoveImportMapper(Component):
    """Map an e-Factura document (the parsed XML) to its move. What the move points to
    is found or made by the importer first and given as options
    (``map_record.values(**options)``): ``use`` ("sale" or "purchase"), ``external_id``,
    ``document`` (its smartbill.document), ``partner``, ``bank`` (a bill's IBAN as the
    supplier's account), ``non_deductible`` (the supplier's VAT is not deductible),
    ``series`` (of a document of the company's own), ``currency``, ``credited`` (the
    external id of the invoice a credit note credits) and ``original`` (its binding, once
    imported). Lookups are shared by the documents of a job (its work's ``lookups``)."""

    _name = "smartbill.account.move.import.mapper"
    _inherit = "smartbill.import.mapper"
    _apply_on = "smartbill.account.move"

    @mapping
    def header(self, doc):
        options = self.options
        purchase = options.use == "purchase"
        return {
            "company_id": self.backend_record.company_id.id,
            "move_type": self._move_type(doc),
            "partner_id": options.partner.id,
            "partner_bank_id": options.bank.id,
            "invoice_date": doc.issue_date,
            "invoice_date_due": doc.due_date or doc.issue_date,
            "currency_id": options.currency.id,
            "narration": "\n".join(doc.notes) or False,
            "ref": doc.id if purchase else (doc.order_ref or False),
            "contract_ref": doc.contract_ref,
            "order_ref": doc.order_ref,
            "reversed_entry_id": options.original.odoo_id.id,
            "credited_ref": options.credited,
            "stated_vat_message": False,
            "document_id": options.document.id,
        }

    @mapping
    def smartbill_ids(self, doc):
        purchase = self.options.use == "purchase"
        return {
            "x_smartbill_id": self.options.external_id,
            "x_smartbill_series": doc.series,
            "x_smartbill_number": doc.number,
            "x_smartbill_company_vat_code": self.backend_record.company_vat_code,
            "x_smartbill_partner_vat_code": doc.issuer_code if purchase else False,
        }

    @mapping
    def journal(self, doc):
        """A document of the company's own is named with its legal number, in its
        series' journal."""
        series = self.options.series
        if not series:
            return {"journal_id": self._default_journal(self.options.use).id}
        journal = self._legal_journal(series, doc)
        return {"journal_id": journal.id, "name": doc.id, "payment_reference": doc.id}

    @mapping
    def lines(self, doc):
        # a storno invoice (380 with negative amounts) is a credit note with positive ones
        sign = -1 if doc.payable_amount < 0 and not doc.is_credit_note else 1
        analytic = self.options.series.workpoint_id.analytic_account_id
        lines = [
            values for line in doc.lines for values in self._line_values(doc, line, sign, analytic)
        ]
        lines += [
            self._allowance_values(doc, f"{doc.id}/A{index}", allowance, sign, analytic)
            for index, allowance in enumerate(doc.allowances, start=1)
        ]
        return {"invoice_line_ids": [Command.create(values) for values in lines]}

    @mapping
    def rate(self, doc):
        """Odoo's per-invoice rate (document currency per company currency unit) from the
        RON rate SmartBill used, so company-currency amounts are SmartBill's book values."""
        company_currency = self.backend_record.company_id.currency_id
        if doc.currency == company_currency.name or company_currency.name != "RON":
            return None
        if not doc.exchange_rate:
            raise InvalidRecordError(
                self.env._(
                    "Document %(doc)s in %(currency)s states no exchange rate and no VAT in "
                    "RON.",
                    doc=doc.id,
                    currency=doc.currency,
                )
            )
        return {"invoice_currency_rate": float(1 / doc.exchange_rate)}

    def _move_type(self, doc):
        return MOVE_TYPES[self.options.use, doc.is_refund]

    def _legal_journal(self, series, doc):
        """The journal where ``doc`` is named with its legal number: its series' own, or
        the series' second journal when a document of the other kind (an invoice and a
        credit note numbered alike) has that number there. A number that a document of
        the same kind already has is refused, naming that document."""
        own = self.binder_for().to_internal(self.options.external_id).odoo_id
        journal = series.journal_id or self._default_journal("sale")
        holder = self._holder_of_name(journal, doc.id, own)
        refund = self._move_type(doc).endswith("_refund")
        if holder and holder.move_type.endswith("_refund") != refund:
            journal = series._second_journal()
            holder = self._holder_of_name(journal, doc.id, own)
        if holder:
            raise InvalidRecordError(
                self.env._(
                    "Document %(doc)s cannot be booked under its legal number: %(move)s "
                    "of %(partner)s, dated %(date)s, total %(total)s %(currency)s, already "
                    "has the number %(doc)s in the journal %(journal)s.",
                    doc=doc.id,
                    move=holder.type_name,
                    partner=holder.partner_id.display_name,
                    date=holder.invoice_date,
                    total=f"{holder.amount_total:.2f}",
                    currency=holder.currency_id.name,
                    journal=journal.display_name,
                )
            )
        return journal

    def _holder_of_name(self, journal, name, own):
        """The posted move other than ``own`` named ``name`` in ``journal``."""
        return self.env["account.move"].search(
            [
                ("journal_id", "=", journal.id),
                ("name", "=", name),
                ("state", "=", "posted"),
                ("id", "!=", own.id),
            ],
            limit=1,
        )

    def _line_values(self, doc, line, sign, analytic):
        """The invoice line, and one line per line allowance or charge, so that each
        amount is the XML's to the ban."""
        quantity, price = line.quantity * sign, line.price_per_unit
        # the line's amount before its allowances and charges, as the XML states it
        gross = (
            line.line_amount
            + sum(a.amount for a in line.allowances if not a.is_charge)
            - sum(a.amount for a in line.allowances if a.is_charge)
        ) * sign
        label = line.name if not line.description else f"{line.name}\n{line.description}"
        uom = self._uom(line.unit_code)
        if not uom:  # a unit Odoo has not: the amounts are the document's all the same
            label, uom = f"{label} [{line.unit_code}]", self.env.ref("uom.product_uom_unit")
        precision = self.env["decimal.precision"].precision_get
        if (
            round(price, precision("Product Price")) != price
            or round(line.quantity, precision("Product Unit")) != line.quantity
            or abs(line.quantity * price) != abs(gross)
        ):
            # Odoo would round the unit price or the quantity (0.043 t), or add up
            # unrounded line amounts where EN 16931 rounds each line: book the line's
            # exact amount as one unit, with its real quantity and price in the label
            label = f"{label}\n{line.quantity} x {price}"
            quantity, price = Decimal(1 if gross >= 0 else -1), abs(gross)
        common = {
            "tax_ids": [Command.set(self._line_tax(doc, line.tax_category, line.tax_percent).ids)],
            "analytic_distribution": {str(analytic.id): 100} if analytic else False,
        }
        values = [
            {
                **common,
                "name": label,
                "product_id": self._product(line.seller_item_code).id,
                "product_uom_id": uom.id,
                "quantity": float(quantity),
                "price_unit": float(price),
                "x_smartbill_line_id": f"{doc.id}/{line.id}",
            }
        ]
        for index, allowance in enumerate(line.allowances, start=1):
            values.append(
                {
                    **common,
                    "name": allowance.reason or self.env._("Discount: %s", line.name),
                    "quantity": float(sign),
                    "price_unit": float(
                        allowance.amount if allowance.is_charge else -allowance.amount
                    ),
                    "x_smartbill_line_id": f"{doc.id}/{line.id}/A{index}",
                }
            )
        return values

    def _allowance_values(self, doc, line_id, allowance, sign, analytic):
        """A document-level allowance (discount) or charge as a line of its own."""
        tax = self._line_tax(doc, allowance.tax_category or "S", allowance.tax_percent or 0)
        return {
            "name": allowance.reason or self.env._("Discount"),
            "quantity": float(sign),
            "price_unit": float(allowance.amount if allowance.is_charge else -allowance.amount),
            "tax_ids": [Command.set(tax.ids)],
            "analytic_distribution": {str(analytic.id): 100} if analytic else False,
            "x_smartbill_line_id": line_id,
        }

    # -- lookups -----------------------------------------------------------------------------
    def _lookup(self, key, find):
        """``find()``, once per ``key`` for the documents of a job."""
        lookups = self.work.lookups
        if key not in lookups:
            lookups[key] = find()
        return lookups[key]

    def _tax(self, doc, category, percent, use, non_deductible):
        """The Odoo tax of a VAT category and rate on ``doc``'s date (the VAT mapping)."""
        return self._lookup(
            ("tax", doc.issue_date, category, percent, use, non_deductible),
            lambda: self.env["smartbill.tax.map"].tax_for(
                self.backend_record,
                doc.issue_date,
                percent,
                use=use,
                category=category,
                non_deductible=non_deductible,
            ),
        )

    def _line_tax(self, doc, category, percent):
        """The tax of one of ``doc``'s lines, for its direction and supplier."""
        return self._tax(doc, category, percent, self.options.use, self.options.non_deductible)

    def _uom(self, code):
        """The Odoo unit of a UN/ECE unit code, none for a code Odoo has no unit of."""
        xmlid = UNIT_CODES.get(code)
        uom = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
        return uom or self.env["uom.uom"]

    def _product(self, code):
        """The company's own product by the seller's item code (a supplier's codes are
        not ours)."""
        if not code or self.options.use != "sale":
            return self.env["product.product"]
        return self._lookup(
            ("product", code),
            lambda: self.env["product.product"].search(
                [
                    ("default_code", "=", code),
                    ("company_id", "in", [False, self.backend_record.company_id.id]),
                ],
                limit=1,
            ),
        )

    def _default_journal(self, use):
        return self.env["account.journal"].search(
            [("type", "=", use), ("company_id", "=", self.backend_record.company_id.id)],
            limit=1,
        )
