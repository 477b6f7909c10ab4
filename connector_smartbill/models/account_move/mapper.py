# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The values of a move from its e-Factura document: header, lines, discounts, taxes,
partner, currency and rate. Integrators change how a document is booked here (the
importer's ``_move_values`` and the lookups it calls)."""

from decimal import Decimal

from odoo import Command

from odoo.addons.component.core import Component
from odoo.addons.connector_accounting_base.components.importer import retry_unique_violation
from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError

from ...components.mapper import country_for, state_for
from ..smartbill_series.common import WITHOUT_SERIES

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


class AccountMoveValues(Component):
    _inherit = "smartbill.account.move.importer"

    # -- values ------------------------------------------------------------------------------
    def _move_values(self, doc, use):
        backend = self.backend_record
        partner = self._partner(doc.buyer if use == "sale" else doc.seller)
        self._non_deductible = use == "purchase" and partner.smartbill_vat_non_deductible
        # a storno invoice (380 with negative amounts) is a credit note with positive ones
        sign = -1 if doc.payable_amount < 0 and not doc.is_credit_note else 1
        series = self._series(doc, use)
        move_type = MOVE_TYPES[use, doc.is_refund]
        journal = self._legal_journal(series, doc, move_type) if series else None
        analytic = series.workpoint_id.analytic_account_id
        lines = [
            values
            for line in doc.lines
            for values in self._line_values(doc, line, sign, use, analytic)
        ]
        lines += [
            self._allowance_values(doc, f"{doc.id}/A{index}", allowance, sign, use, analytic)
            for index, allowance in enumerate(doc.allowances, start=1)
        ]
        values = {
            "backend_id": backend.id,
            "company_id": backend.company_id.id,
            "move_type": move_type,
            "partner_id": partner.id,
            "partner_bank_id": self._supplier_bank(partner, doc).id if use == "purchase" else False,
            "invoice_date": doc.issue_date,
            "invoice_date_due": doc.due_date or doc.issue_date,
            "currency_id": self._currency(doc.currency).id,
            "journal_id": (journal or self._default_journal(use)).id,
            "narration": "\n".join(doc.notes) or False,
            "ref": doc.id if use == "purchase" else (doc.order_ref or False),
            "invoice_line_ids": [Command.create(v) for v in lines],
            "x_smartbill_id": self.external_id,
            "x_smartbill_series": doc.series,
            "x_smartbill_number": doc.number,
            "x_smartbill_company_vat_code": backend.company_vat_code,
            "x_smartbill_partner_vat_code": doc.issuer_code if use == "purchase" else False,
            "contract_ref": doc.contract_ref,
            "order_ref": doc.order_ref,
            "reversed_entry_id": self._original().odoo_id.id,
            "credited_ref": self.credited,
            "stated_vat_message": False,
        }
        if series:  # the legal number, in the series' own journal
            values.update(name=doc.id, payment_reference=doc.id)
        rate = self._company_rate(doc)
        if rate:
            values["invoice_currency_rate"] = rate
        return values

    def _series(self, doc, use):
        """The series of a document of the company's own (a bill's series is its
        supplier's), with its journal; made when SmartBill's list did not have it yet. A
        legal number with no series letters is in the series ``WITHOUT_SERIES``."""
        series = self.env["smartbill.series"]
        if use != "sale":
            return series
        backend = self.backend_record
        name = doc.series or WITHOUT_SERIES
        series = backend.series_ids.filtered(lambda s: s.name == name)[:1]
        if not series:
            with retry_unique_violation():
                series = series.create(
                    {
                        "backend_id": backend.id,
                        "external_id": name,
                        "name": name,
                        "series_type": "f",
                    }
                )
        series._ensure_journal()
        return series

    def _legal_journal(self, series, doc, move_type):
        """The journal where ``doc`` is named with its legal number: its series' own, or
        the series' second journal when a document of the other kind (an invoice and a
        credit note numbered alike) has that number there. A number that a document of
        the same kind already has is refused, naming that document."""
        own = self.binder.to_internal(self.external_id).odoo_id
        journal = series.journal_id or self._default_journal("sale")
        holder = self._holder_of_name(journal, doc.id, own)
        if holder and holder.move_type.endswith("_refund") != move_type.endswith("_refund"):
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

    def _line_values(self, doc, line, sign, use, analytic):
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
            "tax_ids": [Command.set(self._tax(doc, line.tax_category, line.tax_percent, use).ids)],
            "analytic_distribution": {str(analytic.id): 100} if analytic else False,
        }
        values = [
            {
                **common,
                "name": label,
                "product_id": self._product(line.seller_item_code, use).id,
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

    def _allowance_values(self, doc, line_id, allowance, sign, use, analytic):
        """A document-level allowance (discount) or charge as a line of its own."""
        tax = self._tax(doc, allowance.tax_category or "S", allowance.tax_percent or 0, use)
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
        """``find()``, once per ``key`` for the documents of a page."""
        if key not in self._lookups:
            self._lookups[key] = find()
        return self._lookups[key]

    def _tax(self, doc, category, percent, use):
        return self._lookup(
            ("tax", doc.issue_date, category, percent, use, self._non_deductible),
            lambda: self.env["smartbill.tax.map"].tax_for(
                self.backend_record,
                doc.issue_date,
                percent,
                use=use,
                category=category,
                non_deductible=self._non_deductible,
            ),
        )

    def _uom(self, code):
        """The Odoo unit of a UN/ECE unit code, none for a code Odoo has no unit of."""
        xmlid = UNIT_CODES.get(code)
        uom = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
        return uom or self.env["uom.uom"]

    def _product(self, code, use):
        """The company's own product by the seller's item code (a supplier's codes are
        not ours)."""
        if not code or use != "sale":
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

    def _partner(self, party):
        """The SmartBill partner with this CUI, an Odoo partner with this VAT, else a new
        partner flagged "created from e-Factura"."""
        company = self.backend_record.company_id
        partners = self.env["res.partner"].with_context(active_test=False)
        if party.cui or party.vat:
            partner = partners._smartbill_find(company, party.cui, party.vat)
        else:  # a private person: by name
            partner = partners.search(
                [
                    ("name", "=", party.name),
                    ("vat", "=", False),
                    ("parent_id", "=", False),
                    ("company_id", "in", [False, company.id]),
                ],
                order="id",
                limit=1,
            )
        if partner:
            return partner
        country = country_for(self.env, party.country)
        return partners.with_context(no_vat_validation=True).create(
            {
                "name": party.name,
                "vat": party.vat or False,
                "is_company": bool(party.vat),
                "company_registry": party.registration or False,
                "street": party.street or False,
                "city": party.city or False,
                "country_id": country.id,
                "state_id": state_for(self.env, country, party.county).id,
                "email": party.email or False,
                "phone": party.phone or False,
                "smartbill_from_efactura": True,
            }
        )

    def _supplier_bank(self, partner, doc):
        """The supplier's IBAN from the bill, as its bank account."""
        if not doc.payee_ibans:
            return self.env["res.partner.bank"]
        return partner._smartbill_bank_account(doc.payee_ibans[0])

    def _currency(self, code):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if not currency:
            raise InvalidRecordError(self.env._("Unknown currency %s.", code))
        if not currency.active:
            currency.active = True
        return currency

    def _company_rate(self, doc):
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
        return float(1 / doc.exchange_rate)

    def _default_journal(self, use):
        return self.env["account.journal"].search(
            [("type", "=", use), ("company_id", "=", self.backend_record.company_id.id)],
            limit=1,
        )
