# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmartBillBackend(models.Model):
    """Reconciliation: month by month, SmartBill's documents against Odoo's moves."""

    _inherit = "smartbill.backend"

    reconciliation_ids = fields.One2many("smartbill.reconciliation", "backend_id")
    unreconciled_month_count = fields.Integer(
        "Months with differences", compute="_compute_unreconciled_month_count"
    )
    reconciled_at = fields.Datetime(
        "Reconciled", compute="_compute_unreconciled_month_count", help="When it was last checked."
    )

    @api.depends("reconciliation_ids.state", "reconciliation_ids.checked_at")
    def _compute_unreconciled_month_count(self):
        for backend in self:
            rows = backend.reconciliation_ids
            different = rows.filtered(lambda r: r.state == "different")
            backend.unreconciled_month_count = len(set(different.mapped("month")))
            backend.reconciled_at = max(rows.mapped("checked_at"), default=False)

    def action_reconcile(self):
        """Reconcile now, then show the report."""
        self._check_manager()
        for backend in self:
            self.env["smartbill.reconciliation"].rebuild(backend)
        return self.action_open_reconciliation()

    def action_open_reconciliation(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "connector_smartbill.smartbill_reconciliation_action"
        )
        action["domain"] = [("backend_id", "in", self.ids)]
        return action

    @api.model
    def _cron_reconcile(self):
        for backend in self.search([("active", "=", True)]):
            self.env["smartbill.reconciliation"].rebuild(backend)
