"""Run queue jobs in this process, the way queue_job's runner has a worker run them.

For the demo: no HTTP server and no separate runner process to start, yet every job goes
through queue_job's own execution path (``RunJobController``): each in its own
transaction, retried jobs postponed with their ``eta``, failures stored on the job, and
dependent jobs of a chain released when their parents are done.
"""

import logging
import time

_logger = logging.getLogger(__name__)


def run_jobs(registry, env_factory, channel="root.smartbill", timeout=600):
    """Run every job of ``channel`` until none is pending; return the seconds spent.

    ``env_factory(cr)`` gives the environment to run in. Jobs postponed by a retry are
    waited for (their ``eta``) up to ``timeout`` seconds.
    """
    # imported here: odoo.addons is complete only once Odoo's configuration is loaded
    from odoo.addons.queue_job.controllers.main import RunJobController
    from odoo.addons.queue_job.job import ENQUEUED, PENDING

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT uuid, eta FROM queue_job WHERE state = %s AND channel = %s "
                "ORDER BY eta NULLS FIRST, priority, date_created",
                [PENDING, channel],
            )
            rows = cr.fetchall()
        if not rows:
            return time.monotonic() - started
        ready = [uuid for uuid, eta in rows if eta is None or eta.timestamp() <= time.time()]
        if not ready:
            time.sleep(0.5)
            continue
        for uuid in ready:
            with registry.cursor() as cr:
                cr.execute(
                    "UPDATE queue_job SET state = %s WHERE uuid = %s AND state = %s",
                    [ENQUEUED, uuid, PENDING],
                )
            with registry.cursor() as cr:
                env = env_factory(cr)
                job = RunJobController._acquire_job(env, uuid)
                if job is None:
                    continue
                try:
                    RunJobController._runjob(env, job)
                except Exception:  # noqa: BLE001 - stored on the job as queue_job does
                    _logger.info("job %s failed", uuid)
    raise TimeoutError(f"jobs of {channel} still pending after {timeout} s")
