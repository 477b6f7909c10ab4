# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invoice payment state in Odoo equal to SmartBill's.

SmartBill's V1 API tells, per invoice, how much is paid (``/invoice/paymentstatus``) but
not by which payments. The connector books the difference: a payment for what SmartBill
has more, and cancels its own payments (never one a person entered) for what SmartBill
has less. One job per invoice, within the V1 rate limit.
"""

from decimal import Decimal

from odoo import fields, models

from ...api import NotFoundError
from ...exceptions import api_errors

CENT = Decimal("0.01")


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
        required=True,
        ondelete="cascade",
        index=True,
    )


class SmartBillAccountMove(models.Model):
    _inherit = "smartbill.account.move"

    smartbill_paid = fields.Float("Paid in SmartBill", digits=(16, 2), readonly=True)
    payment_checked_at = fields.Datetime("Payment status checked", readonly=True)
    payment_message = fields.Char(readonly=True)
    payment_binding_ids = fields.One2many("smartbill.account.payment", "invoice_binding_id")

    def _odoo_paid(self):
        """What Odoo sees paid on the invoice, in its currency."""
        return Decimal(str(self.amount_total)) - Decimal(str(self.amount_residual))

    def sync_payment_status(self):
        """Job: align Odoo's paid amount on SmartBill's for this invoice."""
        self.ensure_one()
        backend = self.backend_id
        with api_errors():
            try:
                status = backend._v1_client().payment_status(
                    self.x_smartbill_series, self.x_smartbill_number
                )
            except NotFoundError:
                self.write(
                    {
                        "payment_message": self.env._("Not in SmartBill any more."),
                        "payment_checked_at": fields.Datetime.now(),
                    }
                )
                return f"{self.external_id}: not in SmartBill"
        wanted = status.paid_amount.quantize(CENT)
        paid = self._odoo_paid().quantize(CENT)
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
        return f"{self.external_id}: SmartBill paid {wanted}, Odoo paid {final}"

    def _book_payment(self, amount):
        journal = self.backend_id.payment_journal_id or self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company_id.id)], limit=1
        )
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=self.odoo_id.ids)
            .create(
                {
                    "amount": float(amount),
                    "journal_id": journal.id,
                    "payment_date": fields.Date.context_today(self),
                    "communication": self.env._("SmartBill payment of %s", self.external_id),
                    "group_payment": True,
                }
            )
        )
        payment = wizard._create_payments()
        self.env["smartbill.account.payment"].create(
            {
                "odoo_id": payment.id,
                "backend_id": self.backend_id.id,
                "invoice_binding_id": self.id,
                "external_id": f"{self.external_id}/payment/{payment.id}",
            }
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
