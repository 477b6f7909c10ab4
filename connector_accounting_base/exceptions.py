# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How failures end a connector's queue job: the one mapping of an error to a job outcome.

* :class:`InvalidRecordError`: the source's record cannot be imported as it is (an
  unmapped tax rate, an unknown unit...). The job fails with a message saying what to fix;
  retrying without a change cannot help.
* :func:`job_errors`: a failure of the source's API (or of another outside part a
  connector names) becomes ``RetryableJobError`` when trying later can help (rate limits,
  5xx, timeouts: retried after the server's ``retry_at`` or the job's retry pattern) and
  ``FailedJobError`` otherwise (credentials, permissions, refused requests).
"""

import time
from contextlib import contextmanager

import psycopg2

from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError

from .api import ConnectorError


class InvalidRecordError(FailedJobError):
    """A source's record that needs a person: the message names the value to fix."""


def job_error(err, source):
    """The queue_job exception that ends a job on ``err`` (an error with ``retryable``
    and maybe ``retry_at``); an API's error is told as ``source``'s."""
    text = f"{source}: {err}" if isinstance(err, ConnectorError) else str(err)
    if not err.retryable:
        return FailedJobError(text)
    retry_at = getattr(err, "retry_at", None)
    seconds = max(1, int(retry_at - time.time()) + 1) if retry_at else None
    return RetryableJobError(text, seconds=seconds)


@contextmanager
def job_errors(source, also=()):
    """Turn the API's errors (``ConnectorError``) and the error classes ``also`` into
    the job's end; the API's are told as ``source``'s (e.g. "SmartBill: ...")."""
    try:
        yield
    except (ConnectorError, *also) as err:
        raise job_error(err, source) from None


class DatabaseRefusedError(FailedJobError):
    """Odoo's database refused what a job wrote (one of its constraints), said in words:
    the job fails with this reason, and *Retry failed* runs it again."""


def database_reason(env, err):
    """``err`` (a psycopg2 error) in words: the message Odoo declares for the constraint
    it broke, else that constraint's name and the model it guards; never PostgreSQL's
    own text."""
    if not isinstance(err, psycopg2.IntegrityError):
        return env._("Odoo's database could not complete it now; it can be retried.")
    diag = err.diag
    model = next(
        (env[name] for name, cls in env.registry.items() if cls._table == diag.table_name),
        None,
    )
    declared = model is not None and model._table_objects.get(diag.constraint_name)
    rule = declared and declared.get_error_message(model, diag)
    what = model._description if model is not None else env._("record")
    if rule:
        return env._("Odoo refused the %(what)s: %(rule)s", what=what, rule=rule)
    return env._(
        "Odoo refused the %(what)s: it breaks the database rule %(rule)s.",
        what=what,
        rule=diag.constraint_name or type(err).__name__,
    )


def reason_of(env, err):
    """What a person reads of ``err``: a database error in words (see
    :func:`database_reason`), anything else as it says itself."""
    if isinstance(err, psycopg2.Error):
        return database_reason(env, err)
    return f"{type(err).__name__}: {err}"
