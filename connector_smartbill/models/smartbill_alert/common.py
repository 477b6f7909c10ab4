# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmartBillAlert(models.Model):
    """Something an administrator must hear of before month end: an import that stopped
    succeeding, records that keep failing, a job runner that does not run, a token
    SmartBill refuses, ANAF's token about to expire. Opened by the health check with an
    activity for the company's SmartBill managers; closed by it when the cause is gone."""

    _name = "smartbill.alert"
    _description = "SmartBill health alert"
    _order = "state desc, opened desc"

    backend_id = fields.Many2one(
        "smartbill.backend", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    kind = fields.Selection(
        [
            ("stale", "No successful import"),
            ("failing", "Records keep failing"),
            ("runner", "Jobs do not start"),
            ("token", "SmartBill refuses the token"),
            ("anaf_token", "ANAF token expires"),
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
        "(backend_id, kind, COALESCE(key, '')) WHERE state = 'open'",
        "This alert is already open.",
    )

    @api.private
    @api.model
    def update_from(self, backend, causes):
        """Open an alert for each of ``causes`` (``{(kind, key): message}``) not open
        yet, update the message of those still open, close the others."""
        alerts = self.search([("backend_id", "=", backend.id), ("state", "=", "open")])
        for alert in alerts:
            message = causes.pop((alert.kind, alert.key or False), None)
            if message is None:
                alert._close()
            elif message != alert.message:
                alert.message = message
        for (kind, key), message in causes.items():
            alert = self.create(
                {"backend_id": backend.id, "kind": kind, "key": key, "message": message}
            )
            alert._notify()

    def _notify(self):
        """An activity on the backend for each SmartBill manager of its company."""
        backend = self.backend_id
        managers = self.env.ref("connector_smartbill.group_smartbill_manager").all_user_ids
        summary = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        for user in managers.filtered(
            lambda u: u.active and not u.share and backend.company_id in u.company_ids
        ):
            self.activity_ids |= backend.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=f"SmartBill: {summary}",
                note=self.message,
                user_id=user.id,
            )

    def _close(self):
        self.write({"state": "closed", "closed": fields.Datetime.now()})
        self.activity_ids.exists().action_feedback(
            feedback=self.env._("The cause is gone: the SmartBill health check closed it.")
        )
