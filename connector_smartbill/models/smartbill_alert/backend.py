# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

# hours without a successful import before an entity alerts, when its row says nothing
# else: SPV is read every hour, BNR publishes no rate on weekends
STALE_HOURS = {"spv": 3, "rates": 74}
DEFAULT_STALE_HOURS = 26


class SmartBillBackendEntity(models.Model):
    _inherit = "smartbill.backend.entity"

    alert_hours = fields.Integer(
        "Alert after (hours)",
        default=DEFAULT_STALE_HOURS,
        help="An alert opens when this has had no successful import for longer "
        "(0: never). Only once it has run at least once.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("alert_hours", STALE_HOURS.get(vals["entity"], DEFAULT_STALE_HOURS))
        return super().create(vals_list)


class SmartBillBackend(models.Model):
    """Health: the checks that open and close the backend's alerts (every 10 minutes);
    failing records and a job runner that does not run are the base's checks."""

    _name = "smartbill.backend"
    _inherit = ["smartbill.backend", "mail.activity.mixin"]

    anaf_token_alert_days = fields.Integer(
        "ANAF token alert (days)",
        default=7,
        help="An alert opens this many days before the company's ANAF token expires.",
    )
    token_check_minutes = fields.Integer(
        "Token check (minutes)",
        default=60,
        help="How often the health check tests the SmartBill connection (1 call each API).",
    )

    def _alert_managers(self):
        return self.env.ref("connector_smartbill.group_smartbill_manager").all_user_ids

    def _alert_source(self):
        return "SmartBill"

    def _health_causes(self, now):
        return {
            **super()._health_causes(now),
            **self._stale_causes(now),
            **self._token_causes(now),
            **self._anaf_token_causes(now),
        }

    def action_check_health(self):
        self._check_manager()
        self.check_health()
        return self.action_open_alerts()

    # -- the causes: {(kind, key): message} -----------------------------------------------
    def _stale_causes(self, now):
        causes = {}
        self.entity_ids.invalidate_recordset()  # their last runs, as of now
        for row in self.entity_ids.filtered(lambda r: r.alert_hours and r.last_run_id):
            since = row.last_success or row.last_run_id.started
            if since < now - timedelta(hours=row.alert_hours):
                label = dict(row._fields["entity"]._description_selection(self.env))[row.entity]
                causes["stale", row.entity] = self.env._(
                    "%(entity)s: no successful import since %(since)s (alert after %(hours)s "
                    "hours). Last run: %(run)s.",
                    entity=label,
                    since=row.last_success or self.env._("ever"),
                    hours=row.alert_hours,
                    run=row.last_run_id.display_name,
                )
        return causes

    def _token_causes(self, now):
        backend = self.sudo()
        checked = backend.connection_checked_at
        if not checked or checked <= now - timedelta(minutes=backend.token_check_minutes):
            backend._record_connection()
        if not backend.connection_refused:
            return {}
        return {
            ("token", False): self.env._(
                "SmartBill refuses the backend's credentials: %s", backend.connection_message
            )
        }

    def _anaf_token_causes(self, now):
        company = self.company_id.sudo()
        # l10n_ro_edi renews the access token with the refresh token; when that one
        # expires, someone must sign in to ANAF again
        expiry = company.l10n_ro_edi_refresh_expiry_date or company.l10n_ro_edi_access_expiry_date
        if not (self.spv_since and expiry):
            return {}
        if expiry > now.date() + timedelta(days=self.anaf_token_alert_days):
            return {}
        return {
            ("anaf_token", False): self.env._(
                "%(company)s's ANAF token expires on %(date)s: renew it in the Accounting "
                "settings (e-Factura) before SPV stops answering.",
                company=company.name,
                date=expiry,
            )
        }
