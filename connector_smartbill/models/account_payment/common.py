# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payments the connector books: to match SmartBill's payment status of an invoice
(``payment_status.py``), or from SmartBill's payments report (here)."""

from odoo import api, fields, models

from ...efactura import split_id

CASH_TYPES = ("chitanta", "bon")  # the SmartBill payment types that are cash documents


class SmartBillAccountPayment(models.Model):
    """A payment the connector booked to match SmartBill's paid amount of an invoice."""

    _name = "smartbill.account.payment"
    _inherit = "smartbill.binding"
    _inherits = {"account.payment": "odoo_id"}
    _description = "SmartBill Payment"

    odoo_id = fields.Many2one(
        "account.payment", "Payment", required=True, ondelete="cascade", index=True
    )
    invoice_binding_id = fields.Many2one(
        "smartbill.account.move",
        "SmartBill invoice",
        ondelete="cascade",
        index=True,
        help="The invoice whose SmartBill paid amount this payment matches.",
    )
    source = fields.Selection(
        [("status", "Payment status"), ("report", "Payments report")],
        default="status",
        required=True,
        readonly=True,
    )

    @api.model
    def import_report_rows(self, backend, rows):
        """One payment per report row (receipt or bank payment), reconciled with the
        invoices it names; a row already imported is skipped, and status-sync payments
        of those invoices are replaced by it: the same money is one payment. Returns
        (created, skipped, errors)."""
        created, skipped, errors = 0, 0, []
        receipt_series = backend.series_ids.filtered(lambda s: s.series_type == "c")
        for row in rows:
            # "Chitanta CHT 0012", "CHT 0012", "CHT0012" -> ("CHT", "0012")
            reference = row.document
            if reference.lower().startswith(row.type.lower()):
                reference = reference[len(row.type) :]
            reference = reference.replace(" ", "")
            series, number = (
                split_id(reference, receipt_series.mapped("name")) if reference else ("", "")
            )
            cash = row.type.lower() in CASH_TYPES
            external_id = (
                f"report/{series}{number}"
                if cash and series
                else f"report/{row.type}/{row.date}/{row.document}/{row.amount}"
            )
            if self.search_count(
                [("backend_id", "=", backend.id), ("external_id", "=", external_id)]
            ):
                skipped += 1
                continue
            invoices = self.env["smartbill.account.move"].search(
                [("backend_id", "=", backend.id), ("external_id", "in", row.invoices)]
            )
            if not invoices:
                errors.append(
                    self.env._(
                        "Line %(line)s: no imported invoice among %(names)s.",
                        line=row.line,
                        names=", ".join(row.invoices) or "-",
                    )
                )
                continue
            replaced = invoices.payment_binding_ids.filtered(
                lambda b: b.source == "status" and b.state != "canceled"
            )
            for binding in replaced.sorted("id", reverse=True):
                binding.odoo_id.action_draft()
                binding.odoo_id.action_cancel()
            journal = backend._payment_journal("cash" if cash else "bank")
            payment = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoices.odoo_id.ids)
                .create(
                    {
                        "amount": float(row.amount),
                        "journal_id": journal.id,
                        "payment_date": row.date,
                        "communication": row.document or row.type,
                        "group_payment": True,
                    }
                )
                ._create_payments()
            )
            payment.write(
                {"x_smartbill_series": series or False, "x_smartbill_number": number or False}
            )
            self.create(
                {
                    "odoo_id": payment.id,
                    "backend_id": backend.id,
                    "source": "report",
                    "external_id": external_id,
                    "invoice_binding_id": invoices[:1].id,
                }
            )
            created += 1
        return created, skipped, errors


class AccountPayment(models.Model):
    _inherit = "account.payment"

    x_smartbill_series = fields.Char("SmartBill receipt series", readonly=True, copy=False)
    x_smartbill_number = fields.Char("SmartBill receipt number", readonly=True, copy=False)
