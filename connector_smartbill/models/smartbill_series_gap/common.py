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

    @api.private
    @api.model
    def check_page(self, backend, budget):
        """Check the next numbers of the backend's invoice series, asking SmartBill about
        ``budget`` of them at most (one payment-status call each): from where the last
        page stopped (each series' ``checked_until``), from the first number imported
        (on or after the backend's *Check numbers from*) the first time. A number
        imported needs no call; one already listed (missing, or not in SmartBill) is not
        asked again until a re-sync of its period. Returns the calls made, and the calls
        left when every series is checked up to its next number (None when not)."""
        moves = self.env["smartbill.account.move"].search(
            [("backend_id", "=", backend.id), ("move_type", "in", ("out_invoice", "out_refund"))]
        )
        imported = {(m.x_smartbill_series, m.x_smartbill_number) for m in moves}
        listed = self.search([("backend_id", "=", backend.id)])
        listed.filtered(lambda g: (g.series_id.name, g.number) in imported).unlink()
        known = {(g.series_id, g.number) for g in listed.exists()}
        client, asked = backend._v1_client(), 0
        for series in backend.series_ids.filtered(lambda s: s.series_type == "f"):
            width = len(series.next_number or "")
            for value in range(series._completeness_start(moves), int(series.next_number or 0)):
                number = str(value).zfill(width)
                if (series.name, number) not in imported and (series, number) not in known:
                    if asked == budget:
                        return asked, None
                    state, total = self._ask(client, series, number)
                    asked += 1
                    self.create(
                        {
                            "backend_id": backend.id,
                            "series_id": series.id,
                            "number": number,
                            "state": state,
                            "invoice_total": total,
                        }
                    )
                series.checked_until = value
        return asked, budget - asked

    @api.model
    def _ask(self, client, series, number):
        """SmartBill's word on ``number``: (state, its total)."""
        with job_errors():
            try:
                status = client.payment_status(series.name, number)
            except NotFoundError:
                return "not_in_smartbill", 0.0
        return "missing", float(status.invoice_total_amount)

    @api.private
    @api.model
    def forget(self, backend, since):
        """A re-sync of the period from ``since``: the numbers issued from then on are
        checked again (asked again when not imported)."""
        moves = self.env["smartbill.account.move"].search(
            [
                ("backend_id", "=", backend.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">=", since),
            ]
        )
        for series in backend.series_ids.filtered(lambda s: s.series_type == "f"):
            numbers = [
                int(m.x_smartbill_number)
                for m in moves
                if m.x_smartbill_series == series.name and (m.x_smartbill_number or "").isdigit()
            ]
            first = min(numbers, default=series.checked_until + 1)
            gaps = self.search([("series_id", "=", series.id)])
            gaps.filtered(lambda g, f=first: int(g.number) >= f).unlink()
            series.checked_until = min(series.checked_until, first - 1)
