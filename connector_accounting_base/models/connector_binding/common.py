# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import api, fields, models
from odoo.tools import SQL

from ...components.importer import payload_hash
from ...jobs import JobOutcome, Pages, connector_job


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
        with self.backend.work_on(self.model._name, run=self.run) as work:
            records = [record for _external_id, record in items if record is not None]
            work.component(usage="record.importer")._prefetch(records)
            if self.model._import_together:
                return self.import_together(items, work)
        return super().import_here(items)

    def prepare(self, importer, item):
        return importer._prepare(item[0], record=item[1])


class ConnectorBinding(models.AbstractModel):
    """A connector's binding and its import jobs: one record (``import_record``) or a
    page of records (``import_records``), run by the binding's ``record.importer``.

    A connector's bindings declare ``backend_id`` and ``external_id``, and set
    ``_import_priority`` (jobs of dependencies run first: lower is sooner). A binding
    that is an entity of its own declares it below; its backend finds it by that
    declaration (``_entity_models``): its sync runs and, on a backend that polls
    (``connector.polling.mixin``), its poll, its webhook events and the scope asked at
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
    _sync_label = None  # e.g. "Invoices" (else the model's description)
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
    def _changes(self, backend, records):
        """What of ``records`` (a list read from the source) is new or changed since it
        was last imported (its digest is not its binding's ``payload_hash``) and is this
        model's to book: ``(counts, pending)``, the records read, new, changed,
        unchanged and skipped, and the ``(external_id, record)`` pairs to import."""
        known = self._known_hashes(backend)
        counts, pending = Counter(), []
        for record in records:
            counts["read"] += 1
            external_id = str(record["id"])
            if self._ignored(record):
                counts["skipped"] += 1
                continue
            digest = known.get(external_id)
            if digest is not None and digest == payload_hash(record):
                counts["unchanged"] += 1
                continue
            counts["new" if external_id not in known else "changed"] += 1
            pending.append((external_id, record))
        return counts, pending

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
