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
        """The mapping found, kept for the next invoices and for the accountant to see,
        by whichever worker meets it first: the others neither wait for that worker's
        page to commit nor fail on the unique key. A transaction-scoped advisory lock on
        the key says who is adding it now; a worker that does not get it leaves the row
        to the one that did (the tax is the same)."""
        key = f"freshbooks.tax.map({backend.id}, {name}, {rate})"
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(hashtext(%s))", key))
        if not self.env.cr.fetchone()[0]:
            return
        self.env.cr.execute(
            SQL(
                """INSERT INTO freshbooks_tax_map
                       (backend_id, company_id, name, rate, tax_id,
                        create_uid, write_uid, create_date, write_date)
                VALUES (%s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC',
                        now() at time zone 'UTC')
                ON CONFLICT (backend_id, name, rate) DO NOTHING""",
                backend.id,
                backend.company_id.id,
                name,
                rate,
                tax.id,
                self.env.uid,
                self.env.uid,
            )
        )
