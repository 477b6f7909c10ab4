# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a connector's queue job reports to its sync run, and pages of jobs.

A job method decorated with :func:`connector_job` returns a :class:`JobOutcome`: the
text queue_job stores as the job's result, carrying the job's counts (created, updated,
unchanged...) and the API calls it made. ``queue.job`` keeps them (see
``connector.job.mixin``), and a connector's sync run (``connector.sync.run.mixin``)
sums the jobs of a run. Nothing is written by the job for this: queue_job stores its
row anyway.
"""

import functools
import hashlib
import logging
from collections import Counter

from odoo import api, models
from odoo.tools import split_every

from .api import ConnectorError, metering

_logger = logging.getLogger(__name__)

PAGE_SIZE = 20  # records one job imports, each in its own savepoint

# what the importers' statuses count as in a sync run
STATUS_COUNTS = {
    "created": "created",
    "updated": "updated",
    "unchanged": "unchanged",
    "gone": "skipped",
    "review": "skipped",
    "failed": "failed",
}


class JobOutcome(str):
    """A job's result text with its counts and its API calls."""

    def __new__(cls, text, counts=None, error_class=None):
        outcome = super().__new__(cls, text)
        outcome.counts = {key: value for key, value in (counts or {}).items() if value}
        outcome.error_class = error_class
        outcome.calls = outcome.waits = 0
        outcome.waited_seconds = 0.0
        return outcome

    @classmethod
    def of_status(cls, text, status, error_class=None):
        """The outcome of one record import whose importer ended with ``status``."""
        counts = {STATUS_COUNTS.get(status, "skipped"): 1} if status else None
        return cls(text, counts, error_class)


def own_priority(env, default=20):
    """The priority of the job running in ``env`` (queue_job puts its uuid in the
    context): what it queues for later keeps its place in the queue."""
    uuid = env.context.get("job_uuid")
    job = env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1) if uuid else None
    return job.priority if job else default


def describe(counts):
    """``{"created": 3, "read": 4}`` -> ``"3 created, 4 read"``."""
    return ", ".join(f"{value} {key}" for key, value in sorted(counts.items()))


class _RefusedError(Exception):
    """An item its import refused (e.g. a document that cannot be booked)."""


def _from_source_api(err):
    """Whether ``err`` (as :func:`..exceptions.job_errors` raises it) comes from the
    source's API failing or refusing: the page's other items would meet it too."""
    return isinstance(err, ConnectorError) or isinstance(err.__context__, ConnectorError)


def import_each(cr, items, import_one, label=str):
    """Import each of ``items`` in its own savepoint; returns the summed counts and the
    items to import alone.

    ``import_one(item)`` returns the item's JobOutcome. An item that cannot be imported
    here (an error, a lock another job holds, a record to retry later, an outcome with an
    ``error_class``) is rolled back and returned, for its own job: there it fails, waits
    for its retry or succeeds alone, with its own reason and sync-run row, as if it had
    never been part of the page. When the source's API fails, the items not tried yet are
    returned without trying: their jobs wait for the source's retry time. ``label(item)``
    names an item in the log (never its content: it may be personal data).
    """
    counts = Counter()
    rest = []
    for index, item in enumerate(items):
        try:
            with cr.savepoint():
                outcome = import_one(item)
                if outcome.error_class:
                    raise _RefusedError(outcome)
        except Exception as err:  # noqa: BLE001 - the item's own job reports it
            _logger.info("%s goes to its own job: %s", label(item), type(err).__name__)
            if _from_source_api(err):
                rest += items[index:]
                break
            rest.append(item)
            continue
        counts.update(outcome.counts)
    return counts, rest


class Pages:
    """How one kind of item is imported a page of :data:`PAGE_SIZE` at a time: one job
    per page, each item in its own savepoint; an item that cannot be imported in its page
    is queued as its own job, where it fails, retries or succeeds alone. A page of one
    is that item's own job.

    A kind of item names its steps: :meth:`title` and :meth:`label` (the jobs'
    descriptions), :meth:`queue_page` and :meth:`queue_one` (which job method runs a page
    and an item alone), :meth:`import_one` (an item alone) and, when a page does more
    than each item in turn, :meth:`import_here`.
    """

    def __init__(self, env, run=None):
        self.env = env
        self.run = run

    # -- the steps a kind of item names ---------------------------------------------------
    def title(self):
        """What the jobs do, e.g. "Import e-Factura documents"."""
        raise NotImplementedError

    def label(self, item):
        """The item as people know it."""
        return str(item)

    def priority(self, _index):
        """The priority of the job of the page at ``index`` (lower runs sooner)."""
        return 20

    def queue_page(self, page, delay):
        """Queue the job of ``page`` with the ``with_delay`` options ``delay``."""
        raise NotImplementedError

    def queue_one(self, item, delay):
        """Queue ``item``'s own job with the ``with_delay`` options ``delay``."""
        raise NotImplementedError

    def import_one(self, item):
        """Import ``item`` alone; returns its :class:`JobOutcome`."""
        raise NotImplementedError

    def prepare(self, importer, item):
        """Prepare ``item``'s import with its record ``importer`` (the record importer's
        ``_prepare``), for :meth:`import_together`; returns what its job tells."""
        raise NotImplementedError

    def import_here(self, items):
        """Import a page; returns the summed counts and the items to import alone."""
        return import_each(self.env.cr, items, self.import_one, self.label)

    def import_together(self, items, work):
        """Import a page, its new records made together: each item read, checked and
        mapped (or updated) in its own savepoint by a record importer of ``work``, then
        the page's new records created by one create (as the bare ORM would) and
        finished (bound, checked, posted). Should that create or a record's finish fail,
        the new records are imported again one at a time, each in its own savepoint, so
        that only the record at fault goes to its own job. Returns what
        :meth:`import_here` does."""
        cr = self.env.cr
        new = []

        def prepare(item):
            importer = work.component(usage="record.importer")
            text = self.prepare(importer, item)
            if importer.status == "new":
                new.append((item, importer))
                return JobOutcome("")  # counted once created
            return JobOutcome.of_status(text, importer.status)

        counts, rest = import_each(cr, items, prepare, self.label)
        if not new:
            return counts, rest
        importers = [importer for _item, importer in new]
        try:
            with cr.savepoint():
                importers[0]._bind_all(importers, importers[0]._create_bindings(importers))
        except Exception as err:  # noqa: BLE001 - imported again, one at a time
            _logger.info("%s new records imported one at a time: %s", len(new), type(err).__name__)
            again, alone = import_each(cr, [item for item, _i in new], self.import_one, self.label)
            counts.update(again)
            return counts, rest + alone
        for importer in importers:  # created, or gone when its finish removed it
            counts.update(JobOutcome.of_status("", importer.status).counts)
        return counts, rest

    # -- the mechanism --------------------------------------------------------------------
    def queue(self, items):
        """One job per page of ``items`` (a recordset or a list)."""
        if isinstance(items, models.BaseModel):
            chunks = split_every(PAGE_SIZE, items.ids, items.browse)
        else:
            chunks = split_every(PAGE_SIZE, items, list)
        for index, page in enumerate(chunks):
            what = f"{self.title()}: {len(page)} from {self.label(page[0])}"
            self.queue_page(page, self._delay(what, self.priority(index)))

    def import_page(self, items):
        """The page job: returns its :class:`JobOutcome`; the items it could not import
        are queued alone at the page's own priority."""
        if len(items) == 1:
            return self.import_one(items[0])
        counts, rest = self.import_here(items)
        for item in rest:
            what = f"{self.title()}: {self.label(item)}"
            self.queue_one(item, self._delay(what, own_priority(self.env, self.priority(0))))
        text = describe(counts) or "0 imported"
        if rest:
            text += f"; {len(rest)} queued in their own jobs"
        return JobOutcome(text, counts)

    @staticmethod
    def _delay(description, priority):
        return {
            "priority": priority,
            "identity_key": identity_without_run,
            "description": description,
        }


def connector_job(method):
    """Decorate a job method: meter its API calls and return a JobOutcome. A job is
    private: queue_job runs it, RPC cannot (it spends the sources' call budgets)."""

    @functools.wraps(method)
    def job(self, *args, **kwargs):
        with metering() as meter:
            result = method(self, *args, **kwargs)
        outcome = result if isinstance(result, JobOutcome) else JobOutcome(result or "")
        outcome.calls, outcome.waits = meter.calls, meter.waits
        outcome.waited_seconds = round(meter.waited_seconds, 3)
        return outcome

    return api.private(job)


def identity_without_run(job_):
    """queue_job identity key: the same work enqueued by two runs is done once."""
    kwargs = {key: value for key, value in job_.kwargs.items() if key != "run"}
    key = "|".join(
        (
            job_.model_name,
            job_.method_name,
            str(sorted(job_.recordset.ids)),
            repr(job_.args),
            repr(sorted(kwargs.items())),
        )
    )
    return hashlib.sha1(key.encode()).hexdigest()
