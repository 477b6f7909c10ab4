# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The import of files at once, without jobs: what the ``smartbill_import`` command runs
(``connector_smartbill/cli/smartbill_import.py``), the same import as the upload wizard
and the jobs, with one entry per file of what it became."""

import logging

from odoo import api, models

from odoo.addons.connector_accounting_base.exceptions import reason_of

from ...efactura import EFacturaError
from .common import DocumentPages

_logger = logging.getLogger(__name__)


class SmartBillDocument(models.Model):
    _inherit = "smartbill.document"

    @api.model
    @api.private
    def import_files_now(self, backend, files):
        """Store and import ``files`` (``(name, content)`` pairs: XML or zip) for
        ``backend`` now; documents already imported are reported as they are (the same
        archive again creates nothing). Returns one entry per file: ``{"file",
        "documents"}``, with ``"error"`` when the file could not be read."""
        entries = []
        for name, content in files:
            entry = {"file": name, "documents": []}
            try:
                with self.env.cr.savepoint():
                    stored = self._store_all(backend, name, content, "upload")
            except EFacturaError as err:
                entries.append({**entry, "error": str(err)})
                continue
            for document, _new in stored:
                if document.state != "imported" and document.attachment_id:
                    document._import_now()
                entry["documents"].append(document._summary())
            entries.append(entry)
        return entries

    def _import_now(self):
        """Import this document as its job would; an error the import does not turn into
        a failed document (a bug, a lock) fails it here with its reason."""
        self.write({"state": "new", "message": False})
        try:
            with self.env.cr.savepoint(), self._work() as work:
                DocumentPages(self.env, None, work).import_one(self)
        except Exception as err:  # noqa: BLE001 - reported on the document, not raised
            _logger.info("%s not imported: %s", self.name, type(err).__name__)
            self.write({"state": "failed", "message": reason_of(self.env, err)})

    def _summary(self):
        """This document and the move it became, as the command prints them."""
        self.ensure_one()
        return {
            "name": self.name,
            "state": self.state,
            "message": self.message or None,
            "moves": [self._move_summary(move) for move in self.move_id],
        }

    @api.model
    def _move_summary(self, move):
        partner = move.commercial_partner_id
        taxes = move.invoice_line_ids.tax_ids
        templates = {
            tax_id: xmlid.split(f".{move.company_id.id}_", 1)[1]
            if f".{move.company_id.id}_" in xmlid
            else None
            for tax_id, xmlid in taxes.get_external_id().items()
        }
        return {
            "name": move.name,
            "move_type": move.move_type,
            "state": move.state,
            "partner_name": partner.name,
            "partner_vat": partner.vat or None,
            "currency": move.currency_id.name,
            "amount_untaxed": move.amount_untaxed,
            "amount_tax": move.amount_tax,
            "amount_total": move.amount_total,
            "amount_tax_signed": move.amount_tax_signed,
            "lines": [
                {
                    "name": line.name,
                    "price_subtotal": line.price_subtotal,
                    "taxes": [
                        {"name": tax.name, "template": templates.get(tax.id) or None}
                        for tax in line.tax_ids
                    ],
                }
                for line in move.invoice_line_ids
            ],
        }
