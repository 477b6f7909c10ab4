# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The record importer every connector's importers build on: read, skip if unchanged,
lock, re-check, import dependencies, map, create or update, bind.

An importer compares a hash of the record it reads with the hash stored on the binding
(``payload_hash``): an unchanged record is skipped without a write, whether or not its
source says when it changed.
"""

import hashlib
import json
import logging
from contextlib import closing, contextmanager

from psycopg2 import IntegrityError, errorcodes

from odoo import Command, sql_db
from odoo.tools import SQL

from odoo.addons.component.core import AbstractComponent
from odoo.addons.queue_job.exception import RetryableJobError

from ..api import NotFoundError
from ..exceptions import job_errors

_logger = logging.getLogger(__name__)

RETRY_ON_ADVISORY_LOCK = 2  # seconds
RETRY_WHEN_CONCURRENT_DETECTED = 2  # seconds


def payload_hash(record):
    """A stable digest of a source's record (dict of JSON values)."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()


@contextmanager
def retry_unique_violation():
    """Two jobs creating the same record at once: the loser is retried, and on its
    retry it finds the winner's record."""
    try:
        yield
    except IntegrityError as err:
        if err.pgcode == errorcodes.UNIQUE_VIOLATION:
            raise RetryableJobError(
                "Another job created the same record at the same time; "
                "this one will be retried.",
                seconds=RETRY_WHEN_CONCURRENT_DETECTED,
            ) from None
        raise


def same_value(record, field, value):
    """Whether writing ``value`` (as the mappers produce it) would change ``record``."""
    current = record[field.name]
    if field.type == "many2one":
        return current.id == (value or False)
    if field.type in ("one2many", "many2many"):
        ids = None
        for command in value:
            if command[0] == Command.CLEAR:
                ids = set()
            elif command[0] == Command.SET:
                ids = set(command[2])
            else:
                return False
        return ids == set(current.ids)
    cached = field.convert_to_cache(value, record, validate=False)
    return field.convert_to_record(cached, record) == current


class ConnectorRecordImporter(AbstractComponent):
    """Import one record of the source: read, skip if unchanged, lock, re-check, import
    dependencies, map, create or update, bind. A connector's record importer inherits
    this and its own base component, and names its source (``_source``)."""

    _name = "connector.record.importer"
    _inherit = "base.importer"
    _usage = "record.importer"
    _source = None  # the source's name, as job messages tell its errors

    def __init__(self, work_context):
        super().__init__(work_context)
        self.external_id = None
        self.external_record = None
        self.status = None  # gone, unchanged, created or updated, after run()
        self.new_values = None  # a new binding's values, while its status is "new"

    # -- hooks for the concrete importers ----------------------------------------------
    def _lock_names(self):
        """What no other job may import at the same time (advisory locks)."""
        return [self._lock_name(self.external_id)]

    def _lock_name(self, external_id):
        """The advisory lock of importing ``external_id`` of this model and backend."""
        backend = self.backend_record
        return f"{self._collection}.import({backend.id}, {self.model._name}, {external_id})"

    def _import_dependencies(self):
        """Import the records this one points to (synchronously, in this job)."""

    def _prefetch(self, records):
        """Read at once what the imports of a page's ``records`` (as the source's list
        gave them) will read, so that each record finds it in the transaction's cache:
        one query for the page where each record would make its own."""

    def _when_gone(self):
        """The record no longer exists at the source; returns what the job tells."""
        return f"{self.external_id} no longer exists in {self._source}: nothing imported."

    def _values_for_create(self, map_record):
        """The values of a new binding (an importer may bind an existing record)."""
        return map_record.values(for_create=True)

    def _update_values(self, binding, map_record):
        """What to write on an existing binding: the mapped values that changed."""
        return self._changed_values(binding, map_record.values())

    def _find_binding(self):
        """The binding of ``external_id``, if any; none found, no other job may have
        committed one meanwhile (see ``_check_not_created_meanwhile``)."""
        binding = self.binder.to_internal(self.external_id)
        if not binding:
            self._check_not_created_meanwhile()
        return binding

    def _digest(self):
        """What tells the record read from the one last imported (``payload_hash``)."""
        return payload_hash(self.external_record)

    def _skip(self, binding, digest):
        """Why ``binding``'s record is not written (its status), or None: it is.
        Unchanged when its digest is the one last imported."""
        return "unchanged" if binding.payload_hash == digest else None

    def _write(self, binding, values):
        """Write an existing binding's changed ``values``."""
        binding.with_context(**self._create_context()).sudo().write(values)

    def _after_import(self, binding):
        """Things the mapper cannot express: children, bank accounts..."""

    def _create_context(self):
        return {"tracking_disable": True, "connector_no_export": True}

    def _job_errors(self):
        """The source's errors turned into the job's end (see ``exceptions.job_errors``)."""
        return job_errors(self._source)

    # -- helpers --------------------------------------------------------------------
    def _check_not_created_meanwhile(self):
        """Advisory locks only cover what runs at the same time. A job whose
        transaction started before another job's commit does not see that job's record:

            T1 |--- import partner A ---|commit
            T2      |---------- import partner A (again) ----------|
                                        ^ T2 cannot see A, the lock is free

        Look in a fresh transaction; if the record is there, retry this job: its next
        transaction will see it."""
        if self._committed(external_id=[self.external_id]):
            self._retry_concurrent()

    def _committed(self, **columns):
        """The ids of this backend's bindings whose value of one of ``columns`` is one of
        its values, as a fresh transaction sees them (see ``_check_not_created_meanwhile``).
        """
        matches = SQL(" OR ").join(
            SQL("%s IN %s", SQL.identifier(column), tuple(values))
            for column, values in columns.items()
        )
        # a new connection, not registry.cursor(): in tests that one shares our snapshot
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE backend_id = %s AND (%s)",
                    SQL.identifier(self.model._table),
                    self.backend_record.id,
                    matches,
                )
            )
            return {row[0] for row in cr.fetchall()}

    def _retry_concurrent(self):
        raise RetryableJobError(
            f"Concurrent import of the same {self._source} record; retried later.",
            seconds=RETRY_WHEN_CONCURRENT_DETECTED,
            ignore_retry=True,
        )

    def _run(self):
        """The sync run this import works for (None when none)."""
        return getattr(self.work, "run", None)

    def _changed_values(self, binding, values):
        """Only the values that differ from the binding's: no write for no change."""
        return {
            name: value
            for name, value in values.items()
            if not same_value(binding, binding._fields[name], value)
        }

    # -- the flow ----------------------------------------------------------------------
    def run(self, external_id, record=None, force=False):
        """Import ``external_id``; ``record`` is the payload when the caller already
        read it (a batch walking V3's pages). Returns what happened, for the job."""
        text = self._prepare(external_id, record=record, force=force)
        if self.status != "new":
            return text
        return self._bind_all([self], self._create_bindings([self]))[0]

    def _prepare(self, external_id, record=None, force=False):
        """All of an import but a new binding's create: read, lock, re-check, skip an
        unchanged record, import dependencies, map, update an existing binding. A record
        to create is left with the status "new" and its binding's values in
        ``new_values``, for :meth:`_create_bindings` (a page creates its new records
        together). Returns what the job tells of a record it is done with."""
        self.external_id = external_id
        with self._job_errors():
            try:
                self.external_record = (
                    record if record is not None else (self.backend_adapter.read(external_id))
                )
            except NotFoundError:
                self.status = "gone"
                return self._when_gone()
        # held until this job's transaction ends
        for lock in self._lock_names():
            self.advisory_lock_or_retry(lock, retry_seconds=RETRY_ON_ADVISORY_LOCK)
        binding = self._find_binding()
        digest = self._digest()
        self.status = self._skip(binding, digest) if binding and not force else None
        if self.status:
            return f"{external_id} {self.status}."
        with self._job_errors():
            self._import_dependencies()
        map_record = self.mapper.map_record(self.external_record)
        written = {"payload_hash": digest}
        run = self._run()
        if run:  # an import outside a run (a dependency) leaves the run the record names
            written["sync_run_id"] = run.id
        if binding:
            self._write(binding, {**self._update_values(binding, map_record), **written})
            self.status = "updated"
            return self._bound(binding)
        self.new_values = {**self._values_for_create(map_record), **written}
        self.status = "new"
        return None

    def _create_bindings(self, importers):
        """The bindings of ``importers`` (prepared, each "new"), made by one create:
        Odoo creates a batch of records, their lines and their computed values in a
        fraction of the queries of one create each. Returns them in order."""
        model = self.model.with_context(**self._create_context()).sudo()
        with retry_unique_violation():
            bindings = model.create([importer.new_values for importer in importers])
        for importer in importers:
            importer.status = "created"
        return bindings

    def _bind_all(self, importers, bindings):
        """Each of ``bindings`` (made by :meth:`_create_bindings`) bound and finished by
        its importer; what their jobs tell."""
        return [
            importer._bound(binding) for importer, binding in zip(importers, bindings, strict=True)
        ]

    def _bound(self, binding):
        """Bind ``binding`` (created or updated) and finish its import; returns what the
        job tells."""
        with retry_unique_violation():
            self.binder.bind(self.external_id, binding)
        self._after_import(binding)
        _logger.debug("%s %s from %s %s", binding, self.status, self._source, self.external_id)
        # ``_after_import`` may remove what the source deleted
        return f"{self.external_id} {self.status}: {binding.exists().display_name or 'removed'}"
