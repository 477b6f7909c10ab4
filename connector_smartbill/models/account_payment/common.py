# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payments the connector books: to match SmartBill's payment status of an invoice
(``payment_status.py``), or from SmartBill's payments report (here)."""

from odoo import api, fields, models
from odoo.tools import float_compare

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

    date_source = fields.Selection(
        [("status", "Day first seen paid"), ("report", "Payments report")],
        "Date from",
        default="status",
        required=True,
        readonly=True,
        help="SmartBill's payment status gives no date: a payment booked from it is dated "
        "the day the connector first saw the invoice paid, until the payments report "
        "gives the day the money came.",
    )

    @api.model
    def _book(self, backend, invoices, amount, date, journal, communication, **values):
        """A payment of ``amount`` on ``invoices`` (their bindings), reconciled with them,
        and its binding (``values``: more of its fields)."""
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.odoo_id.ids)
            .create(
                {
                    "amount": float(amount),
                    "journal_id": journal.id,
                    "payment_date": date,
                    "communication": communication,
                    "group_payment": True,
                }
            )
            ._create_payments()
        )
        return self.create(
            {
                "odoo_id": payment.id,
                "backend_id": backend.id,
                "invoice_binding_id": invoices[:1].id,
                "external_id": f"{invoices[:1].external_id}/payment/{payment.id}",
                **values,
            }
        )

    @api.model
    @api.private
    def import_report_rows(self, backend, rows):
        """One payment per report row (receipt or bank payment), reconciled with the
        invoices it names; a row already imported is skipped. A payment the status sync
        booked for the same invoice, amount and journal is that money: it is re-dated
        (the report has the day), not booked twice; other status-sync payments of those
        invoices are replaced by the report's. Returns the counts (created, redated,
        skipped) and the errors."""
        counts, errors = {"created": 0, "redated": 0, "skipped": 0}, []
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
                counts["skipped"] += 1
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
            journal = backend._payment_journal("cash" if cash else "bank")
            values = {
                "source": "report",
                "date_source": "report",
                "external_id": external_id,
            }
            receipt = {"x_smartbill_series": series or False, "x_smartbill_number": number or False}
            status = invoices.payment_binding_ids.filtered(
                lambda b: b.source == "status" and b.state != "canceled"
            )
            same = status.filtered(
                lambda b, j=journal, r=row: b.journal_id == j
                and not float_compare(b.amount, float(r.amount), 2)
            )[:1]
            if same:
                same._redate(row.date, receipt)
                same.write(values)
                counts["redated"] += 1
                continue
            for binding in status.sorted("id", reverse=True):
                binding.odoo_id.action_draft()
                binding.odoo_id.action_cancel()
            binding = self._book(
                backend, invoices, row.amount, row.date, journal, row.document or row.type, **values
            )
            binding.odoo_id.write(receipt)
            counts["created"] += 1
        return counts, errors

    def _redate(self, date, values):
        """Date this payment ``date`` (``values``: more of its fields), still reconciled
        with the invoices it paid."""
        payment = self.odoo_id
        invoices = payment.reconciled_invoice_ids
        payment.action_draft()
        payment.write({"date": date, **values})
        payment.action_post()
        (payment.move_id.line_ids | invoices.line_ids).filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()


class AccountPayment(models.Model):
    _inherit = "account.payment"

    x_smartbill_series = fields.Char("SmartBill receipt series", readonly=True, copy=False)
    x_smartbill_number = fields.Char("SmartBill receipt number", readonly=True, copy=False)
