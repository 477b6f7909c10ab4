# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A FreshBooks backend: one business (its ``account_id``) for one Odoo company.

The backend's own file holds what every capability shares: the app's credentials, the
business connected, the clients. The connection itself (authorize, tokens, refresh) is in
``oauth.py``.
"""

from dataclasses import replace

from odoo import api, fields, models

from ...api import API_URL, AUTH_URL, DEFAULT_LIMIT, FreshBooksClient


class FreshBooksBackend(models.Model):
    _name = "freshbooks.backend"
    _inherit = [
        "connector.polling.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "connector.vault.mixin",
        "connector.job.mixin",
    ]
    _description = "FreshBooks Backend"
    _backend_type = "freshbooks"
    _binding_model = "freshbooks.binding"

    _vault_secrets = {
        "client_secret": "client_secret_secret",
        "access_token": "access_token_secret",
        "refresh_token": "refresh_token_secret",
    }

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    client_id = fields.Char(
        "App client id", help="The client id of the app registered at FreshBooks."
    )
    client_secret = fields.Char(
        "App client secret",
        compute="_compute_client_secret",
        inverse="_inverse_client_secret",
        groups="connector_freshbooks.group_freshbooks_manager",
        help="Stored encrypted with the key kept outside the database (connector_key).",
    )
    client_secret_secret = fields.Char(groups="base.group_system", copy=False)
    api_url = fields.Char(
        "API URL", default=API_URL, required=True, help="FreshBooks' API (the token endpoint too)."
    )
    auth_url = fields.Char(
        "Authorization URL", default=AUTH_URL, required=True, help="FreshBooks' authorize page."
    )
    account_id = fields.Char(
        "FreshBooks account id",
        copy=False,
        help="The business's account id (the accounting endpoints' path). Filled when "
        "connecting; set it first to connect one business of several.",
    )
    business_id = fields.Integer("FreshBooks business id", readonly=True, copy=False)
    business_name = fields.Char("Business name", readonly=True, copy=False)
    rate_limit_calls = fields.Integer(
        "Calls allowed",
        default=DEFAULT_LIMIT.calls,
        help="FreshBooks publishes no limit: the connector keeps this many calls per window "
        "for the business, shared by every Odoo worker, and backs off on a 429.",
    )
    rate_limit_window = fields.Integer("Per (seconds)", default=int(DEFAULT_LIMIT.window))

    _account_company_uniq = models.UniqueIndex(
        "(account_id, company_id) WHERE account_id IS NOT NULL",
        "This FreshBooks business already has a backend for this company.",
    )

    @api.depends("client_secret_secret")
    def _compute_client_secret(self):
        self._show_secret("client_secret")

    def _inverse_client_secret(self):
        self._keep_secret("client_secret")

    def _alert_managers(self):
        return self.env.ref("connector_freshbooks.group_freshbooks_manager").all_user_ids

    def _alert_source(self):
        return "FreshBooks"

    def _check_manager(self):
        """Only a FreshBooks manager of the backend's company may connect it (managers
        alone may write backends; the record rule keeps them to their companies)."""
        self.check_access("write")

    def _limit(self):
        return replace(
            DEFAULT_LIMIT,
            calls=self.rate_limit_calls or DEFAULT_LIMIT.calls,
            window=float(self.rate_limit_window or DEFAULT_LIMIT.window),
        )

    def _api_client(self):
        """The API client of this business, its access token renewed as needed."""
        self.ensure_one()
        return FreshBooksClient(
            self._access_token(),
            self.account_id,
            base_url=self.api_url,
            renew=self._renew_access_token,
            limit=self._limit(),
            limiter_connect=self._rate_budget_connect(),
        )
