# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the connectors' tests share."""

import base64
import os
import traceback
from contextlib import closing, contextmanager
from pathlib import Path
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests.common import ChromeBrowser

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

REPO = Path(__file__).resolve().parents[2]
# where the tours' last pictures go (the READMEs' screenshots are copied from there)
SCREENSHOTS = Path(os.environ.get("CONNECTOR_SCREENSHOTS", REPO / ".venv" / "screenshots"))


@contextmanager
def committed_env(dbname):
    """A superuser environment on a database connection of its own, as another worker
    has: what it commits is seen by every connection (the test's own transaction sees
    everything it does, and nothing of two workers at once)."""
    with closing(sql_db.db_connect(dbname).cursor()) as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


def run_stored_jobs(env, channel, max_rounds=30, until_done=True):
    """Run the stored jobs of ``channel`` (and its sub-channels) as queue_job's runner
    does, without waiting for their eta: each in a savepoint; done, postponed on a
    retryable error (failed after its max retries), failed on any other error;
    dependents enqueued when done. Without ``until_done``, ``max_rounds`` rounds and no
    more, whatever is left pending (a job waiting for its next try stays so)."""
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
    if until_done:
        raise AssertionError(f"{channel} jobs still pending after {max_rounds} rounds")


def tour_with_screenshot(case, tour, name, url):
    """Run ``tour`` from ``url`` as admin and keep what the browser shows at its end as
    ``name``.png."""
    path = SCREENSHOTS / f"{name}.png"
    original_stop = ChromeBrowser.stop

    def screenshot_then_stop(browser):
        shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        original_stop(browser)

    path.unlink(missing_ok=True)
    with patch.object(ChromeBrowser, "stop", screenshot_then_stop):
        case.start_tour(url, tour, login="admin")
    case.assertGreater(path.stat().st_size, 10_000)
    case.assertEqual(path.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
    return path
