# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Connecting a backend to FreshBooks, and keeping it connected: the base's OAuth 2.0
frame (``connector.oauth.mixin``: the signed single-use state, the refresh rotation under
a lock, the reconnect alert) with FreshBooks' own parts: its app's client, the scopes of
the entities the backend reads, and the business the tokens connect to."""

from odoo import fields, models
from odoo.exceptions import UserError

from ...api import SCOPES, FreshBooksClient, OAuthClient


class FreshBooksBackend(models.Model):
    _inherit = ["freshbooks.backend", "connector.oauth.mixin"]
    _name = "freshbooks.backend"
    _oauth_start = "/freshbooks/auth/start"
    _oauth_callback = "/freshbooks/auth/callback"
    _oauth_state_scope = "connector_freshbooks.oauth_state"

    state = fields.Selection(tracking=True)  # the mixin's, in the chatter

    def _oauth_client(self):
        backend = self.sudo()
        if not backend.client_id or not self._secret("client_secret"):
            raise UserError(
                self.env._("Enter the client id and secret of your FreshBooks app first.")
            )
        return OAuthClient(
            backend.client_id,
            self._secret("client_secret"),
            self._redirect_uri(),
            api_url=backend.api_url,
            auth_url=backend.auth_url,
        )

    def _oauth_scopes(self):
        """The scopes asked (freshbooks.com/api/scopes): the connector's, and those of
        every entity a binding declares."""
        declared = (self.env[m]._oauth_scope for m in self._entity_models().values())
        return tuple(dict.fromkeys((*SCOPES, *declared)))

    def _oauth_connected(self, tokens):
        """The business the user who connected has (the one of ``account_id`` when it is
        set), kept on the backend; a business another backend of the company has is
        refused."""
        api = FreshBooksClient(tokens.access_token, base_url=self.api_url, max_retries=1)
        businesses = api.businesses()
        wanted = [b for b in businesses if b[0] == self.account_id] if self.account_id else []
        if not (wanted or (businesses and not self.account_id)):
            raise UserError(
                self.env._(
                    "The FreshBooks user who connected has no business with account id "
                    "%(account)s (theirs: %(found)s).",
                    account=self.account_id,
                    found=", ".join(b[0] for b in businesses) or "-",
                )
            )
        account_id, business_id, business_name = (wanted or businesses)[0]
        other = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("account_id", "=", account_id),
                    ("company_id", "=", self.company_id.id),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
        )
        if other:
            raise UserError(
                self.env._(
                    "FreshBooks business %(business)s already feeds %(company)s through "
                    "backend %(other)s.",
                    business=business_name,
                    company=self.company_id.name,
                    other=other.name,
                )
            )
        self.sudo().write(
            {"account_id": account_id, "business_id": business_id, "business_name": business_name}
        )
        return self.env._(
            "Connected to FreshBooks: %(business)s (account %(account)s).",
            business=business_name,
            account=account_id,
        )
