# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.4.0: sync runs, failed records and pages of jobs are the base's mechanism. A
job's figures move from queue_job's ``smartbill_*`` columns to the base's
``connector_*`` (Odoo drops the old columns at the end of the update); the link to the
run (``smartbill_run_id``), the runs and their XML ids stay where they are."""

from odoo.tools.sql import column_exists

MOVED = ("ref", "counts", "calls", "waits", "failed", "error_class")


def migrate(cr, version):
    moved = [name for name in MOVED if column_exists(cr, "queue_job", f"smartbill_{name}")]
    if not moved:
        return
    assignments = ", ".join(f"connector_{name} = smartbill_{name}" for name in moved)
    cr.execute(
        f"UPDATE queue_job SET {assignments} "
        "WHERE smartbill_run_id IS NOT NULL OR smartbill_ref IS NOT NULL"
    )
