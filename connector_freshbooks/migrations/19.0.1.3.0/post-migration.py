# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.3.0: FreshBooks' sync runs move into the base's table of every connector's
runs (``connector.sync.run``, connector ``freshbooks``) with their figures, their
checkpoints and their jobs' links; its failed records are the base's view. The action
and menu keep their XML ids; the run-closing and health crons are the base's."""

from odoo.addons.connector_accounting_base.upgrade import move_sync_runs


def migrate(cr, version):
    move_sync_runs(
        cr,
        "connector_freshbooks",
        "freshbooks",
        "freshbooks.backend",
        "freshbooks_sync_run",
        "freshbooks_run_id",
    )
