# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .payment_status import PaymentStatusPages


class SmartBillBackend(models.Model):
    """Payments: SmartBill's payment status of each open invoice, and its payments
    report."""

    _inherit = "smartbill.backend"

    payment_journal_id = fields.Many2one(
        "account.journal",
        "Payment journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Journal of the payments booked to match SmartBill (default: the first bank "
        "journal).",
    )
    payment_mismatch_count = fields.Integer(compute="_compute_payment_mismatch_count")
    payment_recheck_minutes = fields.Integer(
        "Payment status re-check (minutes)",
        default=60,
        help="An open invoice whose payment status was asked less than this many minutes "
        "ago is not asked again by the cron or the button (SmartBill allows 3 V1 calls a "
        "second); a re-sync of a period asks every invoice of the period.",
    )
    cash_journal_id = fields.Many2one(
        "account.journal",
        "Cash journal",
        domain="[('type', '=', 'cash'), ('company_id', '=', company_id)]",
        help="Journal of SmartBill receipts (Chitanta, Bon) from the payments report "
        "(default: the first cash journal).",
    )
    payment_report_columns = fields.Text(
        "Payments report columns",
        help="One 'field=Header' per line to rename the report's columns (fields: date, "
        "document, type, amount, currency, invoices, client); SmartBill's names otherwise.",
    )

    def _payment_journal(self, kind):
        """The journal for ``kind`` (bank or cash) payments of this backend."""
        chosen = self.payment_journal_id if kind == "bank" else self.cash_journal_id
        journals = self.env["account.journal"].search(
            [("type", "in", ("bank", "cash")), ("company_id", "=", self.company_id.id)]
        )
        # the company's first journal of that kind, else any bank or cash journal
        return chosen or journals.filtered(lambda j: j.type == kind)[:1] or journals[:1]

    def _report_columns(self):
        lines = (self.payment_report_columns or "").splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def action_import_payment_report(self):
        return self._wizard(
            "smartbill.payment.report.wizard", self.env._("Import SmartBill payments report")
        )

    def _compute_payment_mismatch_count(self):
        for backend in self:
            backend.payment_mismatch_count = self.env["smartbill.account.move"].search_count(
                [("backend_id", "=", backend._origin.id), ("payment_message", "!=", False)]
            )

    def _sync_entities(self):
        return {**super()._sync_entities(), "payments": self.env._("Payment status")}

    def _queue_payments(self, since=None, until=None, dry_run=False, recently_paid_days=None):
        """Queue the payment status of every customer invoice Odoo does not see as fully
        paid and that was not checked in the last *Payment status re-check* minutes
        (and, with ``recently_paid_days``, of every invoice paid in those days), the
        newest first, in pages; with ``since``/``until``, of every invoice issued in that
        period, however recently checked. Returns the sync run."""
        self.ensure_one()
        bindings = self.env["smartbill.account.move"]
        domain = [
            ("backend_id", "=", self.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
        ]
        if since or until:
            period = [("invoice_date", ">=", since)] if since else []
            period += [("invoice_date", "<=", until)] if until else []
            invoices = bindings.search([*domain, *period])
        else:
            checked = fields.Datetime.subtract(
                fields.Datetime.now(), minutes=self.payment_recheck_minutes
            )
            invoices = bindings.search(
                [
                    *domain,
                    ("payment_state", "not in", ("paid", "in_payment", "reversed")),
                    "|",
                    ("payment_checked_at", "=", False),
                    ("payment_checked_at", "<", checked),
                ]
            )
        if recently_paid_days:
            since = fields.Date.subtract(fields.Date.context_today(self), days=recently_paid_days)
            invoices |= bindings.search(
                [
                    *domain,
                    ("payment_state", "in", ("paid", "in_payment")),
                    ("invoice_date", ">=", since),
                ]
            )
        run = self._new_run("payments", "v1", date_from=since, date_to=until, dry_run=dry_run)
        PaymentStatusPages(self.env, run).queue(invoices.sorted("invoice_date", reverse=True))
        run.refresh_from_jobs()  # no invoice to check: done now
        return run

    def action_sync_payment_status(self):
        return self._action_queue("payments", self.env._("Payment status sync queued."))

    @api.model
    def _cron_sync_payment_status(self):
        for backend in self.search([("active", "=", True)]):
            backend._queue_payments(recently_paid_days=7)
