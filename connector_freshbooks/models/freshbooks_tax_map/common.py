# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError


class FreshBooksTaxMap(models.Model):
    """Which Odoo sales tax a FreshBooks tax (its name and rate on a line) is, per
    backend. Filled by the import where the answer is unambiguous: the company's one
    percent sales tax of that rate (the one of that name, when several have the rate);
    otherwise the invoice waits, its failure naming the tax to map here."""

    _name = "freshbooks.tax.map"
    _description = "FreshBooks tax map"
    _order = "backend_id, name, rate"

    backend_id = fields.Many2one(
        "freshbooks.backend", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    name = fields.Char("FreshBooks tax", required=True)
    rate = fields.Char("Rate (%)", required=True, help="As FreshBooks writes it, e.g. 5 or 7.5.")
    tax_id = fields.Many2one(
        "account.tax",
        "Odoo tax",
        required=True,
        domain="[('type_tax_use', '=', 'sale'), ('company_id', '=', company_id)]",
    )

    _tax_uniq = models.Constraint(
        "unique(backend_id, name, rate)", "A FreshBooks tax is mapped once per backend."
    )

    def _tax_of(self, backend, name, rate):
        """The Odoo tax of FreshBooks' tax ``name`` at ``rate`` % (a Decimal)."""
        text = f"{Decimal(rate).normalize():f}"
        mapped = self.search(
            [("backend_id", "=", backend.id), ("name", "=", name), ("rate", "=", text)], limit=1
        )
        if mapped:
            tax = mapped.tax_id
            if (
                tax.amount_type != "percent"
                or tax.price_include
                or (Decimal(str(tax.amount)) != Decimal(rate))
            ):
                raise InvalidRecordError(
                    self.env._(
                        "FreshBooks tax %(name)s at %(rate)s %% is mapped to the Odoo tax "
                        "%(tax)s, which is not a %(rate)s %% tax on the price before tax: "
                        "fix it in the backend's tax map, then retry.",
                        name=name,
                        rate=text,
                        tax=tax.name,
                    )
                )
            return tax
        taxes = self.env["account.tax"].search(
            [
                ("company_id", "=", backend.company_id.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", float(rate)),
                ("price_include", "=", False),
            ]
        )
        named = taxes.filtered(lambda t: name.lower() in t.name.lower())
        chosen = named if len(named) == 1 else taxes if len(taxes) == 1 else None
        if not chosen:
            raise InvalidRecordError(
                self.env._(
                    "FreshBooks tax %(name)s at %(rate)s %% is not mapped and %(count)s Odoo "
                    "sales taxes have that rate: map it in the backend's tax map, then retry.",
                    name=name,
                    rate=text,
                    count=len(taxes),
                )
            )
        self._remember(backend, name, text, chosen)
        return chosen

    def _remember(self, backend, name, rate, tax):
        """The mapping found, kept for the next invoices and for the accountant to see:
        in a transaction of its own, committed at once, leaving as it is a mapping another
        worker made meanwhile. The page's own (long) transaction takes no lock on it, so
        two workers meeting the same tax on their first pages neither wait for each other
        nor fail on the unique key. A backend or tax not committed yet (made in this very
        transaction) is remembered in this transaction instead."""
        insert = SQL(
            """INSERT INTO freshbooks_tax_map
                   (backend_id, company_id, name, rate, tax_id,
                    create_uid, write_uid, create_date, write_date)
            SELECT backend.id, backend.company_id, %s, %s, tax.id, %s, %s,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM freshbooks_backend backend, account_tax tax
             WHERE backend.id = %s AND tax.id = %s
            ON CONFLICT (backend_id, name, rate) DO NOTHING""",
            name,
            rate,
            self.env.uid,
            self.env.uid,
            backend.id,
            tax.id,
        )
        with self.env.registry.cursor() as cr:
            cr.execute(insert)  # nothing where the backend or the tax is not committed yet
            cr.execute(
                SQL(
                    "SELECT 1 FROM freshbooks_backend, account_tax "
                    "WHERE freshbooks_backend.id = %s AND account_tax.id = %s",
                    backend.id,
                    tax.id,
                )
            )
            committed = bool(cr.fetchone())
        if not committed:
            self.env.cr.execute(insert)
