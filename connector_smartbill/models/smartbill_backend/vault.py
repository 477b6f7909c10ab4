# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SmartBill's credentials in the shared vault (``connector.vault.mixin``).

A V1 token can issue legal invoices: a database dump must not hold it. The V1, V3 and
SPV tokens and the web folder's user and password are stored encrypted with the key of
``connector_key`` / ``CONNECTOR_KEY``, or of the names this connector used before the
vault was shared, ``smartbill_key`` / ``SMARTBILL_KEY``, which existing servers keep.
"""

from odoo import api, fields, models

from odoo.addons.connector_accounting_base.models.connector_vault import common as vault

if ("smartbill_key", "SMARTBILL_KEY") not in vault.KEY_SOURCES:
    vault.KEY_SOURCES.append(("smartbill_key", "SMARTBILL_KEY"))


class SmartBillBackend(models.Model):
    _name = "smartbill.backend"
    _inherit = ["smartbill.backend", "connector.vault.mixin"]

    _vault_secrets = {
        "v1_token": "v1_token_secret",
        "v3_token": "v3_token_secret",
        "spv_token": "spv_token_secret",
        "efactura_source_credentials": "efactura_source_credentials_secret",
    }

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
