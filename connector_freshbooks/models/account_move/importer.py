# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A FreshBooks invoice becomes a customer invoice exact to the cent.

FreshBooks states each line's amount and the invoice's total; each of its taxes is the
sum of the amounts of the lines it applies to times its rate, rounded once (not line by
line). Odoo's tax lines are set to FreshBooks' tax amounts (per tax group, the way a
person edits them on the invoice), then the totals are compared: a difference left is a
refusal naming both values, never a booked approximation.
"""

from decimal import ROUND_HALF_UP, Decimal

from odoo import Command
from odoo.exceptions import UserError

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping
from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError

CENT = Decimal("0.01")
DRAFT = 1  # FreshBooks' status of an invoice not sent yet
ACTIVE = 0


def amount(money):
    """FreshBooks' ``{"amount": "12.34", "code": "USD"}`` as a Decimal."""
    return Decimal(str((money or {}).get("amount") or "0"))


def line_taxes(line):
    """``[(name, rate)]`` of a FreshBooks line's (up to two) taxes."""
    return [
        (line[f"taxName{slot}"].strip(), Decimal(str(line.get(f"taxAmount{slot}") or "0")))
        for slot in (1, 2)
        if (line.get(f"taxName{slot}") or "").strip()
    ]


def stated_taxes(record):
    """FreshBooks' tax amounts of an invoice: ``{(name, rate): amount}``."""
    bases = {}
    for line in record.get("lines") or []:
        for key in line_taxes(line):
            bases[key] = bases.get(key, Decimal(0)) + amount(line.get("amount"))
    return {key: (base * key[1] / 100).quantize(CENT, ROUND_HALF_UP) for key, base in bases.items()}


class FreshBooksInvoiceMapper(Component):
    _name = "freshbooks.account.move.mapper"
    _inherit = "freshbooks.import.mapper"
    _apply_on = "freshbooks.account.move"

    @mapping
    def header(self, record):
        backend = self.backend_record
        partner = self.binder_for("freshbooks.res.partner").to_internal(
            str(record["customerid"]), unwrap=True
        )
        return {
            "move_type": "out_invoice",
            "company_id": backend.company_id.id,
            "partner_id": partner.id,
            "currency_id": self._currency(record).id,
            "invoice_date": record.get("create_date") or False,
            "invoice_date_due": record.get("due_date") or False,
            "ref": record.get("invoice_number") or False,
            "invoice_number": record.get("invoice_number") or False,
            "freshbooks_status": record.get("v3_status") or str(record.get("status") or ""),
            "vis_state": str(record.get("vis_state") or ACTIVE),
            "freshbooks_total": float(amount(record.get("amount"))),
            "freshbooks_outstanding": float(amount(record.get("outstanding"))),
            "freshbooks_paid": float(amount(record.get("paid"))),
            "review_reason": False,
        }

    @mapping
    def lines(self, record):
        commands = [Command.clear()]
        for line in record.get("lines") or []:
            taxes = [self._tax(name, rate) for name, rate in line_taxes(line)]
            commands.append(
                Command.create(
                    {
                        "name": line.get("description") or line.get("name") or "/",
                        **self._quantity_and_price(line),
                        "tax_ids": [Command.set([tax.id for tax in taxes])],
                    }
                )
            )
        return {"invoice_line_ids": commands}

    @staticmethod
    def _quantity_and_price(line):
        """The line's quantity and unit price, such that their product is FreshBooks'
        line amount exactly: FreshBooks rounds each line's amount, Odoo (rounding
        globally) sums the unrounded products. 0.5 x 44.21 is 22.11 in FreshBooks: the
        unit price becomes 44.22; where no unit price gives the amount, one unit of it."""
        qty = Decimal(str(line.get("qty") or "0"))
        unit = amount(line.get("unit_cost"))
        total = amount(line.get("amount"))
        if qty * unit != total and qty:
            unit = (total / qty).quantize(CENT)
            if qty * unit != total:
                qty, unit = Decimal(1), total
        return {"quantity": float(qty), "price_unit": float(unit)}

    def _currency(self, record):
        code = record.get("currency_code") or self.backend_record.company_id.currency_id.name
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if not currency.active:
            raise InvalidRecordError(
                self.env._(
                    "FreshBooks invoice %(number)s is in %(code)s, a currency not active in "
                    "Odoo: activate it, then retry.",
                    number=record.get("invoice_number"),
                    code=code,
                )
            )
        return currency

    def _tax(self, name, rate):
        return self.env["freshbooks.tax.map"]._tax_of(self.backend_record, name, rate)


class FreshBooksInvoiceImporter(Component):
    _name = "freshbooks.account.move.importer"
    _inherit = "freshbooks.record.importer"
    _apply_on = "freshbooks.account.move"

    def _import_dependencies(self):
        self._import_dependency(self.external_record["customerid"], "freshbooks.res.partner")

    def _update_values(self, binding, map_record):
        """An invoice changed in FreshBooks: a posted move is reset to draft to take the
        change, unless Odoo's lock dates keep it: then only the binding's FreshBooks
        figures move, and the difference is flagged for a person."""
        values = super()._update_values(binding, map_record)
        move = binding.odoo_id
        if move.state != "posted" or not any(binding._fields[k].inherited for k in values):
            return values
        try:
            with self.env.cr.savepoint():
                move.button_draft()
        except UserError as err:
            values = {k: v for k, v in values.items() if not binding._fields[k].inherited}
            values["review_reason"] = self.env._(
                "Changed in FreshBooks (total %(theirs)s) but Odoo keeps the posted invoice "
                "(total %(ours)s): %(why)s",
                theirs=amount(self.external_record.get("amount")),
                ours=move.amount_total,
                why=err,
            )
        return values

    def _after_import(self, binding):
        move = binding.odoo_id
        record = self.external_record
        if move.state == "draft":
            self._book_stated_taxes(move, record)
            self._check_totals(move, record)
        if int(record.get("vis_state") or ACTIVE) != ACTIVE:
            self._withdraw(binding)
        elif move.state == "draft" and int(record.get("status") or DRAFT) != DRAFT:
            move.action_post()
            if self.status == "updated":
                self._reconcile_payments(binding)

    def _reconcile_payments(self, binding):
        """A posted invoice taken back to draft for an edit lost its reconciliations:
        its FreshBooks payments are reconciled with it again once it is posted."""
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

    def _book_stated_taxes(self, move, record):
        """Odoo's tax amounts per tax group set to FreshBooks' (see the module's doc)."""
        stated = {}
        for (name, rate), tax_amount in stated_taxes(record).items():
            tax = self.env["freshbooks.tax.map"]._tax_of(self.backend_record, name, rate)
            stated[tax.tax_group_id.id] = stated.get(tax.tax_group_id.id, 0) + tax_amount
        totals = move.tax_totals
        changed = False
        for subtotal in totals.get("subtotals", []):
            for group in subtotal.get("tax_groups", []):
                wanted = stated.get(group["id"])
                if wanted is not None and move.currency_id.compare_amounts(
                    group["tax_amount_currency"], float(wanted)
                ):
                    group["tax_amount_currency"] = float(wanted)
                    changed = True
        if changed:
            move.tax_totals = totals

    def _check_totals(self, move, record):
        untaxed = sum(
            (amount(line.get("amount")) for line in record.get("lines") or []), Decimal(0)
        )
        total = amount(record.get("amount"))
        ours = (Decimal(str(move.amount_untaxed)), Decimal(str(move.amount_total)))
        if (ours[0].quantize(CENT), ours[1].quantize(CENT)) != (untaxed, total):
            raise InvalidRecordError(
                self.env._(
                    "FreshBooks invoice %(number)s: FreshBooks states %(untaxed)s untaxed, "
                    "%(total)s in all; Odoo computes %(our_untaxed)s and %(our_total)s. "
                    "Check the tax map of its taxes.",
                    number=record.get("invoice_number"),
                    untaxed=untaxed,
                    total=total,
                    our_untaxed=ours[0].quantize(CENT),
                    our_total=ours[1].quantize(CENT),
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
                "Deleted or archived in FreshBooks, but Odoo keeps the posted invoice: %s", err
            )

    def _when_gone(self):
        binding = self._binding()
        if binding:
            self._withdraw(binding)
        return super()._when_gone()
