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

    def _entities(self):
        """The backend's entities this re-sync runs: one, the master data, or
        everything the backend is configured for."""
        backend = self.backend_id
        if self.entity == "master":
            return list(backend._master_data())
        if self.entity != "all":
            return [self.entity]
        wanted = {
            "documents": bool(backend.efactura_source_url),
            "spv": bool(backend.spv_since),
            "payments": True,
            "rates": not self.dry_run,  # rates are only added: they have no dry run
        }
        return [*backend._master_data(), *(entity for entity, on in wanted.items() if on)]

    def action_run(self):
        self.ensure_one()
        until = self.date_to if self.mode == "period" else None
        runs = self.env["connector.sync.run"]
        for entity in self._entities():
            runs |= self.backend_id._queue_sync(
                entity, since=self.date_from, until=until, dry_run=self.dry_run
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dry run") if self.dry_run else self.env._("Re-sync"),
            "res_model": "connector.sync.run",
            "view_mode": "list,form",
            "domain": [("id", "in", runs.ids)],
        }


class SmartBillBackend(models.Model):
    _inherit = "smartbill.backend"

    def action_resync_period(self):
        return self._wizard(
            "smartbill.resync.wizard", self.env._("Re-sync a period"), default_mode="period"
        )
