# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``smartbill_rotate_key``: the name this command had before the shared base, kept for
the scripts that call it; it is ``connector_rotate_key`` (every connector's credentials),
the new key read from ``SMARTBILL_NEW_KEY`` or ``CONNECTOR_NEW_KEY``.

Usage: ``SMARTBILL_NEW_KEY=... odoo-bin --addons-path=... smartbill_rotate_key -d DB``
"""

from odoo.addons.connector_accounting_base.cli.connector_rotate_key import ConnectorRotateKey


class SmartbillRotateKey(ConnectorRotateKey):
    """Encrypt the connectors' credentials of a database again with a new key."""

    name = "smartbill_rotate_key"
    new_key_variables = ("SMARTBILL_NEW_KEY", "CONNECTOR_NEW_KEY")
