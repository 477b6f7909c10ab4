# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.connector_accounting_base.jobs import JobOutcome, Pages, connector_job, describe


class BindingPages(Pages):
    """Pages of the SmartBill records of one binding model, as ``[external_id,
    payload]`` pairs read from SmartBill's list."""

    def __init__(self, model, backend, run=None):
        super().__init__(model.env, run)
        self.model = model
        self.backend = backend

    def title(self):
        return f"Import SmartBill {self.model._description}"

    def label(self, item):
        return item[0]

    def priority(self, _index):
        return self.model._smartbill_priority

    def queue_page(self, page, delay):
        self.model.with_delay(**delay).import_records(self.backend, page, run=self.run)

    def queue_one(self, item, delay):
        external_id, record = item
        self.model.with_delay(**delay).import_record(
            self.backend, external_id, record=record, run=self.run
        )

    def import_one(self, item):
        external_id, record = item
        return self.model._import_record(self.backend, external_id, record)


class SmartBillBinding(models.AbstractModel):
    """Link between a SmartBill record and an Odoo record, one per backend.

    Concrete bindings add ``odoo_id`` (``_inherits``) or their own fields, and set
    ``_smartbill_priority`` (jobs of dependencies run first: lower is sooner) and
    ``_smartbill_entity`` (what their sync runs are about: a binding that sets it is
    master data, imported by its batch with the others, see ``smartbill_binding/backend``).
    """

    _name = "smartbill.binding"
    _inherit = ["external.binding", "connector.job.mixin"]
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
    @connector_job
    def import_batch(self, backend, filters=None, run=None):
        """Job: walk SmartBill's list and import what is new or changed; the record
        jobs it queues belong to ``run``."""
        with backend.work_on(self._name, run=run) as work:
            counts = work.component(usage="batch.importer").run(filters=filters)
        return JobOutcome(describe(counts) or "0 read", counts)

    @api.model
    @connector_job
    def import_record(self, backend, external_id, record=None, force=False, run=None):
        """Job: import one SmartBill record (``record``: its payload, when known)."""
        return self._import_record(backend, external_id, record, force)

    @api.model
    @connector_job
    def import_records(self, backend, records, run=None):
        """Job: import a page of SmartBill records (``[external_id, payload]`` pairs),
        each in its own savepoint; a record that fails here is queued alone
        (``import_record``)."""
        return BindingPages(self, backend, run).import_page(records)

    @api.model
    def _import_record(self, backend, external_id, record=None, force=False):
        with backend.work_on(self._name) as work:
            importer = work.component(usage="record.importer")
            text = importer.run(external_id, record=record, force=force)
        return JobOutcome.of_status(text, importer.status)

    @api.model
    def _queue_pages(self, backend, records, run=None):
        """One job per page of ``records`` (``(external_id, payload)`` pairs)."""
        BindingPages(self, backend, run).queue(records)


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
