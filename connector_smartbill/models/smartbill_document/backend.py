# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ...exceptions import job_errors
from ...jobs import JobOutcome, identity_without_run, smartbill_job


class SmartBillBackend(models.Model):
    """e-Factura documents: uploaded, read from a web folder (here) or from ANAF's SPV
    (``spv.py``), each booked as an invoice, credit note or vendor bill."""

    _inherit = "smartbill.backend"

    post_invoices = fields.Boolean(
        "Post imported invoices",
        default=True,
        help="Post a document whose totals equal its e-Factura's; otherwise keep it in draft.",
    )
    book_stated_vat = fields.Boolean(
        "Book the VAT the document states",
        default=True,
        help="A document whose VAT of a rate is not rate x base (a few bani apart) is "
        "posted with its own VAT, the difference listed; otherwise it stays in draft.",
    )
    attach_pdf = fields.Boolean(
        "Attach SmartBill PDF",
        help="Attach SmartBill's PDF to each imported invoice (one V1 call per invoice).",
    )
    efactura_source_url = fields.Char(
        "e-Factura folder URL",
        help="A web folder of e-Factura zips with an index.json (the SmartBill simulator "
        "serves one); SPV is the other source.",
    )
    efactura_since = fields.Date(
        "Import documents since", help="Issue date from which the folder's documents are imported."
    )
    document_ids = fields.One2many("smartbill.document", "backend_id", "e-Factura files")
    invoice_count = fields.Integer(compute="_compute_document_counts")
    failed_document_count = fields.Integer("Failed documents", compute="_compute_document_counts")
    mismatch_count = fields.Integer("Totals mismatches", compute="_compute_document_counts")
    stated_vat_count = fields.Integer(
        "Booked with their stated VAT", compute="_compute_document_counts"
    )

    def _compute_document_counts(self):
        moves = self.env["smartbill.account.move"]
        for backend in self:
            domain = [("backend_id", "=", backend._origin.id)]
            backend.invoice_count = moves.search_count(domain)
            backend.mismatch_count = moves.search_count(
                [*domain, ("totals_state", "=", "mismatch")]
            )
            backend.stated_vat_count = moves.search_count(
                [*domain, ("stated_vat_message", "!=", False)]
            )
            backend.failed_document_count = self.env["smartbill.document"].search_count(
                [*domain, ("state", "=", "failed")]
            )

    def _sync_entities(self):
        return {**super()._sync_entities(), "documents": self.env._("e-Factura documents")}

    def _queue_documents(self, since=None, until=None, dry_run=False):
        """The folder's documents issued from ``since`` to ``until``."""
        if not self.efactura_source_url:
            raise UserError(self.env._("Backend %s has no e-Factura folder URL.", self.name))
        run = self._new_run("documents", "folder", date_from=since, date_to=until, dry_run=dry_run)
        self.with_delay(priority=15, identity_key=identity_without_run).import_efactura_folder(
            since=since, until=until, run=run
        )
        return run

    @smartbill_job
    def import_efactura_folder(self, since=None, until=None, run=None):
        """Job: store the folder's new documents issued between ``since`` and ``until``
        and queue their import; a stored document that failed is tried again."""
        self.ensure_one()
        documents = none = self.env["smartbill.document"]
        counts = {"read": 0, "unchanged": 0, "created": 0, "updated": 0}
        with self.work_on("smartbill.account.move") as work, job_errors():
            source = work.component(usage="backend.adapter")
            names = list(source.search(since=since or self.efactura_since, until=until))
            # the listed files already stored (not every document of the backend)
            stored = documents.search(
                [
                    ("backend_id", "=", self.id),
                    ("name", "in", [name.removesuffix(".zip") + ".xml" for name in names]),
                ]
            ).grouped("name")
            for name in names:
                counts["read"] += 1
                known = stored.get(name.removesuffix(".zip") + ".xml", none)[:1]
                if known.state == "imported":
                    counts["unchanged"] += 1
                elif known:  # failed, or never imported: import it again
                    documents |= known
                    counts["updated"] += bool(run and run.dry_run)
                elif run and run.dry_run:
                    counts["created"] += 1
                else:
                    documents |= documents.store_files(self, name, source.read(name), "url")
        if run and run.dry_run:
            return JobOutcome(self.env._("Dry run: nothing stored or queued"), counts)
        documents.write({"state": "new", "message": False})
        documents.enqueue_import(run=run)
        return JobOutcome(f"{len(documents)} e-Factura documents queued", counts)

    def action_upload(self):
        return self._wizard("smartbill.upload.wizard", self.env._("Upload e-Factura files"))

    def action_import_efactura(self):
        return self._action_queue("documents", self.env._("e-Factura import queued."))

    def action_open_invoices(self):
        return self._open("smartbill.account.move", self.env._("SmartBill invoices"))

    def action_open_documents(self):
        return self._open("smartbill.document", self.env._("e-Factura files"))
