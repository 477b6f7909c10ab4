# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A FreshBooks payment is booked the way Odoo's *Register payment* books one on an
invoice (``account.payment.register``), without the wizard: a payment of the invoice's
partner and currency, in the journal of its FreshBooks type, posted and reconciled with the
invoice's receivable line (the excess of an overpayment left open on the client); the new
payments of a page are created and posted together, as Odoo books a batch.
A payment changed in FreshBooks (amount, date) replaces the one booked; a deleted one
is reset to draft (which un-reconciles it) and removed."""

from decimal import Decimal

from odoo import Command

from odoo.addons.component.core import AbstractComponent, Component
from odoo.addons.connector.components.mapper import mapping
from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError

from ..account_move.importer import ACTIVE, amount


class FreshBooksSettlementMapper(AbstractComponent):
    """What a payment and a credit applied map alike: the invoice they settle."""

    _name = "freshbooks.settlement.mapper"
    _inherit = "freshbooks.import.mapper"

    @mapping
    def invoice_binding_id(self, record):
        binding = self.binder_for("freshbooks.account.move").to_internal(str(record["invoiceid"]))
        return {"invoice_binding_id": binding.id}


class FreshBooksPaymentMapper(Component):
    _name = "freshbooks.account.payment.mapper"
    _inherit = "freshbooks.settlement.mapper"
    _apply_on = "freshbooks.account.payment"

    @mapping
    def payment(self, record):
        return {
            "payment_type": record.get("type") or False,
            "overpayment_ref": str(record.get("overpaymentid") or "") or False,
        }


class Settlement:
    """What a payment and a credit applied share (a Python mixin of both importers): a
    FreshBooks payment settles its invoice through ``_settle(invoice binding id)``;
    changed in FreshBooks (its amount or date), it is settled again and the one booked
    undone (``_undo``); deleted, it is undone and its binding removed."""

    def _import_dependencies(self):
        self._import_dependency(self.external_record["invoiceid"], "freshbooks.account.move")

    def _prefetch(self, records):
        """The invoices a page settles and their journal items, read for the page."""
        invoices = self.env["freshbooks.account.move"].search(
            [
                ("backend_id", "=", self.backend_record.id),
                ("external_id", "in", [str(record.get("invoiceid")) for record in records]),
            ]
        )
        moves = invoices.odoo_id
        moves.fetch(["state", "name", "company_id", "currency_id", "commercial_partner_id"])
        moves.line_ids.fetch(["account_type", "account_id", "reconciled"])

    def _active(self):
        return int(self.external_record.get("vis_state") or ACTIVE) == ACTIVE

    def _values_for_create(self, map_record):
        values = map_record.values(for_create=True)
        values["odoo_id"] = self._settle(values["invoice_binding_id"]).id
        return values

    def _update_values(self, binding, map_record):
        values = super()._update_values(binding, map_record)
        record = self.external_record
        stated = (amount(record["amount"]), str(record.get("date")))
        if self._active() and self._booked(binding) != stated:
            booked = binding.odoo_id
            values["odoo_id"] = self._settle(binding.invoice_binding_id.id).id
            self._undo(booked)
        return values

    def _after_import(self, binding):
        if not self._active():
            self._remove(binding)

    def _when_gone(self):
        binding = self._binding()
        if binding:
            self._remove(binding)
        return super()._when_gone()

    def _posted_invoice(self, invoice_binding_id):
        """The invoice the payment settles, which must be posted in Odoo."""
        invoice = self.env["freshbooks.account.move"].browse(invoice_binding_id).odoo_id
        if invoice.state != "posted":
            raise InvalidRecordError(
                self.env._(
                    "FreshBooks payment %(payment)s settles invoice %(invoice)s, which is not "
                    "posted in Odoo (a draft or cancelled in FreshBooks).",
                    payment=self.external_id,
                    invoice=invoice.name,
                )
            )
        return invoice

    def _remove(self, binding):
        """Deleted in FreshBooks: undone, with its binding."""
        booked = binding.odoo_id
        self.status = "gone"
        binding.unlink()
        self._undo(booked)


class FreshBooksPaymentImporter(Settlement, Component):
    _name = "freshbooks.account.payment.importer"
    _inherit = "freshbooks.record.importer"
    _apply_on = "freshbooks.account.payment"

    def __init__(self, work_context):
        super().__init__(work_context)
        self.settling = None  # (invoice, payment values) of a new payment, until created

    def _prepare(self, external_id, record=None, force=False):
        """A payment from a client's credit is no money received: it is booked as the
        credit applied (``freshbooks.credit.application``)."""
        record = self._peek(external_id, record)
        if record is not None and record.get("from_credit"):
            importer = self.component(
                usage="record.importer", model_name="freshbooks.credit.application"
            )
            text = importer.run(external_id, record=record, force=force)
            self.status = importer.status
            return text
        return super()._prepare(external_id, record=record, force=force)

    @staticmethod
    def _booked(binding):
        return (Decimal(str(binding.odoo_id.amount)), str(binding.odoo_id.date))

    def _settle(self, invoice_binding_id):
        """A payment of the record's amount on its invoice, reconciled with it."""
        invoice, values = self._payment_of(invoice_binding_id)
        payment = self._new_payments(invoice.company_id, [values])
        self._reconcile([(payment, invoice)])
        return payment

    def _values_for_create(self, map_record):
        """A new payment is created with its page's (``_create_bindings``)."""
        values = map_record.values(for_create=True)
        self.settling = self._payment_of(values["invoice_binding_id"])
        return values

    def _create_bindings(self, importers):
        """The page's payments created and posted together, then reconciled with their
        invoices together, as Odoo books a batch of payments; then their bindings."""
        invoices = [importer.settling[0] for importer in importers]
        payments = self._new_payments(
            invoices[0].company_id, [importer.settling[1] for importer in importers]
        )
        self._reconcile(list(zip(payments, invoices, strict=True)))
        for importer, payment in zip(importers, payments, strict=True):
            importer.new_values["odoo_id"] = payment.id
        return super()._create_bindings(importers)

    def _payment_of(self, invoice_binding_id):
        """``(invoice, values)``: the invoice the record pays (posted, at a rate Odoo has
        for the payment's date) and the values of its payment."""
        record = self.external_record
        invoice = self._posted_invoice(invoice_binding_id)
        backend = self.backend_record
        if invoice.currency_id != invoice.company_id.currency_id:
            backend._check_rate(
                invoice.currency_id, record.get("date"), f"FreshBooks payment {self.external_id}"
            )
        receivable = self._open_receivable(invoice)
        return invoice, {
            "date": record.get("date"),
            "amount": float(amount(record["amount"])),
            "payment_type": "inbound",
            "partner_type": "customer",
            "memo": f"FreshBooks payment {self.external_id} ({invoice.name})",
            "journal_id": backend._journal_of_payment(record.get("type")).id,
            "company_id": invoice.company_id.id,
            "currency_id": invoice.currency_id.id,
            "partner_id": invoice.commercial_partner_id.id,
            "destination_account_id": receivable.account_id[:1].id,
            # the invoice's matched payments, as the payment register links them
            "invoice_ids": [Command.link(invoice.id)],
        }

    def _new_payments(self, company, values_list):
        """Payments of ``values_list``, posted (without chatter tracking, as the
        connector creates every record: the binding says where it came from)."""
        payments = (
            self.env["account.payment"]
            .with_company(company)
            .with_context(skip_invoice_sync=True, **self._create_context())
            .create(values_list)
        )
        payments.action_post()
        return payments

    @staticmethod
    def _open_receivable(invoice):
        return invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )

    def _reconcile(self, pairs):
        """Each ``(payment, invoice)`` of ``pairs`` reconciled with the invoice's open
        receivable, in order, by one reconciliation plan (Odoo's batch: the residuals of
        an invoice paid twice carried from one payment to the next, as its payment
        register does); more than the invoice's residual (an overpayment): the rest stays
        open on the client, as FreshBooks keeps it as the client's credit."""
        plan = []
        for payment, invoice in pairs:
            receivable = self._open_receivable(invoice)
            counterpart = payment.move_id.line_ids.filtered(
                lambda line, accounts=receivable.account_id: line.account_id in accounts
                and not line.reconciled
            )
            plan.append(counterpart | receivable)
        self.env["account.move.line"]._reconcile_plan(plan)

    @staticmethod
    def _undo(payment):
        """Reset to draft (which un-reconciles it) and removed."""
        if payment.state != "draft":
            payment.action_draft()
        payment.unlink()
