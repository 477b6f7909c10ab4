# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ConnectorAlert(models.Model):
    """Something an administrator must hear of before month end, for a backend of any
    connector: an import that stopped succeeding, records that keep failing, a job runner
    that does not run, a token the outside system refuses, a connection to make again.
    Opened by the backend's health check with an activity for its managers; closed by it
    when the cause is gone. A connector adds its own kinds (``selection_add``)."""

    _name = "connector.alert"
    _inherit = "connector.backend.owned.mixin"
    _description = "Connector health alert"
    _order = "state desc, opened desc"

    res_id = fields.Many2oneReference("Backend id")  # "Backend" labels backend_name
    backend_name = fields.Char("Backend", compute="_compute_backend_name")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    kind = fields.Selection(
        [
            ("stale", "No successful import"),
            ("failing", "Records keep failing"),
            ("runner", "Jobs do not start"),
            ("token", "The outside system refuses the token"),
            ("reconnect", "Reconnect needed"),  # the OAuth frame's: a refresh token refused
        ],
        required=True,
        readonly=True,
    )
    key = fields.Char(readonly=True, help="What the alert is about, within its kind.")
    message = fields.Text(readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", readonly=True, index=True
    )
    opened = fields.Datetime(default=fields.Datetime.now, readonly=True)
    closed = fields.Datetime(readonly=True)
    activity_ids = fields.Many2many("mail.activity", string="Activities", readonly=True)

    _open_uniq = models.UniqueIndex(
        "(res_model, res_id, kind, COALESCE(key, '')) WHERE state = 'open'",
        "This alert is already open.",
    )

    @api.depends("res_model", "res_id")
    def _compute_backend_name(self):
        for alert in self:
            backend = alert._backend()
            alert.backend_name = backend.display_name if backend.exists() else False

    @api.private
    @api.model
    def update_from(self, backend, causes, kinds=None):
        """Open an alert for each of ``causes`` (``{(kind, key): message}``) not open
        yet, update the message of those still open, close the others (of ``kinds``
        only, when given: a check that sees some causes leaves the others' alerts)."""
        domain = self._owned_by(backend)
        if kinds is not None:
            domain.append(("kind", "in", list(kinds)))
        alerts = self.search([*domain, ("state", "=", "open")])
        for alert in alerts:
            message = causes.pop((alert.kind, alert.key or False), None)
            if message is None:
                alert._close()
            elif message != alert.message:
                alert.message = message
        for (kind, key), message in causes.items():
            alert = self.create(
                {
                    **self._owner_values(backend),
                    "company_id": backend.company_id.id,
                    "kind": kind,
                    "key": key,
                    "message": message,
                }
            )
            alert._notify()

    def _notify(self):
        """An activity on the backend for each of its managers in its company."""
        backend = self._backend()
        summary = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        for user in backend._alert_managers().filtered(
            lambda u: u.active and not u.share and backend.company_id in u.company_ids
        ):
            self.activity_ids |= backend.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=f"{backend._alert_source()}: {summary}",
                note=self.message,
                user_id=user.id,
            )

    def _close(self):
        self.write({"state": "closed", "closed": fields.Datetime.now()})
        backend = self._backend()
        self.activity_ids.exists().action_feedback(
            feedback=self.env._(
                "The cause is gone: the %s health check closed it.", backend._alert_source()
            )
        )
