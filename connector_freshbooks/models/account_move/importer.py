# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A FreshBooks invoice becomes a customer invoice booked as FreshBooks states it.

The lines keep FreshBooks' quantity and unit cost; a discount becomes one line per set of
taxes (as Odoo's own global discount does); each line's amount and tax are FreshBooks'
(``api/statement.py`` explains the tax whatever FreshBooks' rounding), set through Odoo's
own manual amounts (``extra_tax_data``), so that the move's untaxed amount, tax and total
are FreshBooks' to the cent under either of Odoo's rounding methods. The move is named by
FreshBooks' number in a journal of the backend, booked in its currency at a rate Odoo has
for its date (never at 1.0). Whatever still differs is refused with both figures and the
cause, never booked as an approximation.
"""

from decimal import Decimal

from odoo import Command
from odoo.exceptions import UserError

from odoo.addons.component.core import AbstractComponent, Component
from odoo.addons.connector.components.mapper import mapping, only_create
from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError

from ...api import StatementError, read_statement

DRAFT = 1  # FreshBooks' status of an invoice not sent yet
UNTAXED = "untaxed"  # the manual tax amounts of a line without tax (no tax has this id)
ACTIVE = 0


def amount(money):
    """FreshBooks' ``{"amount": "12.34", "code": "USD"}`` as a Decimal."""
    return Decimal(str((money or {}).get("amount") or "0"))


class FreshBooksDocumentMapper(AbstractComponent):
    """What an invoice and a credit note share: the partner, the currency at a known
    rate, FreshBooks' number in the backend's journal, the lines as stated."""

    _name = "freshbooks.document.mapper"
    _inherit = "freshbooks.import.mapper"
    _move_type = None  # out_invoice, out_refund
    _partner_key = None  # customerid, clientid
    _number_key = None  # invoice_number, credit_number
    _label = None  # what the document is called in a message

    def _what(self, record):
        return f"FreshBooks {self._label} {record.get(self._number_key) or record.get('id')}"

    def statement(self, record):
        try:
            return read_statement(record, label=self._what(record))
        except StatementError as err:
            raise InvalidRecordError(str(err)) from None

    @mapping
    def header(self, record):
        backend = self.backend_record
        partner = self.binder_for("freshbooks.res.partner").to_internal(
            str(record[self._partner_key]), unwrap=True
        )
        issued = record.get("create_date") or False
        return {
            "move_type": self._move_type,
            "company_id": backend.company_id.id,
            "partner_id": partner.id,
            "currency_id": self._currency(record, issued).id,
            "invoice_date": issued,
            "name": record.get(self._number_key) or "/",
            "vis_state": str(record.get("vis_state") or ACTIVE),
            "freshbooks_total": float(amount(record.get("amount"))),
            "review_reason": False,
        }

    @only_create
    @mapping
    def journal(self, record):
        return {"journal_id": self.backend_record._document_journal(self._move_type).id}

    @mapping
    def lines(self, record):
        statement = self.statement(record)
        currency = self._currency(record, record.get("create_date"))
        commands = [Command.clear()]
        for line in statement.lines:
            taxes = {}
            for tax, tax_amount in line.tax_amounts.items():
                odoo_tax = self._tax(tax.name, tax.rate)
                taxes.setdefault(odoo_tax, Decimal(0))
                taxes[odoo_tax] += tax_amount
            values = {
                "name": line.description,
                "quantity": float(line.qty),
                "price_unit": float(line.unit_cost),
                "tax_ids": [Command.set([tax.id for tax in taxes])],
            }
            values["extra_tax_data"] = {
                "currency_id": currency.id,
                "price_unit": float(line.unit_cost),
                "quantity": float(line.qty),
                "discount": 0.0,
                "manual_total_excluded_currency": float(line.amount),
                # Odoo takes a line's manual amounts only where it finds manual tax
                # amounts: an untaxed line gets an entry naming no tax
                "manual_tax_amounts": {
                    str(tax.id): {
                        "tax_amount_currency": float(value),
                        "base_amount_currency": float(line.amount),
                    }
                    for tax, value in taxes.items()
                }
                or {UNTAXED: {}},
            }
            commands.append(Command.create(values))
        return {"invoice_line_ids": commands}

    def _currency(self, record, on_date):
        """The record's currency, active in Odoo, with a rate for ``on_date`` when it is
        not the company's."""
        company = self.backend_record.company_id
        code = record.get("currency_code") or company.currency_id.name
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if not currency.active:
            raise InvalidRecordError(
                self.env._(
                    "%(what)s is in %(code)s, a currency not active in Odoo: activate it "
                    "(Accounting > Configuration > Currencies), then retry.",
                    what=self._what(record),
                    code=code,
                )
            )
        if currency != company.currency_id and on_date:
            self.backend_record._check_rate(currency, on_date, self._what(record))
        return currency

    def _tax(self, name, rate):
        return self.env["freshbooks.tax.map"]._tax_of(self.backend_record, name, rate)


class FreshBooksInvoiceMapper(Component):
    _name = "freshbooks.account.move.mapper"
    _inherit = "freshbooks.document.mapper"
    _apply_on = "freshbooks.account.move"
    _move_type = "out_invoice"
    _partner_key = "customerid"
    _number_key = "invoice_number"
    _label = "invoice"

    @mapping
    def invoice(self, record):
        return {
            "invoice_date_due": record.get("due_date") or False,
            "invoice_number": record.get("invoice_number") or False,
            "freshbooks_status": record.get("v3_status") or str(record.get("status") or ""),
            "freshbooks_outstanding": float(amount(record.get("outstanding"))),
            "freshbooks_paid": float(amount(record.get("paid"))),
        }


class FreshBooksInvoiceImporter(Component):
    """Import an invoice (and, by inheritance, a credit note): edits reset a posted move
    to draft (or flag it when the lock dates keep it), the totals are checked against
    FreshBooks', a deleted or archived document is cancelled."""

    _name = "freshbooks.account.move.importer"
    _inherit = "freshbooks.record.importer"
    _apply_on = "freshbooks.account.move"
    _partner_key = "customerid"

    def _import_dependencies(self):
        self._import_dependency(self.external_record[self._partner_key], "freshbooks.res.partner")

    def _posted_when_imported(self):
        """FreshBooks' reports ignore a draft invoice until it is sent or marked sent
        (freshbooks.com/api/invoices): it stays a draft in Odoo until then."""
        return int(self.external_record.get("status") or DRAFT) != DRAFT

    def _update_values(self, binding, map_record):
        """A document changed in FreshBooks: a posted move is reset to draft to take the
        change, unless Odoo's lock dates keep it: then only the binding's FreshBooks
        figures move, and the difference is flagged for a person. A move of an earlier
        version of the connector, in another journal, keeps its name."""
        values = super()._update_values(binding, map_record)
        move = binding.odoo_id
        if move.journal_id != self.backend_record._document_journal(move.move_type):
            values.pop("name", None)
        if move.state != "posted" or not any(binding._fields[k].inherited for k in values):
            return values
        try:
            with self.env.cr.savepoint():
                move.button_draft()
        except UserError as err:
            values = {k: v for k, v in values.items() if not binding._fields[k].inherited}
            values["review_reason"] = self.env._(
                "Changed in FreshBooks (%(number)s, total %(theirs)s) but Odoo keeps the "
                "posted move %(name)s (total %(ours)s): %(why)s",
                number=map_record.values().get("name"),
                theirs=amount(self.external_record.get("amount")),
                name=move.name,
                ours=move.amount_total,
                why=err,
            )
        return values

    def _after_import(self, binding):
        move = binding.odoo_id
        record = self.external_record
        if move.state == "draft":
            self._check_totals(move, record)
        if int(record.get("vis_state") or ACTIVE) != ACTIVE:
            self._withdraw(binding)
        elif move.state == "draft" and self._posted_when_imported():
            move.action_post()
            if self.status == "updated":
                self._reconcile_again(binding)

    def _reconcile_again(self, binding):
        """A posted invoice taken back to draft for an edit lost its reconciliations:
        its FreshBooks payments are reconciled with it again."""
        payments = self.env["freshbooks.account.payment"].search(
            [("invoice_binding_id", "=", binding.id)]
        )
        move = binding.odoo_id
        accounts = move.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).account_id
        lines = (payments.move_id.line_ids | move.line_ids).filtered(
            lambda line: line.account_id in accounts and not line.reconciled
        )
        if payments and lines:
            lines.reconcile()

    def _check_totals(self, move, record):
        """The move's untaxed amount, tax and total against FreshBooks' statement."""
        statement = self.mapper.statement(record)
        ours = [Decimal(str(v)).quantize(Decimal("0.01")) for v in (
            move.amount_untaxed, move.amount_tax, move.amount_total)]  # fmt: skip
        theirs = [statement.untaxed, statement.tax, statement.total]
        if ours != theirs:
            raise InvalidRecordError(
                self.env._(
                    "%(what)s: FreshBooks states %(untaxed)s before tax, %(tax)s of tax, "
                    "%(total)s in all; Odoo books %(our_untaxed)s, %(our_tax)s and "
                    "%(our_total)s. The Odoo taxes it is mapped to (%(taxes)s) compute "
                    "otherwise (price included, or another rate): check the backend's tax "
                    "map, then retry.",
                    what=self.mapper._what(record),
                    untaxed=theirs[0],
                    tax=theirs[1],
                    total=theirs[2],
                    our_untaxed=ours[0],
                    our_tax=ours[1],
                    our_total=ours[2],
                    taxes=", ".join(move.invoice_line_ids.tax_ids.mapped("name")) or "-",
                )
            )

    def _withdraw(self, binding):
        """Deleted or archived in FreshBooks: the move is cancelled, or flagged when the
        lock dates keep it posted."""
        move = binding.odoo_id
        if move.state == "cancel":
            return
        try:
            with self.env.cr.savepoint():
                if move.state == "posted":
                    move.button_draft()
                move.button_cancel()
        except UserError as err:
            binding.review_reason = self.env._(
                "Deleted or archived in FreshBooks, but Odoo keeps the posted move %(name)s: "
                "%(why)s",
                name=move.name,
                why=err,
            )

    def _when_gone(self):
        binding = self._binding()
        if binding:
            self._withdraw(binding)
        return super()._when_gone()
