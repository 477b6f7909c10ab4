# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import AccessError

from ..connector_sync_run.common import RUN_OPEN


class ConnectorAccountingBackend(models.AbstractModel):
    """A backend's sync runs, failed records and *Retry failed*, and the dashboard's
    figures of them.

    A connector names its key in ``connector.sync.run``'s ``connector`` selection
    (``_connector_code``), the group that sees its runs (``_user_group``) and the one
    that may synchronise (``_manager_group``); each
    of its capabilities says what it syncs (:meth:`_sync_entities`) and how a run of it
    is queued (``_queue_<entity>``); :meth:`_sync_sources` names where runs read from.
    An entity that is a binding of its own declares itself on it (``_sync_entity``, see
    ``connector.binding``): the backend finds it among its ``_binding_model``'s.
    """

    _inherit = "connector.accounting.backend"
    _connector_code = None
    _user_group = None
    _manager_group = None
    _binding_model = None  # the connector's abstract binding, e.g. "freshbooks.binding"

    failed_job_count = fields.Integer("Failed jobs", compute="_compute_run_figures")
    running_run_count = fields.Integer("Runs in progress", compute="_compute_run_figures")
    failed_run_count = fields.Integer("Runs with failures", compute="_compute_run_figures")
    oldest_failure = fields.Datetime(
        "Oldest failure",
        compute="_compute_run_figures",
        help="When the oldest failure still to fix happened.",
    )
    outage_message = fields.Char(
        compute="_compute_outage",
        help="Set while the backend's last call to its source failed and waits for its "
        "next try.",
    )
    outage_detail = fields.Char("Technical detail", compute="_compute_outage")

    def _entity_models(self):
        """``{entity: binding model}`` of every binding that declares an entity, in the
        order of their dependencies (their import priority), then of their modules."""
        if not self._binding_model:
            return {}
        names = self.env.registry.descendants([self._binding_model], "_inherit")
        bindings = [
            self.env[name]
            for name in names
            if not self.env[name]._abstract and self.env[name]._sync_entity
        ]
        bindings.sort(key=lambda model: model._import_priority)
        return {model._sync_entity: model._name for model in bindings}

    def _sync_entities(self):
        """``{entity: label}``: what a backend synchronises, in the dashboard's order:
        the bindings that declare an entity, then what its capabilities add."""
        return {
            entity: self.env[model]._sync_label or self.env[model]._description
            for entity, model in self._entity_models().items()
        }

    def _sync_sources(self):
        """``{source: label}``: where this connector's runs read from."""
        return {}

    def _run_closed(self, run):
        """A run of this backend whose jobs all ended (``run.state``: done or failed)."""

    def _runs_domain(self):
        """The sync runs (and failed records) of these backends."""
        return self.env["connector.sync.run"]._owned_by(self._origin)

    def _queue_sync(self, entity, since=None, until=None, dry_run=False):
        """Queue a sync run of ``entity``, of the records from ``since`` to ``until``
        when it has such a window; a dry run writes nothing. Returns the run."""
        self.ensure_one()
        return getattr(self, f"_queue_{entity}")(since=since, until=until, dry_run=dry_run)

    def unlink(self):
        """A backend's runs, alerts and checkpoints go with it (they name it by model
        and id)."""
        owned = [
            self.env[name].sudo().search(self.env[name]._owned_by(self))
            for name in ("connector.sync.run", "connector.alert", "connector.checkpoint")
        ]
        result = super().unlink()
        for records in owned:
            records.unlink()
        return result

    def _check_manager(self):
        """The buttons that call the source, or queue what will, spend the company's
        call budgets: its managers' only (whatever RPC is used)."""
        if self.env.su or (self._manager_group and self.env.user.has_group(self._manager_group)):
            return
        raise AccessError(
            self.env._("Only %s managers may synchronise or test a backend.", self._alert_source())
        )

    def _notify_queued(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "info"},
        }

    def _open(self, model_name, name, domain=None):
        """A list of ``model_name``'s records of these backends (by default, those whose
        ``backend_id`` is one of them)."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model_name,
            "view_mode": "list,form",
            "domain": [("backend_id", "in", self.ids)] if domain is None else domain,
            "context": {"default_backend_id": self[:1].id} if domain is None else {},
        }

    def _action_queue(self, entity, message):
        """A button: queue a run of ``entity`` for each backend, tell it is queued."""
        self._check_manager()
        for backend in self:
            backend._queue_sync(entity)
        return self._notify_queued(message)

    def _new_run(self, entity, source=None, **values):
        """A sync run of this backend, for the jobs about to be queued."""
        self.ensure_one()
        return self.env["connector.sync.run"].create(
            {
                "connector": self._connector_code,
                **self.env["connector.sync.run"]._owner_values(self),
                "company_id": self.company_id.id,
                "entity": entity,
                "source": source,
                **values,
            }
        )

    def _run_of(self, run, *jobs):
        """The run that does the work of ``jobs`` (queue_job's jobs, as ``with_delay``
        returns them): ``run``, unless the same work was queued already (the identity
        key kept the older jobs): then their run, and ``run`` is deleted. A run without
        work would close *Done* and move the last success although nothing ran."""
        doing = self.env["connector.sync.run"]
        for job in jobs:  # queue_job gives the older job's record when it kept it
            record = job if isinstance(job, models.BaseModel) else job.db_record()
            doing |= record.connector_run_id
        if not doing or run in doing:
            return run
        run.unlink()
        return doing[:1]

    def _jobs_domain(self):
        # every job of a connector belongs to a sync run of its backend
        return [("connector_run_id", "any", self._runs_domain())]

    # -- the dashboard's figures ----------------------------------------------------------
    def _oldest_failures(self):
        """When this backend's failures still to fix began (a date per kind of failure)."""
        first_job = (
            self.env["queue.job"]
            .sudo()
            .search([*self._jobs_domain(), ("state", "=", "failed")], order="date_created", limit=1)
        )
        return [first_job.date_created]

    def _compute_run_figures(self):
        runs = self.env["connector.sync.run"]
        for backend in self:
            domain = backend._runs_domain()
            backend.failed_job_count = self.env["connector.sync.run.failure"].search_count(
                [*domain, ("state", "=", "failed")]
            )
            backend.running_run_count = runs.search_count([*domain, ("state", "in", RUN_OPEN)])
            backend.failed_run_count = runs.search_count([*domain, ("state", "=", "failed")])
            dates = [date for date in backend._oldest_failures() if date]
            backend.oldest_failure = min(dates) if dates else False

    def _compute_outage(self):
        """The truth about the connection: some of the backend's jobs wait for their next
        try after failing, and none of its jobs succeeded since the oldest of them was
        queued: the source does not answer (or refuses for now)."""
        jobs = self.env["queue.job"].sudo()
        for backend in self:
            domain = backend._jobs_domain()
            waiting = jobs.search(
                [*domain, ("state", "=", "pending"), ("retry", ">", 0)],
                order="date_created",
                limit=1,
            )
            since = waiting.date_created
            done = since and jobs.search_count(
                [*domain, ("state", "=", "done"), ("date_done", ">=", since)], limit=1
            )
            if not waiting or done:
                backend.outage_message = backend.outage_detail = False
                continue
            backend.outage_detail = waiting.result
            backend.outage_message = self.env._(
                "%(system)s has not answered since %(since)s: the connector tries again by "
                "itself (next at %(next)s); nothing is lost.",
                system=backend._alert_source(),
                since=fields.Datetime.context_timestamp(backend, since).strftime("%H:%M"),
                next=fields.Datetime.context_timestamp(backend, waiting.eta or since).strftime(
                    "%H:%M"
                ),
            )

    def action_open_runs(self):
        name = self.env._("%s sync runs", self._alert_source())
        return self._open("connector.sync.run", name, self._runs_domain())

    def action_open_failed_runs(self):
        action = self.action_open_runs()
        action["domain"] = [*action["domain"], ("state", "=", "failed")]
        return action

    def action_open_failed_jobs(self):
        """The records that failed (jobs out of tries, records that cannot be imported)."""
        name = self.env._("Failed %s records", self._alert_source())
        action = self._open("connector.sync.run.failure", name, self._runs_domain())
        action.update(view_mode="list", domain=[*action["domain"], ("state", "=", "failed")])
        return action

    def _retry_failed_jobs(self):
        """Requeue every failed job of these backends; returns how many."""
        self._check_manager()
        # the runs that have a failed job, closed or not: a run is closed by the cron
        # once all its jobs ended, and a job that failed meanwhile waits for no cron
        failed = (
            self.env["queue.job"].sudo().search([*self._jobs_domain(), ("state", "=", "failed")])
        )
        return failed.connector_run_id._requeue_failed()
