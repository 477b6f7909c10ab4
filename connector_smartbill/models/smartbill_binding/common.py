# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ...jobs import (
    JobOutcome,
    describe,
    identity_without_run,
    import_each,
    import_page,
    smartbill_job,
)


class SmartBillBinding(models.AbstractModel):
    """Link between a SmartBill record and an Odoo record, one per backend.

    Concrete bindings add ``odoo_id`` (``_inherits``) or their own fields, and set
    ``_smartbill_priority`` (jobs of dependencies run first: lower is sooner) and
    ``_smartbill_entity`` (what their sync runs are about).
    """

    _name = "smartbill.binding"
    _inherit = ["external.binding", "smartbill.job.mixin"]
    _description = "SmartBill Binding (abstract)"
    _smartbill_priority = 10
    _smartbill_entity = None  # the sync runs' entity of the batch import
    _smartbill_source = "v3"

    backend_id = fields.Many2one(
        "smartbill.backend", "SmartBill backend", required=True, ondelete="restrict", index=True
    )
    external_id = fields.Char("SmartBill record", index=True, readonly=True)
    payload_hash = fields.Char(
        readonly=True,
        copy=False,
        help="Digest of the SmartBill record last imported: an unchanged record is skipped.",
    )
    smartbill_company_id = fields.Many2one(
        related="backend_id.company_id", string="SmartBill company", store=True, index=True
    )

    _smartbill_uniq = models.Constraint(
        "unique(backend_id, external_id)",
        "A SmartBill record can be bound only once per backend.",
    )

    @api.model
    @smartbill_job
    def import_batch(self, backend, filters=None, run=None):
        """Job: walk SmartBill's list and import what is new or changed; the record
        jobs it queues belong to ``run``."""
        with backend.work_on(self._name, run=run) as work:
            counts = work.component(usage="batch.importer").run(filters=filters)
        return JobOutcome(describe(counts) or "0 read", counts)

    @api.model
    @smartbill_job
    def import_record(self, backend, external_id, record=None, force=False, run=None):
        """Job: import one SmartBill record (``record``: its payload, when known)."""
        with backend.work_on(self._name) as work:
            importer = work.component(usage="record.importer")
            text = importer.run(external_id, record=record, force=force)
        return JobOutcome.of_status(text, importer.status)

    @api.model
    @smartbill_job
    def import_records(self, backend, records, run=None):
        """Job: import a page of SmartBill records (``[external_id, payload]`` pairs),
        each in its own savepoint; a record that fails here is queued alone
        (``import_record``)."""
        with backend.work_on(self._name) as work:

            def import_one(pair):
                importer = work.component(usage="record.importer")
                text = importer.run(pair[0], record=pair[1])
                return JobOutcome.of_status(text, importer.status)

            return import_page(
                records,
                import_one,
                lambda page: import_each(self.env.cr, page, import_one),
                lambda pair: self._enqueue_record(backend, *pair, run=run),
            )

    @api.model
    def _enqueue_record(self, backend, external_id, record, run=None):
        self.with_delay(
            priority=self._smartbill_priority,
            identity_key=identity_without_run,
            description=f"Import SmartBill {self._description} {external_id}",
        ).import_record(backend, external_id, record=record, run=run)


class SmartBillBoundMixin(models.AbstractModel):
    """The spec's identifiers on an Odoo record bound to SmartBill, read from its
    bindings (``smartbill_bind_ids``, defined by each inheriting model)."""

    _name = "smartbill.bound.mixin"
    _description = "Record bound to SmartBill"

    x_smartbill_id = fields.Char(
        "SmartBill ID", compute="_compute_smartbill_identifiers", store=True, index=True
    )
    x_smartbill_company_vat_code = fields.Char(
        "SmartBill company CIF", compute="_compute_smartbill_identifiers", store=True, index=True
    )

    @api.depends("smartbill_bind_ids.external_id", "smartbill_bind_ids.backend_id.company_vat_code")
    def _compute_smartbill_identifiers(self):
        for record in self:
            first = record.smartbill_bind_ids.sorted(lambda b: (b.external_id or "", b.id))[:1]
            record.x_smartbill_id = first.external_id
            record.x_smartbill_company_vat_code = first.backend_id.company_vat_code
