# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib

from odoo import api, fields, models

from odoo.addons.connector_accounting_base.jobs import (
    JobOutcome,
    Pages,
    connector_job,
    identity_without_run,
)

from ...efactura import EFacturaError, parse, read_files, root_of
from ...exceptions import job_errors


class DocumentPages(Pages):
    """Pages of e-Factura documents of one backend: a page's new moves are created
    together (``Pages.import_together``)."""

    def __init__(self, env, run=None, work=None):
        super().__init__(env, run)
        self.work = work  # the backend's work context on smartbill.account.move

    def title(self):
        return self.env._("Import e-Factura documents")

    def label(self, item):
        return item.name

    def queue_page(self, page, delay):
        page.with_delay(**delay).import_documents(run=self.run)

    def queue_one(self, item, delay):
        item.with_delay(**delay).import_document(run=self.run)

    def import_one(self, item):
        importer = self.work.component(usage="record.importer")
        text = importer.run_document(item)
        return JobOutcome.of_status(text, importer.status, importer.error_class)

    def prepare(self, importer, item):
        return importer._prepare(*importer._read_document(item))

    def import_here(self, items):
        return self.import_together(items, self.work)


class SmartBillDocument(models.Model):
    """One e-Factura XML as it reached Odoo (upload, SmartBill download, SPV), stored
    once per backend: the same file twice is the same document."""

    _name = "smartbill.document"
    _inherit = "connector.job.mixin"
    _description = "SmartBill e-Factura document"
    _order = "id desc"

    name = fields.Char("File", required=True, readonly=True, index=True)
    backend_id = fields.Many2one(
        "smartbill.backend", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    sha256 = fields.Char(required=True, readonly=True, index=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True, ondelete="restrict")
    source = fields.Selection(
        [("upload", "Upload"), ("url", "SmartBill download"), ("spv", "ANAF SPV")],
        required=True,
        readonly=True,
    )
    spv_message_id = fields.Char("SPV message", readonly=True, index=True)
    spv_index = fields.Char(
        "SPV index", readonly=True, help="ANAF's id_solicitare (upload index) of the invoice."
    )
    document_ref = fields.Char("Document", readonly=True, help="Series and number, e.g. FCT0023.")
    state = fields.Selection(
        [("new", "To import"), ("imported", "Imported"), ("failed", "Failed")],
        default="new",
        required=True,
        readonly=True,
        index=True,
    )
    message = fields.Text(readonly=True)
    unread = fields.Boolean(
        readonly=True, help="Its source could not give it: Retry fetches it again."
    )
    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    retriable = fields.Boolean(
        compute="_compute_retriable",
        help="Failed, and Retry can do something: import its file again or fetch it again "
        "from its source (an ANAF refusal holds no invoice to import).",
    )

    _sha_uniq = models.Constraint(
        "unique(backend_id, sha256)", "This e-Factura file is already stored for this backend."
    )
    _spv_message_uniq = models.UniqueIndex(
        "(backend_id, spv_message_id) WHERE spv_message_id IS NOT NULL",
        "This SPV message is already stored for this backend.",
    )

    @api.model
    @api.private
    def store_files(self, backend, filename, content, source, **values):
        """Store every invoice XML of an upload (XML or zip); return the new documents
        (files already stored are skipped, not stored twice). ``values``: more fields of
        the documents (the SPV message's ids)."""
        stored = self._store_all(backend, filename, content, source, **values)
        return self.browse([document.id for document, new in stored if new])

    @api.model
    def _store_all(self, backend, filename, content, source, **values):
        """``(document, new)`` for every invoice XML of an upload, stored or found. A
        file that cannot be read (a bad zip, not XML, not an invoice) is a failed
        document with the reason, its content not kept: it never stops the others."""
        try:
            files = list(read_files(content, filename))
        except EFacturaError as err:
            if source in ("url", "spv"):  # perhaps spoiled on the way: Retry fetches it again
                return [(self._store_unread(backend, filename, source, str(err), **values), True)]
            return [self._store(backend, filename, content, source, str(err), **values)]
        stored = []
        for name, xml in files:
            try:
                root_of(xml)
                reason = None
            except EFacturaError as err:
                reason = str(err)
            stored.append(self._store(backend, name, xml, source, reason, **values))
        return stored

    @api.model
    def _store_unread(self, backend, name, source, reason, **values):
        """A file its source could not give (a download that failed): a failed document
        with the reason, found again by its name, that *Retry* fetches again."""
        key = f"unread:{source}:{name}".encode()
        return self._store(backend, name, key, source, reason, unread=True, **values)[0]

    def _refill(self, content):
        """This unread document with the ``content`` fetched again: its first invoice XML
        (the others, rare, become documents of their own); still failed, with the reason,
        when it cannot be read. When another source brought that file meanwhile (the
        folder's invoice from SPV, say), this document is that one: it is deleted, the
        other keeps its SPV message. Returns the document to import (none when the file
        is imported already)."""
        self.ensure_one()
        try:
            files = list(read_files(content, self.name))
            root_of(files[0][1])
        except EFacturaError as err:
            self.message = str(err)
            return self
        backend, source = self.backend_id, self.source
        (name, xml), *others = files
        digest = hashlib.sha256(xml).hexdigest()
        document = self.search([("backend_id", "=", backend.id), ("sha256", "=", digest)])
        if document:
            ids = {"spv_message_id": self.spv_message_id, "spv_index": self.spv_index}
            self.unlink()  # first: an SPV message is stored once
            if ids["spv_message_id"] and not document.spv_message_id:
                document.write(ids)
        else:
            attachment = self.env["ir.attachment"].create(
                {"name": name, "raw": xml, "mimetype": "application/xml",
                 "res_model": self._name, "res_id": self.id}
            )  # fmt: skip
            self.write(
                {
                    "attachment_id": attachment.id,
                    "sha256": digest,
                    "state": "new",
                    "message": False,
                    "unread": False,
                }
            )
            document = self
        for other_name, other in others:
            self._store(backend, other_name, other, source)
        return document.filtered(lambda d: d.state != "imported")

    @api.model
    def _store(self, backend, name, content, source, reason=None, **values):
        """``(document, new)``: the document of ``content``, stored when new; with a
        ``reason``, failed and without an attachment (nothing a user could download
        that is not an invoice)."""
        digest = hashlib.sha256(content).hexdigest()
        known = self.search([("backend_id", "=", backend.id), ("sha256", "=", digest)])
        if known:
            return known, False
        attachment = self.env["ir.attachment"]
        if reason is None:
            attachment = attachment.create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": "application/xml",
                    "res_model": self._name,
                }
            )
        document = self.create(
            {
                "name": name,
                "backend_id": backend.id,
                "sha256": digest,
                "attachment_id": attachment.id,
                "source": source,
                "state": "failed" if reason else "new",
                "message": reason,
                **values,
            }
        )
        attachment.res_id = document.id
        return document, True

    @api.depends("state", "attachment_id", "unread")
    def _compute_retriable(self):
        for document in self:
            document.retriable = document.state == "failed" and bool(
                document.attachment_id or document.unread
            )

    def _refusal_advice(self):
        """What to do about ANAF's refusal of an upload (nothing here can retry it)."""
        return self.env._(
            "Correct the invoice in SmartBill and send it to ANAF again; the next SPV "
            "import reads ANAF's new answer."
        )

    @api.model
    @api.private
    def create_refusal(self, backend, message, content):
        """An SPV "ERORI FACTURA" message: ANAF refused an invoice. Kept as a failed
        document with ANAF's messages and what to do, so that someone corrects it in
        SmartBill (nothing here can retry it)."""
        reason = self.env._(
            "ANAF refused the invoice uploaded as %s, without an error file.",
            message["id_solicitare"],
        )
        try:
            for _name, xml in read_files(content, "errors.zip"):
                parse(xml)
        except EFacturaError as err:  # ANAF's reasons (AnafRefusalError), or why not
            reason = str(err)
        reason += " " + self._refusal_advice()
        return self.create(
            {
                "name": f"{message['id_solicitare']}-erori.zip",
                "backend_id": backend.id,
                "sha256": hashlib.sha256(content).hexdigest(),
                "source": "spv",
                "spv_message_id": message["id"],
                "spv_index": message["id_solicitare"],
                "state": "failed",
                "message": reason,
            }
        )

    @api.private
    def xml(self):
        self.ensure_one()
        return base64.b64decode(self.attachment_id.datas)

    def _parse(self):
        """The canonical document of this XML (its id split with the backend's series)."""
        return parse(self.xml(), self.backend_id.series_ids.mapped("name"))

    @api.private
    def enqueue_import(self, run=None):
        """One job per page of the documents that have an XML (``import_documents``)."""
        DocumentPages(self.env, run).queue(self.filtered("attachment_id"))

    def _work(self, run=None):
        """The work of importing documents of one backend: the job's ``run``, and the
        ``lookups`` (taxes, products) its documents share."""
        backend = self.backend_id.ensure_one()
        return backend.with_company(backend.company_id).work_on(
            "smartbill.account.move", run=run, lookups={}
        )

    @connector_job
    def import_documents(self, run=None):
        """Job: import a page of documents of one backend, the new moves created
        together; a document that cannot be imported here is queued alone
        (``import_document``)."""
        with self._work(run) as work:
            return DocumentPages(self.env, run, work).import_page(self)

    @connector_job
    def import_document(self, run=None):
        """Job: import this document into an invoice, credit note or vendor bill. A
        document that cannot be imported is marked failed with the reason; nothing of
        it is written."""
        self.ensure_one()
        with self._work(run) as work:
            return DocumentPages(self.env, run, work).import_one(self)

    def action_retry(self):
        """Import the failed documents again, in a new sync run; those their source could
        not give are fetched again first, each by a job of its own (``fetch_again``).
        Says what it queued, and why an ANAF refusal cannot be retried."""
        self.backend_id._check_manager()
        # an ANAF refusal has no invoice XML to import
        documents = self.filtered(lambda d: d.state in ("failed", "new") and d.attachment_id)
        documents.write({"state": "new", "message": False})
        queued = documents | self.filtered("unread")
        for backend, todo in queued.grouped("backend_id").items():
            run = backend._new_run("documents")
            todo.filtered("attachment_id").enqueue_import(run=run)
            for document in todo.filtered("unread"):
                document.with_delay(identity_key=identity_without_run).fetch_again(run=run)
        said = []
        fetched = len(queued.filtered("unread"))
        if fetched:
            said.append(
                self.env._(
                    "%(count)s queued for import (%(fetched)s fetched again from their source "
                    "first): Sync runs shows how it ends.",
                    count=len(queued),
                    fetched=fetched,
                )
            )
        elif queued:
            said.append(
                self.env._(
                    "%(count)s queued for import: Sync runs shows how it ends.", count=len(queued)
                )
            )
        refusals = (self - queued).filtered(lambda d: d.state == "failed")
        if refusals:
            said.append(
                self.env._(
                    "%(count)s cannot be retried: ANAF's refusal of an upload holds no invoice "
                    "to import. %(advice)s",
                    count=len(refusals),
                    advice=self._refusal_advice(),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": " ".join(said) or self.env._("Nothing to retry: already imported."),
                "type": "warning" if refusals else "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"} if queued else False,
            },
        }

    @connector_job
    def fetch_again(self, run=None):
        """Job: download again this document its source could not give, then queue its
        import. A download that can succeed later (a timeout, 429, 5xx) is retried by
        queue_job; a file that still cannot be read stays failed with the reason."""
        self.ensure_one()
        with job_errors():
            content = self.backend_id._fetch_again(self)
        documents = self._refill(content)
        if documents.unread:
            return JobOutcome(documents.message, {"read": 1, "failed": 1})
        documents.enqueue_import(run=run)
        counts = {"read": 1, "updated": len(documents), "unchanged": int(not documents)}
        return JobOutcome(self.env._("Fetched again"), counts)
