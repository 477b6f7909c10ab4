# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a connector's migration calls when its own copy of a shared table moves into the
base's: its sync runs into ``connector_sync_run``, with their jobs' links."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists, table_exists

# the crons each connector had before the base ran them for every connector
RETIRED_CRONS = ("cron_check_health", "cron_refresh_sync_runs")


def _columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {name for (name,) in cr.fetchall()}


def move_sync_runs(cr, module, connector, backend_model, old_table, old_job_column):
    """Copy a connector's runs (``old_table``, whose rows name their backend by
    ``backend_id``) into ``connector_sync_run`` as runs of ``connector``, each keeping
    its figures and the columns both tables have, and link their queue jobs
    (``queue_job.<old_job_column>``) to the copies. Odoo drops the old table, view and
    column at the end of the update; their failed-records view goes now, before them,
    and ``module``'s own crons for runs and health (``noupdate``: Odoo would keep them).
    Returns how many runs moved."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    for name in RETIRED_CRONS:
        cron = env.ref(f"{module}.{name}", raise_if_not_found=False)
        if cron:
            cron.unlink()
    cr.execute(SQL("DROP VIEW IF EXISTS %s", SQL.identifier(f"{old_table}_failure")))
    if not table_exists(cr, old_table):
        return 0
    backend_table = backend_model.replace(".", "_")
    kept = sorted(
        (_columns(cr, old_table) & _columns(cr, "connector_sync_run"))
        - {"id", "company_id", "connector", "res_model", "res_id"}
    )
    cr.execute("ALTER TABLE connector_sync_run ADD COLUMN moved_from integer")
    cr.execute(
        SQL(
            """INSERT INTO connector_sync_run
                   (connector, res_model, res_id, company_id, moved_from, %s)
               SELECT %s, %s, run.backend_id, backend.company_id, run.id, %s
                 FROM %s run JOIN %s backend ON backend.id = run.backend_id""",
            SQL(", ").join(SQL.identifier(name) for name in kept),
            connector,
            backend_model,
            SQL(", ").join(SQL.identifier("run", name) for name in kept),
            SQL.identifier(old_table),
            SQL.identifier(backend_table),
        )
    )
    moved = cr.rowcount
    if column_exists(cr, "queue_job", old_job_column):
        cr.execute(
            SQL(
                """UPDATE queue_job job SET connector_run_id = run.id
                     FROM connector_sync_run run
                    WHERE run.moved_from = job.%s AND run.connector = %s""",
                SQL.identifier(old_job_column),
                connector,
            )
        )
    cr.execute("ALTER TABLE connector_sync_run DROP COLUMN moved_from")
    return moved
