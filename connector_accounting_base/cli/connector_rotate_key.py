# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Encrypt a database's connector credentials again with a new key.

Usage: ``CONNECTOR_NEW_KEY=... odoo-bin --addons-path=... connector_rotate_key -d DB``

The current key is the one Odoo uses (``connector_key`` in the configuration file, or the
``CONNECTOR_KEY`` environment variable); the new one comes from ``CONNECTOR_NEW_KEY`` (not
from the command line: it would stay in the shell's history). Every connector's
credentials are decrypted with the current key and encrypted with the new one, in one
transaction; then set the new key in the configuration and restart Odoo.
"""

import os
import sys

from odoo import api
from odoo.cli.command import Command
from odoo.modules.registry import Registry
from odoo.tools import config


class ConnectorRotateKey(Command):
    """Encrypt the connectors' credentials of a database again with a new key."""

    name = "connector_rotate_key"
    new_key_variables = ("CONNECTOR_NEW_KEY",)

    def run(self, cmdargs):
        parser = self.parser
        parser.add_argument("-d", "--database", required=True, help="the Odoo database")
        args, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(["--database", args.database, *odoo_args], setup_logging=True)
        new_key = next(
            (os.environ[name] for name in self.new_key_variables if os.environ.get(name)), None
        )
        if not new_key:
            sys.exit(f"Set {self.new_key_variables[0]} to the new key.")
        with Registry(args.database).cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            count = env["connector.vault.mixin"]._rotate_every_key(None, new_key)
        print(f"{count} connector credentials encrypted with the new key.")
