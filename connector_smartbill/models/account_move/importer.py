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

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError

from odoo.addons.component.core import Component
from odoo.addons.connector_accounting_base.components.importer import retry_unique_violation
from odoo.addons.connector_accounting_base.exceptions import (
    DatabaseRefusedError,
    InvalidRecordError,
    database_reason,
)
from odoo.addons.connector_accounting_base.jobs import JobOutcome, import_each

from ...api import SmartBillError
from ...efactura import EFacturaError
from ...efactura.schemas import CREDIT_NOTE
from .common import ban

_logger = logging.getLogger(__name__)

# a document of a page mapped to its new move's values, created with the page's others
NewDocument = namedtuple("NewDocument", "importer document doc use values")


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
        except (EFacturaError, InvalidRecordError, UserError, ValidationError) as err:
            # the file, or Odoo's checks of the move it makes: the same every time
            document.write({"state": "failed", "message": str(err)})
            self.status, self.error_class = "failed", type(err).__name__
            return f"{document.name}: {err}"
        except IntegrityError as err:  # the job fails, in words; Retry failed runs it again
            raise DatabaseRefusedError(database_reason(self.env, err)) from None
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
        doc = document._parse()
        use = self._direction(doc)
        issuer = doc.seller
        if use == "purchase" and not doc.issuer_code:
            raise InvalidRecordError(
                self.env._(
                    "Bill %(doc)s: the supplier %(name)s states no VAT number or CUI; an "
                    "e-Factura bill must name its supplier's.",
                    doc=doc.id,
                    name=issuer.name,
                )
            )
        self.external_id = self._external_id(doc.id, doc, use, doc.is_credit_note)
        self.credited = self._credited(doc, use)
        document.document_ref = doc.id
        for lock in self._lock_names():
            self.advisory_lock_or_retry(lock)
        binding = self.binder.to_internal(self.external_id)
        if not binding:
            self._check_not_created_meanwhile()
            binding = self._bind_existing_bill(doc, document) if use == "purchase" else binding
        digest = doc.digest()
        changes = None
        if binding and binding.payload_hash != digest and binding.state != "draft":
            changes = self._changes(binding, doc)
            if not changes:  # the same content in other bytes: a signed copy, a re-download
                binding.payload_hash = digest
        if binding and binding.payload_hash == digest:
            self.status = "unchanged"
        elif changes:
            binding.review_message = self.env._(
                "%(file)s brings other content for this posted document: review it; it "
                "was not changed.\n%(changes)s",
                file=document.name,
                changes="\n".join(changes),
            )
            self.status = "review"
        else:
            values = self._move_values(doc, use)
            values["payload_hash"] = digest
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
        to_post = self._check_totals(binding, doc, item.use)
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
