# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A FreshBooks credit note becomes a customer credit note booked as FreshBooks states it
(the invoice's mapper and importer: lines, taxes, FreshBooks' number in the backend's
credit note journal, the currency at the rate of its date); a prepayment becomes an open
customer payment; an overpayment credit is left to the payment that made it."""

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping

from ..account_move.importer import ACTIVE, amount


class FreshBooksCreditNoteMapper(Component):
    _name = "freshbooks.credit.note.mapper"
    _inherit = "freshbooks.document.mapper"
    _apply_on = "freshbooks.credit.note"
    _move_type = "out_refund"
    _partner_key = "clientid"
    _number_key = "credit_number"
    _label = "credit note"

    @mapping
    def credit(self, record):
        return {
            "credit_number": record.get("credit_number") or False,
            "credit_type": record.get("credit_type") or "goodwill",
        }


class FreshBooksCreditNoteImporter(Component):
    _name = "freshbooks.credit.note.importer"
    _inherit = "freshbooks.account.move.importer"
    _apply_on = "freshbooks.credit.note"
    _partner_key = "clientid"

    def _prepare(self, external_id, record=None, force=False):
        record = self._peek(external_id, record)
        if record is not None and self.model._ignored(record):
            self.status = "unchanged"
            return f"{external_id}: an overpayment credit, booked with its payment."
        return super()._prepare(external_id, record=record, force=force)

    def _posted_when_imported(self):
        return str(self.external_record.get("status") or "") != "draft"

    def _reconcile_again(self, binding):
        """Credits applied to invoices are reconciled again by their applications."""

    def _values_for_create(self, map_record):
        if self.external_record.get("credit_type") != "prepayment":
            return super()._values_for_create(map_record)
        values = {
            key: value
            for key, value in map_record.values(for_create=True).items()
            if key in self.model._fields and not self.model._fields[key].inherited
        }
        values["odoo_id"] = self._book_prepayment().move_id.id
        return values

    def _update_values(self, binding, map_record):
        if binding.credit_type != "prepayment":
            return super()._update_values(binding, map_record)
        values = {
            key: value
            for key, value in map_record.values().items()
            if not binding._fields[key].inherited
        }
        if amount(self.external_record.get("amount")) != abs(
            amount({"amount": binding.odoo_id.amount_total})
        ):
            values["review_reason"] = self.env._(
                "The prepayment's amount changed in FreshBooks (%(theirs)s): the payment "
                "booked in Odoo (%(ours)s) was left as it is.",
                theirs=amount(self.external_record.get("amount")),
                ours=binding.odoo_id.amount_total,
            )
        return values

    def _book_prepayment(self):
        """Money the client paid ahead: a customer payment, posted and left open (the
        client's credit until FreshBooks applies it to an invoice)."""
        record = self.external_record
        backend = self.backend_record
        partner = self.binder_for("freshbooks.res.partner").to_internal(
            str(record["clientid"]), unwrap=True
        )
        currency = self.mapper._currency(record, record.get("create_date"))
        payment = (
            self.env["account.payment"]
            .with_company(backend.company_id)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "amount": float(amount(record.get("amount"))),
                    "currency_id": currency.id,
                    "date": record.get("create_date"),
                    "journal_id": backend._payment_journal().id,
                    "memo": f"FreshBooks prepayment {record.get('credit_number')}",
                }
            )
        )
        payment.action_post()
        return payment

    def _after_import(self, binding):
        if binding.credit_type != "prepayment":
            return super()._after_import(binding)
        if int(self.external_record.get("vis_state") or ACTIVE) != ACTIVE:
            payment = binding.odoo_id.origin_payment_id
            if payment.state != "canceled":
                payment.action_draft()
                payment.action_cancel()
        return None
