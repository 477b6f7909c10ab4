# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.connector_accounting_base.jobs import (
    JobOutcome,
    Pages,
    connector_job,
    identity_without_run,
)

from ...efactura import EFacturaError
from ...efactura.source import DocumentFolder, split_credentials
from ...exceptions import job_errors
from ..smartbill_backend.common import MANAGER
from .common import DocumentPages


class FolderPages(Pages):
    """Pages of the new files of a backend's e-Factura folder: each page's job downloads
    its files, stores them and imports their documents."""

    def __init__(self, backend, run=None):
        super().__init__(backend.env, run)
        self.backend = backend

    def title(self):
        return self.env._("Download and import e-Factura files")

    def priority(self, _index):
        return 15  # the folder job's own: before the pages of documents it queues

    def queue_page(self, page, delay):
        self.backend.with_delay(**delay).import_efactura_files(page, run=self.run)


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
    efactura_source_credentials = fields.Char(
        "Folder user:password",
        groups=MANAGER,
        compute="_compute_efactura_source_credentials",
        inverse="_inverse_efactura_source_credentials",
        help="When the folder asks for them (HTTP Basic, over https): stored encrypted. A "
        "folder URL saved with a user and password in it is split into both.",
    )
    efactura_since = fields.Date(
        "Import documents since", help="Issue date from which the folder's documents are imported."
    )
    document_ids = fields.One2many("smartbill.document", "backend_id", "e-Factura files")
    invoice_count = fields.Integer(compute="_compute_document_counts")
    failed_document_count = fields.Integer("Failed documents", compute="_compute_document_counts")
    retry_document_count = fields.Integer(
        "Failed documents to retry",
        compute="_compute_document_counts",
        help="Failed documents Retry can import again (ANAF's refusals cannot be).",
    )
    mismatch_count = fields.Integer("Totals mismatches", compute="_compute_document_counts")
    stated_vat_count = fields.Integer(
        "Booked with their stated VAT", compute="_compute_document_counts"
    )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._split_folder_url(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._split_folder_url(vals))

    @api.model
    def _split_folder_url(self, vals):
        """A folder URL's user and password go to the encrypted credentials."""
        if vals.get("efactura_source_url"):
            url, credentials = split_credentials(vals["efactura_source_url"])
            if credentials:
                vals = {
                    **vals,
                    "efactura_source_url": url,
                    "efactura_source_credentials": ":".join(credentials),
                }
        return vals

    def _folder(self):
        """The web folder of documents, with its credentials."""
        credentials = self._secret("efactura_source_credentials")
        return DocumentFolder(
            self.efactura_source_url,
            credentials=tuple(credentials.split(":", 1)) if credentials else None,
            timeout=self._timeout(),
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
            failed = self.env["smartbill.document"].search([*domain, ("state", "=", "failed")])
            backend.failed_document_count = len(failed)
            backend.retry_document_count = len(failed.filtered("retriable"))

    def _sync_entities(self):
        return {**super()._sync_entities(), "documents": self.env._("e-Factura documents")}

    def _queue_documents(self, since=None, until=None, dry_run=False):
        """The folder's documents issued from ``since`` to ``until``."""
        if not self.efactura_source_url:
            raise UserError(self.env._("Backend %s has no e-Factura folder URL.", self.name))
        run = self._new_run("documents", "folder", date_from=since, date_to=until, dry_run=dry_run)
        job = self.with_delay(priority=15, identity_key=identity_without_run)
        return self._run_of(run, job.import_efactura_folder(since=since, until=until, run=run))

    @connector_job
    def import_efactura_folder(self, since=None, until=None, run=None):
        """Job: the folder's documents issued between ``since`` and ``until``: its new
        files are downloaded, stored and imported by jobs of a page each
        (``import_efactura_files``), so that the downloads go on beside the imports; a
        stored document that failed is tried again, one the folder could not give is
        downloaded again. A file that cannot be downloaded or read is a failed document
        with its reason: the rest of the window goes on."""
        self.ensure_one()
        documents = none = self.env["smartbill.document"]
        dry_run = bool(run and run.dry_run)
        counts = {"read": 0, "unchanged": 0, "created": 0, "updated": 0, "failed": 0}
        with job_errors():  # the folder's list: the window's own failure, retried
            names = list(self._folder().list(since=since or self.efactura_since, until=until))
        # the listed files already stored: their XML, or the file the folder did not give
        keys = {name: (name.removesuffix(".zip") + ".xml", name) for name in names}
        stored = documents.search(
            [
                ("backend_id", "=", self.id),
                ("name", "in", [k for pair in keys.values() for k in pair]),
            ]
        ).grouped("name")
        new = []
        for name in names:
            counts["read"] += 1
            known = next((stored[k][:1] for k in keys[name] if k in stored), none)
            if known.state == "imported":
                counts["unchanged"] += 1
            elif known and not known.unread:  # failed, or never imported: import it again
                documents |= known
                counts["updated"] += dry_run
            elif dry_run:
                counts["created"] += 1
            elif known:  # a download that failed before: fetched again here
                documents |= self._fetch_folder_file(name, known)
            else:
                new.append(name)
        if dry_run:
            return JobOutcome(self.env._("Dry run: nothing stored or queued"), counts)
        counts["failed"] = len(documents.filtered(lambda d: not d.attachment_id))
        # what failed to import is tried again; what cannot be read stays failed
        documents.filtered(lambda d: d.state == "failed" and d.attachment_id).write(
            {"state": "new", "message": False}
        )
        documents.enqueue_import(run=run)
        FolderPages(self, run).queue(new)
        return JobOutcome(f"{len(documents) + len(new)} e-Factura documents queued", counts)

    @connector_job
    def import_efactura_files(self, names, run=None):
        """Job: download the folder's new files ``names``, store them and import their
        documents as one page; a download that fails is a failed document with its
        reason, that *Retry failed* fetches again."""
        self.ensure_one()
        documents = none = self.env["smartbill.document"]
        for name in names:
            documents |= self._fetch_folder_file(name, none)
        readable = documents.filtered("attachment_id")
        outcome = JobOutcome(f"{len(names)} files", {})
        if readable:
            with readable._work(run) as work:
                outcome = DocumentPages(self.env, run, work).import_page(readable)
        outcome.counts["failed"] = outcome.counts.get("failed", 0) + len(documents - readable)
        return outcome

    def _fetch_folder_file(self, name, unread):
        """The documents of the folder's file ``name`` (``unread``: its failed document
        when an earlier download failed); a download that fails is a failed document."""
        documents = self.env["smartbill.document"]
        try:
            content = self._folder().download(name)
        except EFacturaError as err:
            return unread or documents._store_unread(self, name, "url", str(err))
        if unread:
            return unread._refill(content)
        return documents.store_files(self, name, content, "url")

    def _fetch_again(self, document):
        """The content of ``document``, which its source could not give, fetched again."""
        if document.source == "url":
            return self._folder().download(document.name)
        raise UserError(self.env._("%s cannot be fetched again: upload it.", document.name))

    def action_upload(self):
        return self._wizard("smartbill.upload.wizard", self.env._("Upload e-Factura files"))

    def action_import_efactura(self):
        return self._action_queue("documents", self.env._("e-Factura import queued."))

    def action_open_invoices(self):
        return self._open("smartbill.account.move", self.env._("SmartBill invoices"))

    def action_open_failed_documents(self):
        """Exactly the files the *Failed files* button counts."""
        action = self._open("smartbill.document", self.env._("Failed e-Factura files"))
        action["domain"] = [*action["domain"], ("state", "=", "failed")]
        return action
