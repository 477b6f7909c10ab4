# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.connector_freshbooks import post_init_hook


def migrate(cr, version):
    """Unit prices with FreshBooks' four decimals, and each backend's payment types
    mapped to journals, as on a new install."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    post_init_hook(env)
    backends = env["freshbooks.backend"].with_context(active_test=False).search([])
    env["freshbooks.payment.type"]._prefill(backends)
