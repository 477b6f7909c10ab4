# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Credentials encrypted at rest, with a key kept outside the database.

A token that can issue legal invoices or read a company's books must not be in a database
dump. A model that inherits ``connector.vault.mixin`` declares its credentials in
``_vault_secrets`` (``{"clear field": "encrypted column"}``); the clear fields people see
are computed from the encrypted columns, which only the system reads. The columns are
encrypted with ``cryptography``'s Fernet (an Odoo dependency) and the key of the Odoo
configuration option ``connector_key`` or, else, the environment variable
``CONNECTOR_KEY`` (a connector may register the names it used before, see
:data:`KEY_SOURCES`). Without the key a credential can be neither saved nor used, and the
error names the option; ``odoo-bin connector_rotate_key`` changes the key.
"""

import logging
import os

from cryptography.fernet import Fernet, InvalidToken

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import config

_logger = logging.getLogger(__name__)

# (configuration option, environment variable), the first one set wins
KEY_SOURCES = [("connector_key", "CONNECTOR_KEY")]


def configured_key():
    """The key of the configuration (or the environment), None when there is none."""
    for option, variable in KEY_SOURCES:
        key = config.get(option) or os.environ.get(variable)
        if key:
            return key
    return None


def _key_names():
    options = " or ".join(option for option, _variable in KEY_SOURCES)
    variables = " or ".join(variable for _option, variable in KEY_SOURCES)
    return options, variables


def cipher(key=None):
    """The Fernet of ``key`` (default: the configured one); UserError naming the option
    when there is none or it is not a Fernet key."""
    key = key or configured_key()
    options, variables = _key_names()
    if not key:
        message = (
            f"Connector credentials are encrypted with a key kept outside the database: "
            f"set {options} in the Odoo configuration file (or the {variables} "
            'environment variable) to a key made by `python3 -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"`, then restart Odoo.'
        )
        raise UserError(message)
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        message = f"{options}: not a Fernet key (32 url-safe base64-encoded bytes)."
        raise UserError(message) from None


class ConnectorVaultMixin(models.AbstractModel):
    _name = "connector.vault.mixin"
    _description = "Credentials encrypted at rest"

    # {"clear field": "encrypted column"}: each model declares its own
    _vault_secrets = {}

    def _show_secret(self, field_name):
        """The credential as managers see it; empty where the key is missing or another
        one (the error comes when it is used)."""
        key = configured_key()
        column = self._vault_secrets[field_name]
        for record in self:
            record[field_name] = record._decrypt(record.sudo()[column], key)

    def _keep_secret(self, field_name):
        column = self._vault_secrets[field_name]
        for record in self:
            value = record[field_name]
            record.sudo()[column] = cipher().encrypt(value.encode()).decode() if value else False

    @api.model
    def _decrypt(self, value, key=None):
        if not value:
            return False
        try:
            return cipher(key).decrypt(value.encode()).decode()
        except (UserError, InvalidToken):
            _logger.warning("A %s credential cannot be decrypted with the key set", self._name)
            return False

    def _secret(self, field_name):
        """The credential ``field_name`` in clear, for a client: UserError naming the
        option when the key is missing or is not the one it was encrypted with."""
        self.ensure_one()
        value = self.sudo()[self._vault_secrets[field_name]]
        if not value:
            return None
        try:
            return cipher().decrypt(value.encode()).decode()
        except InvalidToken:
            raise UserError(
                self.env._(
                    "The credentials of %(record)s were encrypted with another key than "
                    "%(option)s: set the key they were saved with, or enter them again.",
                    record=self.display_name,
                    option=_key_names()[0],
                )
            ) from None

    def _store_secrets(self, values):
        """Write credentials (``{"clear field": value}``) straight to their encrypted
        columns, e.g. tokens a server just issued."""
        self.ensure_one()
        self.sudo().write(
            {
                self._vault_secrets[name]: cipher().encrypt(value.encode()).decode()
                if value
                else False
                for name, value in values.items()
            }
        )

    @api.model
    def _rotate_key(self, old_key, new_key):
        """Encrypt the credentials of every record of this model again with
        ``new_key``; returns how many were."""
        old, new = cipher(old_key), cipher(new_key)
        count = 0
        # the records that keep a credential
        domain = Domain.OR(Domain(column, "!=", False) for column in self._vault_secrets.values())
        records = self.sudo().with_context(active_test=False).search(domain)
        for record in records:
            values = {}
            for column in self._vault_secrets.values():
                if record[column]:
                    clear = old.decrypt(record[column].encode())
                    values[column] = new.encrypt(clear).decode()
            record.write(values)
            count += len(values)
        return count

    @api.model
    def _rotate_every_key(self, old_key, new_key):
        """:meth:`_rotate_key` on every model keeping credentials in the vault."""
        names = self.env.registry.descendants([self._name], "_inherit")
        return sum(
            self.env[name]._rotate_key(old_key, new_key)
            for name in names
            if not self.env[name]._abstract
        )
