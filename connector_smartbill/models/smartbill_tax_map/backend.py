# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.connector_accounting_base.jobs import (
    JobOutcome,
    connector_job,
    identity_without_run,
)

from ...exceptions import job_errors


class SmartBillBackend(models.Model):
    """The VAT mapping: SmartBill's VAT rates and the Odoo taxes they mean."""

    _inherit = "smartbill.backend"

    tax_map_ids = fields.One2many("smartbill.tax.map", "backend_id", "VAT mapping")

    @api.model_create_multi
    def create(self, vals_list):
        backends = super().create(vals_list)
        for backend in backends:  # a VAT mapping nobody has to fill, from the start
            self.env["smartbill.tax.map"].prefill(backend)
        return backends

    def _sync_entities(self):
        return {"taxes": self.env._("VAT rates"), **super()._sync_entities()}

    def _queue_taxes(self, since=None, until=None, dry_run=False):
        run = self._new_run("taxes", "v1", dry_run=dry_run)
        job = self.with_delay(priority=1, identity_key=identity_without_run).import_taxes(run=run)
        return self._run_of(run, job)

    @connector_job
    def import_taxes(self, run=None):
        """Job: SmartBill's VAT rates into the VAT mapping (new rows; the taxes of the
        rows without, see ``smartbill.tax.map.prefill``)."""
        self.ensure_one()
        with job_errors():
            taxes = self._v1_client().taxes()
        created = self.env["smartbill.tax.map"].prefill(self, taxes)
        return JobOutcome(
            f"{len(taxes)} SmartBill VAT rates, {len(created)} mapping rows created",
            {"read": len(taxes), "created": len(created), "unchanged": len(taxes) - len(created)},
        )
