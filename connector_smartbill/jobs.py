# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a SmartBill queue job reports to its sync run.

A job method decorated with :func:`smartbill_job` returns a :class:`JobOutcome`: the
text queue_job stores as the job's result, carrying the job's counts (created, updated,
unchanged...) and the SmartBill calls it made. ``queue.job`` keeps them (see
``_job_store_values`` on the SmartBill models), and :class:`smartbill.sync.run` sums the
jobs of a run. Nothing is written by the job for this: queue_job stores its row anyway.
"""

import functools
import hashlib

from .api import metering

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
    """A job's result text with its counts and its SmartBill calls."""

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


def smartbill_job(method):
    """Decorate a job method: meter its SmartBill calls and return a JobOutcome."""

    @functools.wraps(method)
    def job(self, *args, **kwargs):
        with metering() as meter:
            result = method(self, *args, **kwargs)
        outcome = result if isinstance(result, JobOutcome) else JobOutcome(result or "")
        outcome.calls, outcome.waits = meter.calls, meter.waits
        outcome.waited_seconds = round(meter.waited_seconds, 3)
        return outcome

    return job


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
