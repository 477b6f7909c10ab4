# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reading what changed, the one way every polled source does it: each entity is asked
for what changed since its checkpoint (a ``connector.checkpoint`` row per backend and
entity), the unchanged records are skipped by their hash, the others queued a page per
job; the checkpoint moves to the newest change read only when every job of the poll is
done, so a page that failed is read again by the next poll."""

from datetime import UTC, datetime

from odoo import api, fields, models

from ...exceptions import job_errors
from ...jobs import JobOutcome, connector_job, describe, identity_without_run
from ..connector_sync_run.common import RUN_OPEN


class ConnectorPollingMixin(models.AbstractModel):
    """A backend whose entities are polled (it inherits this instead of
    ``connector.accounting.backend``). Its entities are the bindings that declare
    ``_sync_entity`` (``_entity_models``): an entity is one folder. The binding's
    ``backend.adapter`` lists the changes (``search(since)``); the source says how its
    change times compare (:meth:`_after`) and what the next poll asks from
    (:meth:`_polling_from`)."""

    _name = "connector.polling.mixin"
    _inherit = "connector.accounting.backend"
    _description = "Connector backend that polls its source (abstract)"

    checkpoint_ids = fields.One2many(
        "connector.checkpoint",
        "res_id",
        "Checkpoints",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
        help="Per entity, the newest change read from the source: what changed after it "
        "was not read yet.",
    )

    def _sync_sources(self):
        return {
            **super()._sync_sources(),
            "polling": self.env._("Polling"),
            "webhook": self.env._("Webhooks"),
        }

    def _queue_sync(self, entity, since=None, until=None, dry_run=False):
        """A poll of ``entity`` from ``since`` (else its checkpoint)."""
        self.ensure_one()
        return self._queue_poll(entity, since=since and str(since)[:10])

    # -- checkpoints ----------------------------------------------------------------------
    def _checkpoint(self, entity):
        """``entity``'s checkpoint: the newest change read (or False)."""
        return self.env["connector.checkpoint"]._of(self, entity).stamp

    def _move_checkpoint(self, entity, stamp):
        """``entity``'s checkpoint moves forward to ``stamp`` (never back)."""
        current = self._checkpoint(entity)
        if stamp and (not current or self._after(stamp, current)):
            self.env["connector.checkpoint"]._put(self, entity, stamp)

    def _after(self, stamp, other):
        """Whether change time ``stamp`` is later than ``other``: as instants when both
        read as one (:meth:`_checkpoint_time`), else as text."""
        mine, theirs = self._checkpoint_time(stamp), self._checkpoint_time(other)
        if mine and theirs:
            return mine > theirs
        return stamp > other

    @staticmethod
    def _checkpoint_time(stamp):
        """Change time ``stamp`` as a naive UTC datetime, for Odoo to show in the user's
        zone (by default ISO 8601, naive meaning UTC); False when it is not one."""
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return False
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment

    def _polling_from(self, entity):
        """What the next poll of ``entity`` asks from (None: everything)."""
        return self._checkpoint(entity) or None

    def _run_closed(self, run):
        """A poll whose jobs all succeeded moves its entity's checkpoint to the newest
        change it read; a poll with a failed page leaves it, to read that page again."""
        result = super()._run_closed(run)
        if run.state == "done" and run.checkpoint:
            self._move_checkpoint(run.entity, run.checkpoint)
        return result

    # -- polling --------------------------------------------------------------------------
    def _open_run(self, entity, source):
        """The open run of ``entity``'s jobs from ``source`` (webhooks, pushes: jobs that
        come one by one); a new one once it closed."""
        runs = self.env["connector.sync.run"].sudo()
        return runs.search(
            [
                *self._runs_domain(),
                ("entity", "=", entity),
                ("source", "=", source),
                ("state", "in", RUN_OPEN),
            ],
            limit=1,
        ) or self.sudo()._new_run(entity, source=source)

    def _queue_poll(self, entity, since=None):
        self.ensure_one()
        run = self._new_run(entity, source="polling")
        job = self.with_delay(
            priority=5,
            identity_key=identity_without_run,
            description=f"{self._alert_source()}: poll {entity}",
        ).poll(entity, since=since, run=run)
        return self._run_of(run, job)

    @api.private
    @connector_job
    def poll(self, entity, since=None, run=None):
        """Job: read what changed in ``entity`` since ``since`` (default:
        :meth:`_polling_from`) and queue the new and changed records, a page per job;
        the run keeps the newest change time read, for the checkpoint."""
        self.ensure_one()
        model = self.env[self._entity_models()[entity]]
        since = since or self._polling_from(entity)
        newest = None

        def read(adapter):
            nonlocal newest
            for record in adapter.search(since):
                stamp = record.get("updated")
                if stamp and (not newest or self._after(stamp, newest)):
                    newest = stamp
                yield record

        with self.work_on(model._name) as work, job_errors(self._alert_source()):
            counts, pending = model._changes(self, read(work.component(usage="backend.adapter")))
        if run:
            run.checkpoint = newest
        model._queue_pages(self, pending, run)
        text = describe(counts) or "0 read"
        if pending:
            text += f"; {len(pending)} queued"
        return JobOutcome(text, counts)

    # -- webhooks in front of the polling ---------------------------------------------------
    def _nouns(self):
        """``{noun: entity}``: the webhook events' nouns of the entities polled."""
        return {
            self.env[model]._webhook_noun: entity
            for entity, model in self._entity_models().items()
            if self.env[model]._webhook_noun
        }

    def _queue_webhook_event(self, entity, event, external_id):
        """A delivery that passed the source's checks: the import of its record queued,
        once per event and record within the replay window (``connector.webhook.event``),
        in the entity's open webhook run. Returns whether it was queued."""
        events = self.env["connector.webhook.event"].sudo()
        if not events._first_delivery(self, event, external_id):
            return False
        model = self.env[self._entity_models()[entity]]
        model.with_delay(
            priority=model._import_priority,
            identity_key=identity_without_run,
            description=f"{self._alert_source()} {event} {external_id}",
        ).import_record(self, str(external_id), run=self._open_run(entity, "webhook"))
        return True

    def _polling_domain(self):
        """The backends the polling cron polls."""
        return [("active", "=", True)]

    @api.model
    def _cron_poll(self):
        """Every backend, each entity in turn: what changed since its checkpoint (an
        entity whose previous poll still runs is left to it)."""
        runs = self.env["connector.sync.run"]
        for backend in self.search(self._polling_domain()):
            for entity in backend._entity_models():
                if not runs.search_count(
                    [
                        *backend._runs_domain(),
                        ("entity", "=", entity),
                        ("source", "=", "polling"),
                        ("state", "in", RUN_OPEN),
                    ]
                ):
                    backend._queue_poll(entity)

    def action_sync_now(self):
        """Poll every entity now (what the cron does)."""
        self._check_manager()
        for backend in self:
            for entity in backend._entity_models():
                backend._queue_poll(entity)
        return self._notify_queued(self.env._("%s polling queued.", self._alert_source()))
