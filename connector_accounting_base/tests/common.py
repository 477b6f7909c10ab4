# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the connectors' tests share."""

import traceback
from contextlib import closing, contextmanager

from odoo import SUPERUSER_ID, api, sql_db

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job


@contextmanager
def committed_env(dbname):
    """A superuser environment on a database connection of its own, as another worker
    has: what it commits is seen by every connection (the test's own transaction sees
    everything it does, and nothing of two workers at once)."""
    with closing(sql_db.db_connect(dbname).cursor()) as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


def run_stored_jobs(env, channel, max_rounds=30):
    """Run the stored jobs of ``channel`` (and its sub-channels) as queue_job's runner
    does, without waiting for their eta: each in a savepoint; done, postponed on a
    retryable error (failed after its max retries), failed on any other error;
    dependents enqueued when done."""
    for _round in range(max_rounds):
        pending = env["queue.job"].search(
            [("state", "=", "pending"), ("channel", "=like", f"{channel}%")],
            order="priority, id",
        )
        if not pending:
            return
        for uuid in pending.mapped("uuid"):
            job = Job.load(env, uuid)
            job.set_started()
            job.store()
            try:
                with env.cr.savepoint():
                    job.perform()
                job.set_done()
                job.store()
                job.enqueue_waiting()
            except RetryableJobError as err:
                job.postpone(result=str(err), seconds=err.seconds)
                job.set_pending(reset_retry=False)
                job.store()
            except Exception as err:  # noqa: BLE001 - what the runner does
                job.set_failed(
                    exc_name=f"{type(err).__module__}.{type(err).__name__}",
                    exc_message=str(err),
                    exc_info=traceback.format_exc(),
                )
                job.store()
    raise AssertionError(f"{channel} jobs still pending after {max_rounds} rounds")
