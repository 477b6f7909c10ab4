# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import AccessError

from .common import MANAGER


class SmartBillBackend(models.Model):
    """What a backend synchronises, and its sync runs: each capability says what it
    syncs (``_sync_entities``) and how a run of it is queued (``_queue_<entity>``)."""

    _inherit = "smartbill.backend"

    def _sync_entities(self):
        """``{entity: label}``: what a backend synchronises, in the dashboard's order. A
        binding declares its own (``_smartbill_entity``); each capability adds its own
        entity and a ``_queue_<entity>(since, until, dry_run)`` method that queues its
        sync run."""
        return {}

    def _queue_sync(self, entity, since=None, until=None, dry_run=False):
        """Queue a sync run of ``entity``, of the documents issued (or payments made,
        days listed...) from ``since`` to ``until`` when it has such a window; a dry run
        writes nothing. Returns the run."""
        self.ensure_one()
        return getattr(self, f"_queue_{entity}")(since=since, until=until, dry_run=dry_run)

    def _check_manager(self):
        """The buttons that call SmartBill or ANAF, or queue what will, spend the
        company's call budgets: SmartBill managers' only (whatever RPC is used)."""
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only SmartBill managers may synchronise or test a backend.")
            )

    def _action_queue(self, entity, message):
        """A button: queue a run of ``entity`` for each backend, tell it is queued."""
        self._check_manager()
        for backend in self:
            backend._queue_sync(entity)
        return self._notify_queued(message)

    def _new_run(self, entity, source=None, **values):
        """A sync run of this backend, for the jobs about to be queued."""
        self.ensure_one()
        return self.env["smartbill.sync.run"].create(
            {"backend_id": self.id, "entity": entity, "source": source, **values}
        )

    def _run_of(self, run, *jobs):
        """The run that does the work of ``jobs`` (queue_job's jobs, as ``with_delay``
        returns them): ``run``, unless the same work was queued already (the identity
        key kept the older jobs): then their run, and ``run`` is deleted. A run without
        work would close *Done* and move the last success although nothing ran."""
        doing = self.env["smartbill.sync.run"]
        for job in jobs:  # queue_job gives the older job's record when it kept it
            record = job if isinstance(job, models.BaseModel) else job.db_record()
            doing |= record.smartbill_run_id
        if not doing or run in doing:
            return run
        run.unlink()
        return doing[:1]

    def _jobs_domain(self):
        # every SmartBill job belongs to a sync run of its backend
        return [("smartbill_run_id.backend_id", "=", self._origin.id)]
