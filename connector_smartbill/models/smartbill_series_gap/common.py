# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ...api import NotFoundError
from ...exceptions import job_errors


class SmartBillSeriesGap(models.Model):
    """A number SmartBill's invoice series passed (it is below the next number) that has
    no invoice in Odoo: issued but its e-Factura not arrived yet, or not in SmartBill
    any more (deleted, or cancelled and removed)."""

    _name = "smartbill.series.gap"
    _description = "SmartBill invoice number missing in Odoo"
    _order = "series_id, number"

    backend_id = fields.Many2one("smartbill.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    series_id = fields.Many2one("smartbill.series", required=True, ondelete="cascade")
    number = fields.Char(required=True)
    document_ref = fields.Char("Document", compute="_compute_document_ref", store=True)
    state = fields.Selection(
        [
            ("missing", "Missing in Odoo"),
            ("not_in_smartbill", "Not in SmartBill"),
        ],
        required=True,
        help="Missing in Odoo: SmartBill knows the invoice, its e-Factura has not been "
        "imported. Not in SmartBill: SmartBill does not know the number (deleted).",
    )
    invoice_total = fields.Float("SmartBill total", digits=(16, 2))

    _number_uniq = models.Constraint(
        "unique(series_id, number)", "This number is already listed for its series."
    )

    @api.depends("series_id.name", "number")
    def _compute_document_ref(self):
        for gap in self:
            gap.document_ref = f"{gap.series_id.name}{gap.number}"

    @api.model
    def check_backend(self, backend):
        """List the numbers of every invoice series that have no invoice in Odoo, each
        checked with SmartBill's payment status; returns the counts."""
        series_list = backend.series_ids.filtered(lambda s: s.series_type == "f")
        imported = {
            f"{move.x_smartbill_series}{move.x_smartbill_number}"
            for move in self.env["smartbill.account.move"].search(
                [
                    ("backend_id", "=", backend.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ]
            )
        }
        client = backend._v1_client()
        counts = {"missing": 0, "not_in_smartbill": 0}
        gaps = {(g.series_id, g.number): g for g in self.search([("backend_id", "=", backend.id)])}
        for series in series_list:
            width = len(series.next_number)
            for value in range(1, int(series.next_number)):
                number = str(value).zfill(width)
                gap = gaps.get((series, number), self.browse())
                if f"{series.name}{number}" in imported:
                    gap.unlink()
                    continue
                if gap.state == "not_in_smartbill":  # a deleted number stays deleted
                    counts["not_in_smartbill"] += 1
                    continue
                with job_errors():
                    try:
                        status = client.payment_status(series.name, number)
                        values = {
                            "state": "missing",
                            "invoice_total": float(status.invoice_total_amount),
                        }
                    except NotFoundError:
                        values = {"state": "not_in_smartbill", "invoice_total": 0}
                counts[values["state"]] += 1
                if gap:
                    gap.write(values)
                else:
                    self.create(
                        {
                            "backend_id": backend.id,
                            "series_id": series.id,
                            "number": number,
                            **values,
                        }
                    )
        return counts
