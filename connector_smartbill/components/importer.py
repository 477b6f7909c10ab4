# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Importers: one record per job (the base's record importer), or a batch that finds
what changed.

SmartBill V3 has no timestamps, so a batch compares a hash of each record it reads with
the hash stored on the binding (the base's ``connector.binding._changes``, as a poll
does), and enqueues jobs only for new or changed records.
"""

from collections import Counter

from odoo.addons.component.core import AbstractComponent, Component

from ..exceptions import job_errors


class SmartBillRecordImporter(Component):
    """Import one SmartBill record. Every binding's record importer (no ``_apply_on``)
    unless its folder brings its own."""

    _name = "smartbill.record.importer"
    _inherit = ["connector.record.importer", "smartbill.base"]
    _source = "SmartBill"

    def _job_errors(self):
        return job_errors()


class SmartBillBatchImporter(AbstractComponent):
    """Walk every record of a SmartBill list and import the new or changed ones."""

    _name = "smartbill.batch.importer"
    _inherit = ["base.importer", "smartbill.base"]
    _usage = "batch.importer"

    def _records(self, filters):
        return self.backend_adapter.search(**(filters or {}))

    def run(self, filters=None):
        """Returns counts: read, new, changed, unchanged (the binding's ``_changes``),
        and what happened to the new and changed records (queued, or created/updated; in
        a dry run, what would be)."""
        run = getattr(self.work, "run", None)
        with job_errors():
            counts, pending = self.model._changes(self.backend_record, self._records(filters))
            if run and run.dry_run:
                counts += Counter(created=counts["new"], updated=counts["changed"])
            else:
                counts.update(self._import_records(pending))
        return counts

    def _import_records(self, pending):
        """Import or queue the new or changed ``(external_id, record)`` pairs; returns
        what happened to them (counts)."""
        raise NotImplementedError


class SmartBillDelayedBatchImporter(Component):
    """One queue job per page of new or changed records (``import_records``), each
    record in its own savepoint; a record that fails there gets a job of its own. Every
    binding's batch importer (no ``_apply_on``) unless its folder brings its own.

    The jobs carry the records read from the list: reading them again by id would cost
    one SmartBill call per record against a budget of 60 reads per 10 s. A job retried
    later imports that snapshot; the next batch sees any newer change by its hash.
    """

    _name = "smartbill.delayed.batch.importer"
    _inherit = "smartbill.batch.importer"

    def _import_records(self, pending):
        self.model._queue_pages(self.backend_record, pending, getattr(self.work, "run", None))
        return {"queued": len(pending)} if pending else {}


class SmartBillDirectBatchImporter(AbstractComponent):
    """All records in the batch's own job: for short lists (series, workpoints), whose
    folders apply it (``_apply_on``)."""

    _name = "smartbill.direct.batch.importer"
    _inherit = "smartbill.batch.importer"

    def _import_records(self, pending):
        counts = Counter()
        for external_id, record in pending:
            importer = self.component(usage="record.importer")
            importer.run(external_id, record=record)
            counts[importer.status] += 1
        return counts
