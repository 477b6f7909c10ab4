# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Credentials encrypted at rest, with a key kept outside the database.

A V1 token can issue legal invoices: a database dump must not hold it. The V1, V3 and
SPV tokens and the web folder's user and password are stored encrypted (``cryptography``'s
Fernet, already an Odoo dependency) with the key of the Odoo configuration option
``smartbill_key`` or, else, the environment variable ``SMARTBILL_KEY``. The fields people
see (``v1_token``...) are computed from the encrypted columns (``*_secret``), which only
the system reads. Without the key a credential can be neither saved nor used, and the
error names the option; ``odoo-bin smartbill_rotate_key`` changes the key.
"""

import logging
import os

from cryptography.fernet import Fernet, InvalidToken

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

_logger = logging.getLogger(__name__)

KEY_OPTION = "smartbill_key"
KEY_VARIABLE = "SMARTBILL_KEY"
# the credential fields and their encrypted columns
SECRETS = {
    "v1_token": "v1_token_secret",
    "v3_token": "v3_token_secret",
    "spv_token": "spv_token_secret",
    "efactura_source_credentials": "efactura_source_credentials_secret",
}


def configured_key():
    """The key of the configuration (or the environment), None when there is none."""
    return config.get(KEY_OPTION) or os.environ.get(KEY_VARIABLE) or None


def cipher(key=None):
    """The Fernet of ``key`` (default: the configured one); UserError naming the option
    when there is none or it is not a Fernet key."""
    key = key or configured_key()
    if not key:
        message = (
            f"SmartBill credentials are encrypted with a key kept outside the database: "
            f"set {KEY_OPTION} in the Odoo configuration file (or the {KEY_VARIABLE} "
            'environment variable) to a key made by `python3 -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"`, then restart Odoo.'
        )
        raise UserError(message)
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        message = f"{KEY_OPTION} is not a Fernet key (32 url-safe base64-encoded bytes)."
        raise UserError(message) from None


class SmartBillBackend(models.Model):
    _inherit = "smartbill.backend"

    v1_token_secret = fields.Char(groups="base.group_system", copy=False)
    v3_token_secret = fields.Char(groups="base.group_system", copy=False)
    spv_token_secret = fields.Char(groups="base.group_system", copy=False)
    efactura_source_credentials_secret = fields.Char(groups="base.group_system", copy=False)

    # one compute and one inverse per credential: writing one never touches another
    @api.depends("v1_token_secret")
    def _compute_v1_token(self):
        self._show_secret("v1_token")

    @api.depends("v3_token_secret")
    def _compute_v3_token(self):
        self._show_secret("v3_token")

    @api.depends("spv_token_secret")
    def _compute_spv_token(self):
        self._show_secret("spv_token")

    @api.depends("efactura_source_credentials_secret")
    def _compute_efactura_source_credentials(self):
        self._show_secret("efactura_source_credentials")

    def _inverse_v1_token(self):
        self._keep_secret("v1_token")

    def _inverse_v3_token(self):
        self._keep_secret("v3_token")

    def _inverse_spv_token(self):
        self._keep_secret("spv_token")

    def _inverse_efactura_source_credentials(self):
        self._keep_secret("efactura_source_credentials")

    def _show_secret(self, field_name):
        """The credential as managers see it; empty where the key is missing or another
        one (the error comes when it is used)."""
        key = configured_key()
        for backend in self:
            backend[field_name] = backend._decrypt(backend.sudo()[SECRETS[field_name]], key)

    def _keep_secret(self, field_name):
        for backend in self:
            value = backend[field_name]
            backend.sudo()[SECRETS[field_name]] = (
                cipher().encrypt(value.encode()).decode() if value else False
            )

    @api.model
    def _decrypt(self, value, key=None):
        if not value:
            return False
        try:
            return cipher(key).decrypt(value.encode()).decode()
        except (UserError, InvalidToken):
            _logger.warning("A SmartBill credential cannot be decrypted with the key set")
            return False

    def _secret(self, field_name):
        """The credential ``field_name`` in clear, for a client: UserError naming the
        option when the key is missing or is not the one it was encrypted with."""
        self.ensure_one()
        value = self.sudo()[SECRETS[field_name]]
        if not value:
            return None
        try:
            return cipher().decrypt(value.encode()).decode()
        except InvalidToken:
            raise UserError(
                self.env._(
                    "The SmartBill credentials of %(backend)s were encrypted with another "
                    "key than %(option)s: set the key they were saved with, or enter them "
                    "again.",
                    backend=self.name,
                    option=KEY_OPTION,
                )
            ) from None

    @api.model
    def _rotate_key(self, old_key, new_key):
        """Encrypt every backend's credentials again with ``new_key``; returns how many
        were."""
        old, new = cipher(old_key), cipher(new_key)
        count = 0
        backends = self.sudo().with_context(active_test=False)
        for backend in backends.search([("company_vat_code", "!=", False)]):
            values = {}
            for column in SECRETS.values():
                if backend[column]:
                    clear = old.decrypt(backend[column].encode())
                    values[column] = new.encrypt(clear).decode()
            backend.write(values)
            count += len(values)
        return count
