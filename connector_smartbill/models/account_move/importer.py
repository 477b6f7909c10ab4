# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invoices, credit notes and vendor bills from their e-Factura XML.

Amounts are built from the XML's own figures, never from Odoo's UBL import: unit prices
keep every decimal, VAT comes from the VAT mapping (category, rate and date), foreign
documents keep the rate SmartBill used, and Odoo's totals are checked against the XML
to the ban before a document is posted.
"""

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError

from odoo.addons.component.core import Component
from odoo.addons.connector_accounting_base.components.importer import retry_unique_violation
from odoo.addons.connector_accounting_base.exceptions import (
    DatabaseRefusedError,
    InvalidRecordError,
    database_reason,
)

from ...api import SmartBillError
from ...efactura import EFacturaError
from ...efactura.schemas import CREDIT_NOTE
from .common import ban


class AccountMoveAdapter(Component):
    """The documents' sources: the backend's e-Factura web folder, and SmartBill's V1
    API for what it has of an invoice (its PDF)."""

    _name = "smartbill.account.move.adapter"
    _inherit = "smartbill.adapter"
    _apply_on = "smartbill.account.move"

    @property
    def folder(self):
        return self.backend_record._folder()

    def search(self, since=None, until=None):
        """Names of the folder's documents issued between ``since`` and ``until``."""
        return self.folder.list(since=since, until=until)

    def read(self, external_id):  # pylint: disable=method-required-super
        """The content of the folder's document ``external_id`` (a file name)."""
        return self.folder.download(external_id)

    def invoice_pdf(self, series, number):
        return self.v1.invoice_pdf(series, number)


class AccountMoveImporter(Component):
    """A document's move, by the base's record importer. The record is the parsed
    e-Factura document, its external id the document's (see ``smartbill.account.move``);
    what the move points to is found or made first (``_import_dependencies``), then the
    document mapped (``smartbill.account.move.import.mapper``), Odoo's totals checked
    against the document's and the move posted. A posted move the document now states
    otherwise is flagged for review, never changed."""

    _name = "smartbill.account.move.importer"
    _inherit = "smartbill.record.importer"
    _apply_on = "smartbill.account.move"

    def __init__(self, work_context):
        super().__init__(work_context)
        self.document = None  # the smartbill.document imported
        self.use = None  # "sale" (the company's own document) or "purchase" (a bill)
        self.credited = None  # the external id of the invoice a credit note credits
        self.options = {}  # what the mapper is given (``_import_dependencies``)
        self.to_post = None  # the move to post once imported, if any
        self.error_class = None  # why the document could not be imported

    def run_document(self, document):
        """Import ``document`` (a smartbill.document). A document that cannot be
        imported is marked failed with the reason, and nothing of it is written."""
        try:
            with self.env.cr.savepoint():
                return self.run(*self._read_document(document))
        except (EFacturaError, InvalidRecordError, UserError, ValidationError) as err:
            # the file, or Odoo's checks of the move it makes: the same every time
            document.write({"state": "failed", "message": str(err)})
            self.status, self.error_class = "failed", type(err).__name__
            return f"{document.name}: {err}"
        except IntegrityError as err:  # the job fails, in words; Retry failed runs it again
            raise DatabaseRefusedError(database_reason(self.env, err)) from None

    def _read_document(self, document):
        """``(external_id, doc)`` of ``document``: its parsed XML, which document it is
        and for whom; a bill must name its supplier."""
        self.document = document
        doc = document._parse()
        self.use = self._direction(doc)
        if self.use == "purchase" and not doc.issuer_code:
            raise InvalidRecordError(
                self.env._(
                    "Bill %(doc)s: the supplier %(name)s states no VAT number or CUI; an "
                    "e-Factura bill must name its supplier's.",
                    doc=doc.id,
                    name=doc.seller.name,
                )
            )
        self.credited = self._credited(doc, self.use)
        document.document_ref = doc.id
        return self._external_id(doc.id, doc, self.use, doc.is_credit_note), doc

    # -- the record importer's steps ---------------------------------------------------
    def _find_binding(self):
        """A bill Odoo already has is bound rather than made twice."""
        binding = super()._find_binding()
        if not binding and self.use == "purchase":
            binding = self._bind_existing_bill(self.external_record, self.document)
        return binding

    def _digest(self):
        return self.external_record.digest()

    def _skip(self, binding, digest):
        """A posted move is not changed by its document: other amounts or lines are
        flagged for review; the same content in other bytes (a signed copy, a
        re-download) is the same document."""
        if binding.payload_hash != digest and binding.state != "draft":
            changes = self._changes(binding, self.external_record)
            if changes:
                binding.review_message = self.env._(
                    "%(file)s brings other content for this posted document: review it; "
                    "it was not changed.\n%(changes)s",
                    file=self.document.name,
                    changes="\n".join(changes),
                )
                status = "review"
            else:
                binding.payload_hash = digest
                status = "unchanged"
        else:
            status = super()._skip(binding, digest)
        if status:
            self._mark_imported(binding)
        return status

    def _values_for_create(self, map_record):
        return map_record.values(for_create=True, **self.options)

    def _update_values(self, binding, map_record):
        """A draft move takes its document whole, its lines made again."""
        return map_record.values(**self.options)

    def _write(self, binding, values):
        with retry_unique_violation():
            binding.invoice_line_ids.unlink()
            return super()._write(binding, values)

    def _after_import(self, binding):
        """The file on the move, l10n_ro_edi told of a bill, the totals checked,
        SmartBill's PDF attached; a changed move posted now, new ones by
        :meth:`_bind_all`."""
        if self.status == "created":
            self.document.attachment_id.copy(
                {"res_model": "account.move", "res_id": binding.odoo_id.id}
            )
        if self.use == "purchase":
            self._mark_fetched_from_spv(binding.odoo_id, self.document)
        self.to_post = self._check_totals(binding, self.external_record, self.use)
        if self.use == "sale" and self.backend_record.attach_pdf:
            self._attach_pdf(binding, self.external_record)
        self._mark_imported(binding)
        if self.status == "updated":
            self._post(self.to_post)

    def _bind_all(self, importers, bindings):
        """New moves are posted together (one ``action_post`` for a page)."""
        texts = super()._bind_all(importers, bindings)
        self._post(self.env["account.move"].union(*(i.to_post for i in importers)))
        return texts

    def _mark_imported(self, binding):
        self.document.write({"state": "imported", "move_id": binding.odoo_id.id, "message": False})

    def _changes(self, binding, doc):
        """What ``doc`` says otherwise than the posted move of ``binding``, both values
        shown: only amounts and lines count."""
        move = binding.odoo_id
        pairs = [
            (self.env._("untaxed"), move.amount_untaxed, doc.tax_exclusive_amount),
            (self.env._("VAT"), move.amount_tax, doc.tax_amount),
            (self.env._("total"), move.amount_total, doc.tax_inclusive_amount),
        ]
        lines = move.invoice_line_ids.filtered("x_smartbill_line_id")
        for line in doc.lines if lines else ():  # a bill bound as it was has no line ids
            key = f"{doc.id}/{line.id}"
            booked = lines.filtered(
                lambda b, k=key: b.x_smartbill_line_id == k
                or b.x_smartbill_line_id.startswith(f"{k}/A")
            )
            label = self.env._("line %s", line.id)
            pairs.append((label, sum(booked.mapped("price_subtotal")), line.line_amount))
        return [
            self.env._(
                "%(what)s: in Odoo %(odoo)s, in the document %(new)s",
                what=what,
                odoo=f"{ban(abs(odoo)):.2f}",
                new=f"{abs(new):.2f}",
            )
            for what, odoo, new in pairs
            if ban(abs(odoo)) != abs(new)
        ]

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
            supplier = self.env["res.partner"]._smartbill_vat_domain(
                doc.seller.cui, field="commercial_partner_id.vat"
            )
            bill = moves.search([*domain, ("ref", "=", doc.id), *supplier], limit=1)
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
        use = self.backend_record._direction_of(doc)
        if use:
            return use
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

    def _external_id(self, number, doc, use, credit_note=False):
        """The binding's external id of the document ``number`` of ``doc``'s issuer: the
        number for the company's own documents, the supplier's VAT code and the number
        for bills; the kind is part of it: an invoice and a credit note (381) with one
        number are two documents (a supplier may number them apart)."""
        key = number if use == "sale" else f"{doc.issuer_code}/{number}"
        return f"{key}/{CREDIT_NOTE}" if credit_note else key

    def _credited(self, doc, use):
        """The external id of the invoice a credit note (or a storno invoice) credits:
        its first billing reference; None for an invoice."""
        if not doc.billing_refs or not doc.is_refund:
            return None
        return self._external_id(doc.billing_refs[0], doc, use)

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
