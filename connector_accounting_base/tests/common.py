# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the connectors' tests share."""

from contextlib import closing, contextmanager

from odoo import SUPERUSER_ID, api, sql_db


@contextmanager
def committed_env(dbname):
    """A superuser environment on a database connection of its own, as another worker
    has: what it commits is seen by every connection (the test's own transaction sees
    everything it does, and nothing of two workers at once)."""
    with closing(sql_db.db_connect(dbname).cursor()) as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})
