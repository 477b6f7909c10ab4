# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.connector_freshbooks import post_init_hook


def migrate(cr, version):
    """Unit prices with FreshBooks' four decimals, as on a new install."""
    post_init_hook(api.Environment(cr, SUPERUSER_ID, {}))
