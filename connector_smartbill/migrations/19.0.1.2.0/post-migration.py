# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.2.0 retries an SPV day that failed after 5 to 15 s, as every other job, rather
than after 1 to 3 minutes: a dropped connection or a restarted database clears in
seconds, and ANAF's rate limits carry their own retry time."""

from odoo import SUPERUSER_ID, api

OLD = {1: (60, 180), 5: (600, 900)}
NEW = {1: (5, 15), 5: (60, 120), 10: (600, 900)}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    function = env.ref("connector_smartbill.job_function_backend_import_spv_day", False)
    # the record is noupdate: only a pattern nobody changed is moved
    pattern = function and {int(k): tuple(v) for k, v in (function.retry_pattern or {}).items()}
    if pattern == OLD:
        function.retry_pattern = NEW
