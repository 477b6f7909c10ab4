# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Encrypt a database's connector credentials (SmartBill's and every other connector's
in the shared vault) again with a new key.

Usage: ``SMARTBILL_NEW_KEY=... odoo-bin --addons-path=... smartbill_rotate_key -d DB``

The current key is the one Odoo uses (``smartbill_key`` in the configuration file, or the
``SMARTBILL_KEY`` environment variable); the new one comes from ``SMARTBILL_NEW_KEY`` (not
from the command line: it would stay in the shell's history). Every backend's credentials
are decrypted with the current key and encrypted with the new one, in one transaction;
then set the new key in the configuration and restart Odoo.
"""

import os
import sys

from odoo import api
from odoo.cli.command import Command
from odoo.modules.registry import Registry
from odoo.tools import config


class SmartbillRotateKey(Command):
    """Encrypt the SmartBill credentials of a database again with a new key."""

    name = "smartbill_rotate_key"

    def run(self, cmdargs):
        parser = self.parser
        parser.add_argument("-d", "--database", required=True, help="the Odoo database")
        args, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(["--database", args.database, *odoo_args], setup_logging=True)
        new_key = os.environ.get("SMARTBILL_NEW_KEY")
        if not new_key:
            sys.exit("Set SMARTBILL_NEW_KEY to the new key.")
        with Registry(args.database).cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            count = env["connector.vault.mixin"]._rotate_every_key(None, new_key)
        print(f"{count} connector credentials encrypted with the new key.")
