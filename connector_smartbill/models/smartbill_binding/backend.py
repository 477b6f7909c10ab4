# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from odoo.addons.connector_accounting_base.jobs import identity_without_run
from odoo.addons.queue_job.delay import chain, group


class SmartBillBackend(models.Model):
    """Master data: every binding that declares an entity (``_sync_entity``) is
    synchronised by its batch import, VAT rates first (products need them), the rest side
    by side."""

    _inherit = "smartbill.backend"
    _binding_model = "smartbill.binding"

    def _master_data(self):
        """``{entity: binding model}`` of the master data, dependencies first."""
        return {entity: self.env[name] for entity, name in self._entity_models().items()}

    def _queue_sync(self, entity, since=None, until=None, dry_run=False):
        model = self._master_data().get(entity)
        if model is None:
            return super()._queue_sync(entity, since=since, until=until, dry_run=dry_run)
        run = self._new_run(entity, model._smartbill_source, dry_run=dry_run)
        return self._run_of(run, model.with_delay(**self._batch(model)).import_batch(self, run=run))

    def _batch(self, model):
        """The job options of the batch import of binding ``model`` for this backend."""
        return {
            "priority": model._import_priority,
            "identity_key": identity_without_run,
            "description": self.env._(
                "SmartBill %(what)s of %(backend)s", what=model._description, backend=self.name
            ),
        }

    def _master_data_chain(self):
        """VAT rates first (products need them), then the rest side by side."""
        self.ensure_one()
        runs = {"taxes": self._new_run("taxes", "v1")}
        taxes = self.delayable(priority=1, identity_key=identity_without_run).import_taxes(
            run=runs["taxes"]
        )
        batches = []
        for entity, model in self._master_data().items():
            runs[entity] = self._new_run(entity, model._smartbill_source)
            batches.append(
                model.delayable(**self._batch(model)).import_batch(self, run=runs[entity])
            )
        return chain(taxes, group(*batches)), list(
            zip(runs.values(), [taxes, *batches], strict=True)
        )

    def action_import_master_data(self):
        self._check_manager()
        for backend in self:
            graph, delayed = backend._master_data_chain()
            graph.delay()
            for run, delayable in delayed:  # queue_job's job of each, or the older one
                backend._run_of(run, delayable._generated_job)
        return self._notify_queued(self.env._("Master data import queued."))

    @api.model
    def _cron_import_master_data(self):
        self.search([("active", "=", True)]).action_import_master_data()
