# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.5.0: SmartBill's sync runs move into the base's table of every connector's
runs (``connector.sync.run``, connector ``smartbill``) with their figures, their
dashboard share of the rate limit and their jobs' links; its failed records are the
base's view. The actions and menus keep their XML ids; the run-closing and health crons
are the base's (the old health cron, kept by ``noupdate``, is removed)."""

from odoo.addons.connector_accounting_base.upgrade import move_sync_runs


def migrate(cr, version):
    move_sync_runs(
        cr,
        "connector_smartbill",
        "smartbill",
        "smartbill.backend",
        "smartbill_sync_run",
        "smartbill_run_id",
    )
