# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Polling: each entity is asked for what changed since its checkpoint minus an overlap.

FreshBooks searches ``updated`` by day only: ``search[updated_min]`` is a date,
YYYY-MM-DD, "greater than or equal to" (freshbooks.com/api/parameters, /api/payments),
and its change times are zone-naive US/Eastern wall clock. The checkpoint is kept as
FreshBooks wrote the newest change read; the next poll asks from the Eastern date of the
checkpoint minus the overlap (subtracted on the real time line, so a daylight-saving
switch skips nothing), re-reads that day, and skips the unchanged records by their hash.
Deleted records are not listed unless asked (freshbooks.com/api/active_deleted): each
poll asks for them too.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models

from odoo.addons.connector_accounting_base.components.importer import payload_hash
from odoo.addons.connector_accounting_base.exceptions import job_errors
from odoo.addons.connector_accounting_base.jobs import (
    JobOutcome,
    connector_job,
    describe,
    identity_without_run,
)

EASTERN = ZoneInfo("America/New_York")
STAMP = "%Y-%m-%d %H:%M:%S"


def eastern_minus(stamp, minutes):
    """``stamp`` (FreshBooks' US/Eastern wall clock) ``minutes`` earlier, as FreshBooks
    reads it. In the hour a clock goes back, a wall time is read as its first
    occurrence: the earlier one, so nothing is skipped."""
    # arithmetic on the real time line: within one zone Python subtracts wall times
    earlier = real_time(stamp) - timedelta(minutes=minutes)
    return earlier.astimezone(EASTERN).strftime(STAMP)


def real_time(stamp):
    """FreshBooks' wall time ``stamp`` as an instant (UTC), its first occurrence."""
    return datetime.strptime(stamp, STAMP).replace(tzinfo=EASTERN, fold=0).astimezone(UTC)


class FreshBooksBackend(models.Model):
    _inherit = "freshbooks.backend"
    _connector_code = "freshbooks"
    _user_group = "connector_freshbooks.group_freshbooks_user"
    _manager_group = "connector_freshbooks.group_freshbooks_manager"

    checkpoint_ids = fields.One2many(
        "connector.checkpoint",
        "res_id",
        "Checkpoints",
        domain=[("res_model", "=", "freshbooks.backend")],
        readonly=True,
        help="Per entity, the newest FreshBooks change read (US/Eastern, as FreshBooks "
        "writes it): what changed after it was not read yet.",
    )
    import_since = fields.Date(
        help="The first load reads what changed since this day (everything when empty)."
    )
    polling_overlap = fields.Integer(
        "Polling overlap (minutes)",
        default=5,
        help="Each poll reads again what changed this long before its checkpoint: a change "
        "FreshBooks stamped late is not missed (it is skipped by its hash if unchanged).",
    )
    push_customers = fields.Selection(
        [("marked", "Partners marked Sync to FreshBooks"), ("customers", "Every customer")],
        default="marked",
        required=True,
        help="Which of the company's partners Odoo creates and keeps as FreshBooks clients.",
    )
    payment_journal_id = fields.Many2one(
        "account.journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Where FreshBooks payments are booked (the company's first bank journal when "
        "empty).",
    )

    def _entity_models(self):
        """``{entity: binding model}`` of every binding that declares an entity, in the
        order of their dependencies (their import priority)."""
        registry = self.env.registry
        names = registry.descendants(["freshbooks.binding"], "_inherit")
        models_ = [
            self.env[name]
            for name in names
            if not self.env[name]._abstract and self.env[name]._freshbooks_entity
        ]
        models_.sort(key=lambda model: (model._import_priority, model._name))
        return {model._freshbooks_entity: model._name for model in models_}

    def _sync_entities(self):
        return {
            entity: self.env[model]._freshbooks_label
            for entity, model in self._entity_models().items()
        }

    def _queue_sync(self, entity, since=None, until=None, dry_run=False):
        """A poll of ``entity`` from the day ``since`` (else its checkpoint)."""
        self.ensure_one()
        return self._queue_poll(entity, since=since and str(since)[:10])

    def _pushes(self, partner):
        """Whether this backend keeps ``partner`` as a FreshBooks client."""
        if partner.company_id and partner.company_id != self.company_id:
            return False
        return partner.freshbooks_push or (
            self.push_customers == "customers" and partner.customer_rank > 0
        )

    def _payment_journal(self):
        return self.payment_journal_id or self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company_id.id)], limit=1
        )

    # -- checkpoints ----------------------------------------------------------------------
    def _checkpoint(self, entity):
        """``entity``'s checkpoint: the newest FreshBooks change read (or False)."""
        return self.env["connector.checkpoint"]._of(self, entity).stamp

    def _polling_from(self, entity):
        """``search[updated_min]`` of the next poll of ``entity``: the US/Eastern day of
        its checkpoint minus the overlap (None: everything)."""
        checkpoint = self._checkpoint(entity)
        if checkpoint:
            return eastern_minus(checkpoint, self.polling_overlap or 0)[:10]
        if self.import_since:
            return str(self.import_since)
        return None

    def _sync_sources(self):
        return {
            **super()._sync_sources(),
            "polling": self.env._("Polling"),
            "webhook": self.env._("Webhooks"),
            "push": self.env._("Customers pushed"),
        }

    def _run_closed(self, run):
        """A poll whose jobs all succeeded moves its entity's checkpoint to the newest
        change it read; a poll with a failed page leaves it, to read that page again."""
        super()._run_closed(run)
        if run.state == "done" and run.checkpoint:
            self._move_checkpoint(run.entity, run.checkpoint)

    def _move_checkpoint(self, entity, stamp):
        """``entity``'s checkpoint moves forward to ``stamp`` (never back)."""
        current = self._checkpoint(entity)
        if stamp and (not current or self._after(stamp, current)):
            self.env["connector.checkpoint"]._put(self, entity, stamp)

    @staticmethod
    def _after(stamp, other):
        return real_time(stamp) > real_time(other)

    def _open_run(self, entity, source):
        """The open run of ``entity``'s jobs from ``source`` (webhooks, pushes: jobs that
        come one by one); a new one once it closed."""
        runs = self.env["connector.sync.run"].sudo()
        return runs.search(
            [
                *self._runs_domain(),
                ("entity", "=", entity),
                ("source", "=", source),
                ("state", "=", "running"),
            ],
            limit=1,
        ) or self.sudo()._new_run(entity, source=source)

    # -- polling --------------------------------------------------------------------------
    def _queue_poll(self, entity, since=None):
        self.ensure_one()
        run = self._new_run(entity, source="polling")
        job = self.with_delay(
            priority=5,
            identity_key=identity_without_run,
            description=f"FreshBooks: poll {entity}",
        ).poll(entity, since=since, run=run)
        return self._run_of(run, job)

    @api.private
    @connector_job
    def poll(self, entity, since=None, run=None):
        """Job: read what changed in ``entity`` since the day ``since`` (default: the
        day of the checkpoint minus the overlap) and queue the new and changed records,
        a page per job; the run keeps the newest change time read, for the checkpoint."""
        self.ensure_one()
        model = self.env[self._entity_models()[entity]]
        updated_min = since or self._polling_from(entity)
        known = model._known_hashes(self)
        counts, pending, newest = Counter(), [], None
        with self.work_on(model._name) as work, job_errors("FreshBooks"):
            for record in work.component(usage="backend.adapter").search(updated_min):
                counts["read"] += 1
                stamp = record.get("updated")
                if stamp and (not newest or self._after(stamp, newest)):
                    newest = stamp
                external_id = str(record["id"])
                if model._ignored(record):
                    counts["skipped"] += 1
                elif known.get(external_id) == payload_hash(record):
                    counts["unchanged"] += 1
                else:
                    pending.append((external_id, record))
        if run:
            run.checkpoint = newest
        model._queue_pages(self, pending, run)
        text = describe(counts) or "0 read"
        if pending:
            text += f"; {len(pending)} queued"
        return JobOutcome(text, counts)

    @api.model
    def _cron_poll(self):
        """Every connected backend, each entity in turn: what changed since its
        checkpoint (an entity whose previous poll still runs is left to it)."""
        runs = self.env["connector.sync.run"]
        for backend in self.search([("state", "=", "connected")]):
            for entity in backend._entity_models():
                if not runs.search_count(
                    [
                        *backend._runs_domain(),
                        ("entity", "=", entity),
                        ("source", "=", "polling"),
                        ("state", "=", "running"),
                    ]
                ):
                    backend._queue_poll(entity)

    def action_sync_now(self):
        """Poll every entity now (what the cron does)."""
        self._check_manager()
        for backend in self:
            for entity in backend._entity_models():
                backend._queue_poll(entity)
        return self._notify_queued(self.env._("FreshBooks polling queued."))

    def action_retry_failed(self):
        """Requeue every failed job of these backends."""
        count = self._retry_failed_jobs()
        return self._notify_queued(self.env._("%s failed jobs queued again.", count))

    def action_reconcile(self):
        """Compare FreshBooks with Odoo now (what the daily cron does)."""
        self._check_manager()
        for backend in self:
            self.env["freshbooks.reconciliation"].rebuild(backend)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "connector_freshbooks.freshbooks_reconciliation_action"
        )

    @api.model
    def _cron_reconcile(self):
        for backend in self.search([("state", "=", "connected")]):
            self.env["freshbooks.reconciliation"].rebuild(backend)
