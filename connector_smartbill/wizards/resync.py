# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class SmartBillResyncWizard(models.TransientModel):
    """Import since a date, or re-sync a period, for one entity or all; a dry run
    reports what would change and writes nothing. Either way, what is already in Odoo
    unchanged is left alone: re-running a window creates nothing twice."""

    _name = "smartbill.resync.wizard"
    _description = "SmartBill re-sync"

    backend_id = fields.Many2one("smartbill.backend", required=True, ondelete="cascade")
    mode = fields.Selection(
        [("since", "Import since"), ("period", "Re-sync a period")], default="period", required=True
    )
    entity = fields.Selection(
        [
            ("all", "Everything"),
            ("master", "Master data (partners, products, workpoints, series)"),
            ("documents", "e-Factura documents (by issue date)"),
            ("spv", "ANAF SPV messages (by day)"),
            ("payments", "Payment status (invoices by issue date)"),
            ("rates", "BNR exchange rates"),
        ],
        default="all",
        required=True,
        help="SmartBill's API has no 'changed since': master data is always compared in "
        "full, by content.",
    )
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", default=fields.Date.context_today)
    dry_run = fields.Boolean(
        help="Read SmartBill and report what would be created or updated, without writing."
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_to and wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period ends before it starts."))

    def action_run(self):
        self.ensure_one()
        until = self.date_to if self.mode == "period" else None
        runs = self.backend_id.resync(self.entity, self.date_from, until, dry_run=self.dry_run)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dry run") if self.dry_run else self.env._("Re-sync"),
            "res_model": "smartbill.sync.run",
            "view_mode": "list,form",
            "domain": [("id", "in", runs.ids)],
        }
