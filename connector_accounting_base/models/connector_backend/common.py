# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import psycopg2

from odoo import api, fields, models, sql_db


class ConnectorAccountingBackend(models.AbstractModel):
    r"""What every accounting connector's backend has from the base: a backend
    ``_inherit``\ s this mixin (not OCA's ``connector.backend`` itself, which every other
    connector of the database shares and which the base leaves as it is).

    Health alerts (``connector.alert``): a backend fills two hooks, who hears of them
    (:meth:`_alert_managers`) and its source's name (:meth:`_alert_source`), and opens
    and closes them with :meth:`_update_alerts`; its model has a ``company_id`` and
    inherits ``mail.activity.mixin``. The rate budget kept in this database
    (:meth:`_rate_budget_connect`), shared by every Odoo process and node.
    """

    _name = "connector.accounting.backend"
    _inherit = "connector.backend"
    _description = "Accounting connector backend (abstract)"

    alert_ids = fields.One2many(
        "connector.alert",
        "res_id",
        "Open alerts",
        domain=lambda self: [("res_model", "=", self._name), ("state", "=", "open")],
    )
    alert_count = fields.Integer("Open alert count", compute="_compute_alert_count")

    @api.depends("alert_ids")
    def _compute_alert_count(self):
        for backend in self:
            backend.alert_count = len(backend.alert_ids)

    def _alert_managers(self):
        """The users told of an alert (an activity each)."""
        return self.env["res.users"]

    def _alert_source(self):
        """The outside system's name, as the alerts' activities show it."""
        return self._description

    def _update_alerts(self, causes, kinds=None):
        """Open, update and close this backend's alerts (of ``kinds``, default all) to
        match ``causes`` (``{(kind, key): message}``)."""
        self.ensure_one()
        self.env["connector.alert"].update_from(self, causes, kinds)

    def action_open_alerts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Alerts of %s", self.display_name),
            "res_model": "connector.alert",
            "view_mode": "list,form",
            "domain": self.env["connector.alert"]._owned_by(self),
        }

    def _rate_budget_connect(self):
        """A function returning a new connection to this database, where the API
        clients' rate windows are kept (``limiter_connect``): every Odoo process that
        calls the same API with the same token shares one budget."""
        _dbname, params = sql_db.connection_info_for(self.env.cr.dbname)
        return lambda: psycopg2.connect(**params)
