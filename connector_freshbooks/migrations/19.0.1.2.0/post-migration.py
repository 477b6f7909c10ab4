# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.connector_freshbooks import post_init_hook

CHECKPOINTS = ("clients", "invoices", "payments")  # the fields of 19.0.1.1.0


def migrate(cr, version):
    """Unit prices with FreshBooks' four decimals and each backend's payment types
    mapped to journals, as on a new install; the checkpoints (a field per entity until
    now) become the base's rows, and their columns go."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    post_init_hook(env)
    backends = env["freshbooks.backend"].with_context(active_test=False).search([])
    env["freshbooks.payment.type"]._prefill(backends)
    for entity in CHECKPOINTS:
        column = f"{entity}_checkpoint"
        cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'freshbooks_backend' AND column_name = %s",
            [column],
        )
        if not cr.fetchone():
            continue
        rows = env.execute_query(
            SQL(
                "SELECT id, %s FROM freshbooks_backend WHERE %s IS NOT NULL",
                SQL.identifier(column),
                SQL.identifier(column),
            )
        )
        for backend_id, stamp in rows:
            env["connector.checkpoint"]._put(
                env["freshbooks.backend"].browse(backend_id), entity, stamp
            )
        env.execute_query(
            SQL("ALTER TABLE freshbooks_backend DROP COLUMN %s", SQL.identifier(column))
        )
