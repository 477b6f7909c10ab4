# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invoice payment state in Odoo equal to SmartBill's.

SmartBill's V1 API tells, per invoice, how much is paid (``/invoice/paymentstatus``) but
not by which payments. The connector books the difference: a payment for what SmartBill
has more, and cancels its own payments (never one a person entered) for what SmartBill
has less. One job per page of invoices, each invoice in its own savepoint, within the
V1 rate limit.
"""

import logging
from contextlib import closing
from decimal import Decimal

from odoo import fields, models, sql_db
from odoo.tools import SQL

from odoo.addons.connector.database import pg_try_advisory_lock
from odoo.addons.connector_accounting_base.jobs import JobOutcome, Pages, connector_job, import_each
from odoo.addons.queue_job.exception import RetryableJobError

from ...api import NotFoundError
from ...exceptions import job_errors

_logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


class PaymentStatusPages(Pages):
    """Pages of invoices whose payment status is asked of SmartBill, the newest first."""

    def title(self):
        return self.env._("SmartBill payment status")

    def label(self, item):
        return item.display_name

    def priority(self, index):
        return min(20 + index // 5, 99)  # the newest invoices first

    def queue_page(self, page, delay):
        page.with_delay(**delay).sync_payment_statuses(run=self.run)

    def queue_one(self, item, delay):
        item.with_delay(**delay).sync_payment_status(run=self.run)

    def import_one(self, item):
        return item._sync_payment_status(self.run, item._ask_payment_status())

    def import_here(self, items):
        """Ask SmartBill about every invoice, then align each in its own savepoint."""
        client = items.backend_id.ensure_one()._v1_client()
        statuses = {}
        for invoice in items:
            try:
                statuses[invoice.id] = invoice._ask_payment_status(client)
            except Exception as err:  # noqa: BLE001 - their own jobs report it
                _logger.info("SmartBill not asked about the rest of the page: %s", err)
                break
        asked = items.browse(list(statuses))
        counts, rest = import_each(
            self.env.cr,
            asked,
            lambda invoice: invoice._sync_payment_status(self.run, statuses[invoice.id]),
            self.label,
        )
        return counts, rest + list(items - asked)


class SmartBillAccountMove(models.Model):
    _inherit = "smartbill.account.move"

    smartbill_paid = fields.Float("Paid in SmartBill", digits=(16, 2), readonly=True)
    payment_checked_at = fields.Datetime("Payment status checked", readonly=True)
    payment_message = fields.Char(readonly=True)
    payment_binding_ids = fields.One2many("smartbill.account.payment", "invoice_binding_id")

    def _odoo_paid(self):
        """What Odoo sees paid on the invoice by payments, in its currency: settled minus
        what credit notes settled (SmartBill's paid amount counts money only)."""
        receivable = self.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        credited = sum(
            Decimal(str(partial.credit_amount_currency))
            for partial in receivable.matched_credit_ids
            if partial.credit_move_id.move_id.move_type == "out_refund"
        )
        settled = Decimal(str(self.amount_total)) - Decimal(str(self.amount_residual))
        return settled - credited

    @connector_job
    def sync_payment_statuses(self, run=None):
        """Job: the payment status of a page of invoices. SmartBill is asked for every
        invoice first (the calls wait for the rate limit), then each invoice is aligned
        in its own savepoint: Odoo locks the payment journal's numbering from the first
        payment booked until the job's commit, and another job booking in that journal
        waits for it, so the lock is not held while calls wait. An invoice that fails
        here, or that SmartBill could not be asked about, is queued alone
        (``sync_payment_status``)."""
        return PaymentStatusPages(self.env, run).import_page(self)

    @connector_job
    def sync_payment_status(self, run=None):
        """Job: align Odoo's paid amount on SmartBill's for this invoice (in a dry run,
        only tell whether it would change)."""
        self.ensure_one()
        return self._sync_payment_status(run, self._ask_payment_status())

    def _ask_payment_status(self, client=None):
        """SmartBill's payment status of this invoice; None when SmartBill no longer
        has it."""
        client = client or self.backend_id._v1_client()
        with job_errors():
            try:
                return client.payment_status(self.x_smartbill_series, self.x_smartbill_number)
            except NotFoundError:
                return None

    def _hold(self):
        """No other job aligns this invoice at the same time: its advisory lock, and a
        fresh look at its payments (a job that committed a payment after this one's
        snapshot began would be booked twice): retried when another job was at it."""
        if not pg_try_advisory_lock(self.env, f"smartbill.payment_status({self.id})"):
            raise RetryableJobError(
                "Another job syncs this invoice's payment status; retried later.", seconds=2
            )
        query = SQL(
            "SELECT count(*), max(write_date) FROM smartbill_account_payment"
            " WHERE invoice_binding_id = %s",
            self.id,
        )
        ((seen_count, seen_date),) = self.env.execute_query(query)
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            cr.execute(query)
            ((count, date),) = cr.fetchall()
        if count > seen_count or (date and (not seen_date or date > seen_date)):
            raise RetryableJobError(
                "Another job booked a payment of this invoice meanwhile; retried later.",
                seconds=2,
                ignore_retry=True,
            )

    def _sync_payment_status(self, run, status):
        """Align this invoice on SmartBill's ``status`` (None: not in SmartBill)."""
        if not (run and run.dry_run):
            self._hold()
        if status is None:
            if run and run.dry_run:
                return JobOutcome(f"{self.external_id}: not in SmartBill", {"read": 1})
            self.write(
                {
                    "payment_message": self.env._("Not in SmartBill any more."),
                    "payment_checked_at": fields.Datetime.now(),
                }
            )
            return JobOutcome(f"{self.external_id}: not in SmartBill", {"read": 1, "skipped": 1})
        wanted = status.paid_amount.quantize(CENT)
        paid = self._odoo_paid().quantize(CENT)
        if run and run.dry_run:
            return JobOutcome(
                f"{self.external_id}: SmartBill paid {wanted}, Odoo paid {paid}",
                {"read": 1, "updated" if wanted != paid else "unchanged": 1},
            )
        if wanted > paid:
            self._book_payment(wanted - paid)
        elif wanted < paid:
            self._cancel_own_payments(paid - wanted)
        final = self._odoo_paid().quantize(CENT)
        self.write(
            {
                "smartbill_paid": float(wanted),
                "payment_checked_at": fields.Datetime.now(),
                "payment_message": False
                if final == wanted
                else self.env._(
                    "SmartBill paid %(smartbill)s, Odoo %(odoo)s: payments entered in Odoo are "
                    "left as they are.",
                    smartbill=f"{wanted:.2f}",
                    odoo=f"{final:.2f}",
                ),
            }
        )
        return JobOutcome(
            f"{self.external_id}: SmartBill paid {wanted}, Odoo paid {final}",
            {"read": 1, "updated" if final != paid else "unchanged": 1},
        )

    def _book_payment(self, amount):
        """A payment of what SmartBill has paid more, dated today: SmartBill's status has
        no date; the payments report re-dates it (``date_source``)."""
        self.env["smartbill.account.payment"]._book(
            self.backend_id,
            self,
            amount,
            fields.Date.context_today(self),
            self.backend_id._payment_journal("bank"),
            self.env._("SmartBill payment of %s", self.external_id),
        )

    def _cancel_own_payments(self, excess):
        """Cancel the connector's payments of this invoice, newest first, while Odoo has
        more than SmartBill; a person's payments are never touched."""
        for binding in self.payment_binding_ids.sorted("id", reverse=True):
            payment = binding.odoo_id
            if excess <= 0 or payment.state == "canceled":
                continue
            payment.action_draft()
            payment.action_cancel()
            excess -= Decimal(str(payment.amount))
            if excess < 0:  # cancelled too much: book the rest again
                self._book_payment(-excess)
                excess = Decimal(0)
