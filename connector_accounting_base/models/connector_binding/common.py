# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ...jobs import JobOutcome, Pages, connector_job, import_each

_logger = logging.getLogger(__name__)


class BindingPages(Pages):
    """Pages of the source's records of one binding model, as ``[external_id, payload]``
    pairs read from the source's list."""

    def __init__(self, model, backend, run=None):
        super().__init__(model.env, run)
        self.model = model
        self.backend = backend

    def title(self):
        return f"Import {self.backend._alert_source()} {self.model._description}"

    def label(self, item):
        return str(item[0])

    def priority(self, _index):
        return self.model._import_priority

    def queue_page(self, page, delay):
        self.model.with_delay(**delay).import_records(self.backend, page, run=self.run)

    def queue_one(self, item, delay):
        external_id, record = item
        self.model.with_delay(**delay).import_record(
            self.backend, external_id, record=record, run=self.run
        )

    def import_one(self, item):
        external_id, record = item
        return self.model._import_record(self.backend, external_id, record, run=self.run)

    def import_here(self, items):
        if not self.model._import_together:
            return super().import_here(items)
        return self._import_together(items)

    def _import_together(self, items):
        """Each record read, checked and mapped (or updated) in its own savepoint, then
        the page's new records created together and finished (bound, checked, posted):
        one create for the page, as the bare ORM would. Should the page's create or a
        record's finish fail, the new records are imported again one at a time, each in
        its own savepoint, so that only the record at fault goes to its own job."""
        cr = self.env.cr
        new = []
        with self.backend.work_on(self.model._name, run=self.run) as work:

            def prepare(item):
                importer = work.component(usage="record.importer")
                text = importer._prepare(item[0], record=item[1])
                if importer.status == "new":
                    new.append((item, importer))
                    return JobOutcome("")  # counted once created
                return JobOutcome.of_status(text, importer.status)

            counts, rest = import_each(cr, items, prepare, self.label)
            if not new:
                return counts, rest
            importers = [importer for _item, importer in new]
            try:
                with cr.savepoint():
                    bindings = importers[0]._create_bindings(importers)
                    for importer, binding in zip(importers, bindings, strict=True):
                        importer._bound(binding)
            except Exception as err:  # noqa: BLE001 - imported again, one at a time
                _logger.info(
                    "%s new records imported one at a time: %s", len(new), type(err).__name__
                )
                again, alone = import_each(
                    cr, [item for item, _i in new], self.import_one, self.label
                )
                counts.update(again)
                return counts, rest + alone
        for importer in importers:  # created, or gone when its finish removed it
            counts.update(JobOutcome.of_status("", importer.status).counts)
        return counts, rest


class ConnectorBinding(models.AbstractModel):
    """A connector's binding and its import jobs: one record (``import_record``) or a
    page of records (``import_records``), run by the binding's ``record.importer``.

    A connector's bindings declare ``backend_id`` and ``external_id``, and set
    ``_import_priority`` (jobs of dependencies run first: lower is sooner). A binding
    that is an entity of its own (polled by a ``connector.polling.mixin`` backend)
    declares it below: its sync runs, its poll, its webhook events and the scope asked at
    *Connect* need no other edit."""

    _name = "connector.binding"
    _inherit = ["external.binding", "connector.job.mixin"]
    _description = "Connector binding (abstract)"
    _import_priority = 10
    # a page's new records created by one create: for a binding whose values never
    # depend on another record of the page being created first (a partner matched by
    # email does: it is not created together)
    _import_together = False
    _sync_entity = None  # its sync runs' entity, e.g. "invoices"
    _sync_label = None  # e.g. "Invoices"
    _webhook_noun = None  # its webhook events' noun, e.g. "invoice"
    _oauth_scope = None  # the OAuth scope that reads it, e.g. "user:invoices:read"

    payload_hash = fields.Char(
        readonly=True,
        copy=False,
        help="Digest of the source's record last imported: an unchanged record is skipped.",
    )
    sync_run_id = fields.Many2one(
        "connector.sync.run",
        "Last written by",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The sync run whose import last created or changed this record.",
    )

    def _ignored(self, record):
        """Whether the source's ``record`` is not this model's to book (a poll skips it)."""
        return False

    def _known_hashes(self, backend):
        """``{external_id: payload_hash}`` of this backend's bindings (a binding that is
        polled has a ``payload_hash``: the digest of the record last imported)."""
        rows = self.env.execute_query(
            SQL(
                "SELECT external_id, payload_hash FROM %s WHERE backend_id = %s",
                SQL.identifier(self._table),
                backend.id,
            )
        )
        return dict(rows)

    @api.model
    @connector_job
    def import_record(self, backend, external_id, record=None, force=False, run=None):
        """Job: import one record (``record``: its payload, when known)."""
        return self._import_record(backend, external_id, record, force, run=run)

    @api.model
    @connector_job
    def import_records(self, backend, records, run=None):
        """Job: import a page of records (``[external_id, payload]`` pairs), each in its
        own savepoint; a record that fails here is queued alone (``import_record``)."""
        return BindingPages(self, backend, run).import_page(records)

    @api.model
    def _import_record(self, backend, external_id, record=None, force=False, run=None):
        with backend.work_on(self._name, run=run) as work:
            importer = work.component(usage="record.importer")
            text = importer.run(external_id, record=record, force=force)
        return JobOutcome.of_status(text, importer.status)

    @api.model
    def _queue_pages(self, backend, records, run=None):
        """One job per page of ``records`` (``(external_id, payload)`` pairs)."""
        BindingPages(self, backend, run).queue(records)
