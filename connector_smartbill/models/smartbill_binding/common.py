# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.connector_accounting_base.jobs import JobOutcome, connector_job, describe


class SmartBillBinding(models.AbstractModel):
    """Link between a SmartBill record and an Odoo record, one per backend.

    Concrete bindings add ``odoo_id`` (``_inherits``) or their own fields, and set
    ``_import_priority`` (jobs of dependencies run first: lower is sooner); a binding
    that declares the base's ``_sync_entity`` (what its sync runs are about) is master
    data, imported by its batch with the others (see ``smartbill_binding/backend``).
    """

    _name = "smartbill.binding"
    _inherit = "connector.binding"
    _description = "SmartBill Binding (abstract)"
    _smartbill_source = "v3"

    backend_id = fields.Many2one(
        "smartbill.backend", "SmartBill backend", required=True, ondelete="restrict", index=True
    )
    external_id = fields.Char("SmartBill record", index=True, readonly=True)
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
