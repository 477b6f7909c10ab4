# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invoices, credit notes and vendor bills from their e-Factura XML.

Amounts are built from the XML's own figures, never from Odoo's UBL import: unit prices
keep every decimal, VAT comes from the VAT mapping (category, rate and date), foreign
documents keep the rate SmartBill used, and Odoo's totals are checked against the XML
to the ban before a document is posted.
"""

import logging
from collections import namedtuple
from decimal import ROUND_HALF_UP, Decimal

from odoo import Command

from odoo.addons.component.core import Component

from ...api import SmartBillError
from ...components.importer import retry_unique_violation
from ...components.mapper import country_for, state_for
from ...efactura import EFacturaError, parse
from ...efactura.source import DocumentFolder
from ...exceptions import InvalidRecordError
from ...jobs import JobOutcome, import_each

_logger = logging.getLogger(__name__)

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
}
# which SmartBill 0 % rate a UBL VAT category stands for
CATEGORY_TAX_NAMES = {"AE": "Taxare inversa", "Z": "SDD", "E": "SFDD"}
MOVE_TYPES = {
    ("sale", False): "out_invoice",
    ("sale", True): "out_refund",
    ("purchase", False): "in_invoice",
    ("purchase", True): "in_refund",
}
CENT = Decimal("0.01")
# a document of a page mapped to its new move's values, created with the page's others
NewDocument = namedtuple("NewDocument", "importer document doc use values")


def ban(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class AccountMoveAdapter(Component):
    """The documents' sources: the backend's e-Factura web folder, and SmartBill's V1
    API for what it has of an invoice (its PDF)."""

    _name = "smartbill.account.move.adapter"
    _inherit = "smartbill.adapter"
    _apply_on = "smartbill.account.move"

    @property
    def folder(self):
        return DocumentFolder(self.backend_record.efactura_source_url)

    def search(self, since=None, until=None):
        """Names of the folder's documents issued between ``since`` and ``until``."""
        return self.folder.list(since=since, until=until)

    def read(self, external_id):  # pylint: disable=method-required-super
        """The content of the folder's document ``external_id`` (a file name)."""
        return self.folder.download(external_id)

    def invoice_pdf(self, series, number):
        return self.v1.invoice_pdf(series, number)


class AccountMoveImporter(Component):
    _name = "smartbill.account.move.importer"
    _inherit = "smartbill.record.importer"
    _apply_on = "smartbill.account.move"

    def __init__(self, work_context):
        super().__init__(work_context)
        self._non_deductible = False  # the supplier's VAT is not deductible
        self.error_class = None  # why the document could not be imported
        self._lookups = {}  # taxes and products found, shared by the documents of a page
        self.credited = None  # the external id of the invoice a credit note credits

    def run_document(self, document):
        """Import ``document`` (a smartbill.document). A document that cannot be
        imported is marked failed with the reason, and nothing of it is written."""
        try:
            with self.env.cr.savepoint():
                message = self._import_document(document)
        except (EFacturaError, InvalidRecordError) as err:
            document.write({"state": "failed", "message": str(err)})
            self.status, self.error_class = "failed", type(err).__name__
            return f"{document.name}: {err}"
        return message

    def run_documents(self, documents):
        """Import a page of documents: each is read, checked and mapped in its own
        savepoint (:func:`...jobs.import_each`), then the new moves are created together
        (Odoo batches their lines, taxes and recomputations), checked and posted. Returns
        the counts and the documents to import alone: those that failed here (rolled
        back), and every new one if creating them together failed."""
        new = []

        def import_one(document):
            importer = self.component(usage="record.importer")
            importer._lookups = self._lookups
            text = importer._import_document(document, new=new)
            if importer.status == "new":
                return JobOutcome("")  # counted once created
            return JobOutcome.of_status(text, importer.status)

        counts, alone = import_each(self.env.cr, documents, import_one)
        if new:
            try:
                with self.env.cr.savepoint():
                    self._create_new(new)
                counts["created"] += len(new)
            except Exception as err:  # noqa: BLE001 - their own jobs report it
                _logger.info("%s new documents go to their own jobs: %s", len(new), err)
                alone += [item.document for item in new]
        return counts, alone

    def _create_new(self, new):
        model = self.model.with_context(**self._create_context())
        bindings = model.create([item.values for item in new])
        to_post = self.env["account.move"]
        for item, binding in zip(new, bindings, strict=True):
            item.importer.status = "created"
            to_post |= item.importer._finish(item, binding)
        self._post(to_post)

    # -- the flow ----------------------------------------------------------------------
    def _import_document(self, document, new=None):
        """Import ``document``; with ``new`` (a page's list), a document to create is
        only mapped and appended to ``new`` (status "new"), for ``_create_new``."""
        backend = self.backend_record
        doc = parse(document.xml(), backend.series_ids.mapped("name"))
        use = self._direction(doc)
        issuer = doc.seller
        if use == "purchase" and not (issuer.vat or issuer.cui):
            raise InvalidRecordError(
                self.env._(
                    "Bill %(doc)s: the supplier %(name)s states no VAT number or CUI; an "
                    "e-Factura bill must name its supplier's.",
                    doc=doc.id,
                    name=issuer.name,
                )
            )
        self.external_id = self._external_id(doc.id, doc, use)
        self.credited = self._credited(doc, use)
        document.document_ref = doc.id
        for lock in self._lock_names():
            self.advisory_lock_or_retry(lock)
        binding = self.binder.to_internal(self.external_id)
        if not binding:
            self._check_not_created_meanwhile()
            binding = self._bind_existing_bill(doc, document) if use == "purchase" else binding
        if binding and binding.payload_hash == document.sha256:
            self.status = "unchanged"
        elif binding and binding.state != "draft":
            binding.review_message = self.env._(
                "SmartBill sent %(file)s with other content for this posted document: "
                "review it; it was not changed.",
                file=document.name,
            )
            self.status = "review"
        else:
            values = self._move_values(doc, use)
            values["payload_hash"] = document.sha256
            values["document_id"] = document.id
            item = NewDocument(self, document, doc, use, values)
            if not binding and new is not None:
                self.status = "new"
                new.append(item)
                return None
            with retry_unique_violation():
                if binding:
                    binding.invoice_line_ids.unlink()
                    binding.write(values)
                    self.status = "updated"
                else:
                    binding = self.model.with_context(**self._create_context()).create(values)
                    self.status = "created"
            self._post(self._finish(item, binding))
            return f"{doc.id} {self.status}: {binding.display_name}"
        document.write({"state": "imported", "move_id": binding.odoo_id.id, "message": False})
        return f"{doc.id} {self.status}: {binding.display_name}"

    def _finish(self, item, binding):
        """What follows the move's creation or update; returns the move to post (none
        when its totals differ from the XML's or the backend does not post)."""
        document, doc = item.document, item.doc
        if self.status == "created":
            document.attachment_id.copy({"res_model": "account.move", "res_id": binding.odoo_id.id})
        with retry_unique_violation():
            self.binder.bind(self.external_id, binding)
        if item.use == "purchase":
            self._mark_fetched_from_spv(binding.odoo_id, document)
        to_post = self._check_totals(binding, doc)
        if item.use == "sale" and self.backend_record.attach_pdf:
            self._attach_pdf(binding, doc)
        document.write({"state": "imported", "move_id": binding.odoo_id.id, "message": False})
        return to_post

    def _post(self, moves):
        """Post ``moves``; then the credit notes imported before an invoice among them
        are linked to it and settle it, as Odoo's own reversals do."""
        moves.action_post()
        invoices = {
            binding.external_id: binding.odoo_id
            for binding in moves.smartbill_bind_ids
            if binding.backend_id == self.backend_record
            and binding.move_type in ("out_invoice", "in_invoice")
        }
        if not invoices:
            return
        notes = self.model.search(
            [
                ("backend_id", "=", self.backend_record.id),
                ("credited_ref", "in", list(invoices)),
                ("reversed_entry_id", "=", False),
            ]
        )
        for note in notes:
            invoice = invoices[note.credited_ref]
            note.reversed_entry_id = invoice
            if note.state == "posted":
                invoice._reconcile_reversed_moves(note.odoo_id, move_reverse_cancel=False)

    def _check_not_created_meanwhile(self):
        """The record importers' check, in the same fresh look: for a new invoice, also a
        credit note of it that another job committed since this one started, which would
        stay unlinked (retried then). From here on none can commit: a note takes its
        invoice's lock (``_lock_names``)."""
        if self.credited:
            return super()._check_not_created_meanwhile()
        committed = self._committed(external_id=[self.external_id], credited_ref=[self.external_id])
        if committed:
            seen = self.model.search(
                [
                    ("backend_id", "=", self.backend_record.id),
                    ("credited_ref", "=", self.external_id),
                ]
            )
            if committed - set(seen.ids):
                self._retry_concurrent()

    def _lock_names(self):
        """A credit note is not imported at the same time as the invoice it credits."""
        names = super()._lock_names()
        return [*names, self._lock_name(self.credited)] if self.credited else names

    def _bind_existing_bill(self, doc, document):
        """A bill Odoo already has for this document (fetched from SPV by l10n_ro_edi,
        or entered by hand with the supplier's number): bind it rather than create a
        second one. A draft is then rewritten with the exact amounts; a posted one is
        flagged for review."""
        moves = self.env["account.move"]
        domain = [
            ("company_id", "=", self.backend_record.company_id.id),
            ("move_type", "in", ("in_invoice", "in_refund")),
            ("smartbill_bind_ids", "=", False),
        ]
        bill = moves.browse()
        if document.spv_index and "l10n_ro_edi_index" in moves._fields:
            bill = moves.search([*domain, ("l10n_ro_edi_index", "=", document.spv_index)], limit=1)
        if not bill and doc.seller.cui:
            cui = doc.seller.cui
            bill = moves.search(
                [
                    *domain,
                    ("ref", "=", doc.id),
                    ("commercial_partner_id.vat", "in", [cui, f"RO{cui}", f"RO {cui}"]),
                ],
                limit=1,
            )
        if not bill:
            return self.model.browse()
        binding = self.model.create({"odoo_id": bill.id, "backend_id": self.backend_record.id})
        self.binder.bind(self.external_id, binding)
        return binding

    def _mark_fetched_from_spv(self, move, document):
        """Tell l10n_ro_edi this bill came from its SPV message, so that its own fetch
        does not create a second bill for it."""
        if not document.spv_index or "l10n_ro_edi_index" not in move._fields:
            return
        if move.l10n_ro_edi_index != document.spv_index:
            move.l10n_ro_edi_index = document.spv_index
            self.env["l10n_ro_edi.document"].sudo().create(
                {
                    "invoice_id": move.id,
                    "state": "invoice_validated",
                    "key_download": document.spv_message_id,
                }
            )

    def _direction(self, doc):
        cif = self.backend_record.company_vat_code.removeprefix("RO")
        if doc.seller.cui == cif:
            return "sale"
        if doc.buyer.cui == cif:
            return "purchase"
        raise InvalidRecordError(
            self.env._(
                "Document %(doc)s is between %(seller)s and %(buyer)s, not for this "
                "backend's company (CIF %(cif)s).",
                doc=doc.id,
                seller=doc.seller.vat or doc.seller.name,
                buyer=doc.buyer.vat or doc.buyer.name,
                cif=self.backend_record.company_vat_code,
            )
        )

    # -- values ------------------------------------------------------------------------------
    def _move_values(self, doc, use):
        backend = self.backend_record
        partner = self._partner(doc.buyer if use == "sale" else doc.seller)
        self._non_deductible = use == "purchase" and partner.smartbill_vat_non_deductible
        # a storno invoice (380 with negative amounts) is a credit note with positive ones
        sign = -1 if doc.payable_amount < 0 and not doc.is_credit_note else 1
        refund = doc.is_credit_note or sign < 0
        series = backend.series_ids.filtered(lambda s: s.name == doc.series)[:1]
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
            "move_type": MOVE_TYPES[use, refund],
            "partner_id": partner.id,
            "partner_bank_id": self._supplier_bank(partner, doc).id if use == "purchase" else False,
            "invoice_date": doc.issue_date,
            "invoice_date_due": doc.due_date or doc.issue_date,
            "currency_id": self._currency(doc.currency).id,
            "journal_id": (series.journal_id or self._default_journal(use)).id,
            "narration": "\n".join(doc.notes) or False,
            "ref": doc.id if use == "purchase" else (doc.order_ref or False),
            "invoice_line_ids": [Command.create(v) for v in lines],
            "x_smartbill_id": self.external_id,
            "x_smartbill_series": doc.series,
            "x_smartbill_number": doc.number,
            "x_smartbill_company_vat_code": backend.company_vat_code,
            "x_smartbill_partner_vat_code": (doc.seller.vat or doc.seller.cui)
            if use == "purchase"
            else False,
            "contract_ref": doc.contract_ref,
            "order_ref": doc.order_ref,
            "reversed_entry_id": self._original().odoo_id.id,
            "credited_ref": self.credited,
        }
        rate = self._company_rate(doc)
        if rate:
            values["invoice_currency_rate"] = rate
        return values

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
        digits = self.env["decimal.precision"].precision_get("Product Price")
        if round(price, digits) != price or abs(line.quantity * price) != abs(gross):
            # Odoo would round the unit price, or add up unrounded line amounts where
            # EN 16931 rounds each line: book the line's exact amount as one unit, with
            # its real quantity and price in the label
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
                "product_uom_id": self._uom(line.unit_code).id,
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
        if category == "O":  # outside the scope of VAT
            return self.env["account.tax"]
        return self._lookup(
            ("tax", doc.issue_date, category, percent, use, self._non_deductible),
            lambda: self.env["smartbill.tax.map"].tax_for(
                self.backend_record,
                doc.issue_date,
                percent,
                use=use,
                name=CATEGORY_TAX_NAMES.get(category),
                non_deductible=self._non_deductible,
            ),
        )

    def _uom(self, code):
        xmlid = UNIT_CODES.get(code)
        uom = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
        if not uom:
            raise InvalidRecordError(self.env._("e-Factura unit code %s has no Odoo unit.", code))
        return uom

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
        scope = [("parent_id", "=", False), ("company_id", "in", [False, company.id])]
        if party.cui:
            domain = [("vat", "in", [party.cui, f"RO{party.cui}", f"RO {party.cui}"])]
        elif party.vat:
            domain = [("vat", "=", party.vat)]
        else:
            domain = [("name", "=", party.name), ("vat", "=", False)]
        partner = partners.search(domain + scope, order="id", limit=1)
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
        banks = self.env["res.partner.bank"]
        if not doc.payee_ibans:
            return banks
        iban = doc.payee_ibans[0].replace(" ", "").upper()
        bank = partner.bank_ids.filtered(lambda b: b.sanitized_acc_number == iban)
        return bank[:1] or banks.create({"partner_id": partner.id, "acc_number": iban})

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

    def _external_id(self, number, doc, use):
        """The binding's external id of the document ``number`` of ``doc``'s issuer: the
        number for the company's own documents, the supplier's VAT code and the number
        for bills."""
        issuer = doc.seller
        return number if use == "sale" else f"{issuer.vat or issuer.cui}/{number}"

    def _credited(self, doc, use):
        """The external id of the invoice a credit note (or a storno invoice) credits:
        its first billing reference; None for an invoice."""
        if not doc.billing_refs or not (doc.is_credit_note or doc.payable_amount < 0):
            return None
        return self._external_id(doc.billing_refs[0], doc, use)

    def _original(self):
        """The invoice this credit note credits, when it was imported; retried when
        another job imported it since this one started (its link would be missed)."""
        if not self.credited:
            return self.model
        original = self.binder.to_internal(self.credited)
        if not original and self._committed(external_id=[self.credited]):
            self._retry_concurrent()
        return original

    def _attach_pdf(self, binding, doc):
        """SmartBill's PDF on the invoice. A PDF SmartBill cannot give does not stop the
        accounting import: the reason is kept on the binding."""
        try:
            pdf = self.backend_adapter.invoice_pdf(doc.series, doc.number)
        except SmartBillError as err:
            binding.review_message = self.env._("SmartBill PDF not attached: %s", err)
            return
        self.env["ir.attachment"].create(
            {
                "name": f"factura{doc.series}{doc.number}.pdf",
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": binding.odoo_id.id,
            }
        )

    # -- totals ------------------------------------------------------------------------------
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

    def _check_totals(self, binding, doc):
        """Odoo's totals against the XML's, to the ban: equal -> the move to post (when
        the backend says so), different -> left in draft with both amounts and the
        difference."""
        move = binding.odoo_id
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
