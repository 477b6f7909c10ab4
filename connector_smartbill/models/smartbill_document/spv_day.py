# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmartBillSpvDay(models.Model):
    """One day of a backend's SPV messages: done when every message of the day is stored
    (as a document, or as a failed one with its reason). The window moves only past done
    days; a day not done is taken again by the next run, so nothing is skipped for good."""

    _name = "smartbill.spv.day"
    _description = "SmartBill SPV day"
    _order = "backend_id, day desc"

    backend_id = fields.Many2one(
        "smartbill.backend", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    day = fields.Date(required=True, readonly=True)
    done = fields.Boolean(readonly=True, help="Every message of the day is stored.")
    message_count = fields.Integer("Messages", readonly=True)
    listed_at = fields.Datetime("Last listed", readonly=True)

    _day_uniq = models.Constraint("unique(backend_id, day)", "One row per backend and day.")

    @api.private
    def record(self, backend, day, message_count):
        """``day`` of ``backend`` listed now, every message of it stored."""
        row = self.search([("backend_id", "=", backend.id), ("day", "=", day)])
        values = {"done": True, "message_count": message_count, "listed_at": fields.Datetime.now()}
        if row:
            row.write(values)
        else:
            self.create({"backend_id": backend.id, "day": day, **values})
