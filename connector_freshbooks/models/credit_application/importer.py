# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A payment from a client's credit becomes the credit applied (see the model): an entry
in the company's miscellaneous journal, its debit reconciled with the credit's open
receivable, its credit with the invoice's. Changed in FreshBooks, the entry is replaced;
deleted, it is un-reconciled and cancelled."""

from odoo import Command

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping
from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError
from odoo.addons.queue_job.exception import RetryableJobError

from ..account_move.importer import amount
from ..account_payment.importer import Settlement


class FreshBooksCreditApplicationMapper(Component):
    _name = "freshbooks.credit.application.mapper"
    _inherit = "freshbooks.settlement.mapper"
    _apply_on = "freshbooks.credit.application"

    @mapping
    def application(self, record):
        return {
            "credit_ref": str(record.get("creditid") or ""),
            "applied_amount": float(amount(record.get("amount"))),
        }


class FreshBooksCreditApplicationImporter(Settlement, Component):
    _name = "freshbooks.credit.application.importer"
    _inherit = "freshbooks.record.importer"
    _apply_on = "freshbooks.credit.application"

    @staticmethod
    def _booked(binding):
        return (amount({"amount": binding.applied_amount}), str(binding.date))

    # -- the booking ------------------------------------------------------------------------
    def _credit_lines(self, invoice):
        """The open receivable lines of the credit the payment comes from: a credit note
        or a prepayment (imported first when missing), or the payment whose excess
        FreshBooks made this overpayment credit."""
        credit_id = str(self.external_record.get("creditid") or "")
        if not credit_id:
            raise InvalidRecordError(
                self.env._(
                    "FreshBooks payment %s is from a client's credit but names no credit.",
                    self.external_id,
                )
            )
        source = (
            self.env["freshbooks.account.payment"]
            .search(
                [("backend_id", "=", self.backend_record.id), ("overpayment_ref", "=", credit_id)],
                limit=1,
            )
            .move_id
        )
        if not source:
            source = self._import_dependency(credit_id, "freshbooks.credit.note").odoo_id
        if not source:
            raise RetryableJobError(
                f"FreshBooks credit {credit_id} is an overpayment whose payment is not "
                "imported yet.",
                seconds=60,
            )
        return source.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
            and line.partner_id.commercial_partner_id == invoice.commercial_partner_id
            and line.amount_residual_currency < 0
        )

    def _settle(self, invoice_binding_id):
        """The credit applied to the invoice: the entry, posted and reconciled."""
        record = self.external_record
        invoice = self._posted_invoice(invoice_binding_id)
        credit_lines = self._credit_lines(invoice)
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        value = float(amount(record["amount"]))
        currency = invoice.currency_id
        balance = currency._convert(
            value, invoice.company_id.currency_id, invoice.company_id, record.get("date")
        )
        label = self.env._(
            "FreshBooks payment %(payment)s: credit %(credit)s applied to %(invoice)s",
            payment=self.external_id,
            credit=record.get("creditid"),
            invoice=invoice.name,
        )
        common = {
            "account_id": receivable[:1].account_id.id,
            "partner_id": invoice.commercial_partner_id.id,
            "currency_id": currency.id,
            "name": label,
        }
        entry = (
            self.env["account.move"]
            .with_company(invoice.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": self.backend_record._general_journal().id,
                    "date": record.get("date"),
                    "ref": label,
                    "line_ids": [
                        Command.create({**common, "amount_currency": value, "balance": balance}),
                        Command.create({**common, "amount_currency": -value, "balance": -balance}),
                    ],
                }
            )
        )
        entry.action_post()
        to_credit, to_invoice = entry.line_ids.sorted("balance", reverse=True)
        (to_credit | credit_lines).reconcile()
        (to_invoice | receivable.filtered(lambda line: not line.reconciled)).reconcile()
        return entry

    @staticmethod
    def _undo(entry):
        entry.line_ids.remove_move_reconcile()
        entry.button_draft()
        entry.button_cancel()
