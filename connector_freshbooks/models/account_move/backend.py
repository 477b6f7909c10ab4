# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where a backend books FreshBooks' documents: its own sales journals, so that a move
named by FreshBooks' number never meets Odoo's sequence or another backend's, and the
rate of a foreign currency, which must be one Odoo has for the day (never 1.0)."""

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError

JOURNALS = {  # move type -> (backend field, code prefix, name)
    "out_invoice": ("invoice_journal_id", "FB", "FreshBooks invoices"),
    "out_refund": ("credit_note_journal_id", "FC", "FreshBooks credit notes"),
}


class FreshBooksBackend(models.Model):
    _inherit = "freshbooks.backend"

    invoice_journal_id = fields.Many2one(
        "account.journal",
        readonly=True,
        copy=False,
        help="FreshBooks' invoices are booked here under FreshBooks' numbers (made at the "
        "first import).",
    )
    credit_note_journal_id = fields.Many2one(
        "account.journal",
        readonly=True,
        copy=False,
        help="FreshBooks' credit notes are booked here under FreshBooks' numbers.",
    )

    def _document_journal(self, move_type):
        """The backend's journal of ``move_type``, made the first time (under a lock on
        the backend's row: two jobs never make two)."""
        self.ensure_one()
        field, prefix, name = JOURNALS[move_type]
        backend = self.sudo()
        if backend[field]:
            return backend[field]
        self.env.execute_query(
            SQL("SELECT id FROM freshbooks_backend WHERE id = %s FOR UPDATE", self.id)
        )
        backend.invalidate_recordset([field])
        if backend[field]:
            return backend[field]
        journals = self.env["account.journal"].sudo().with_company(self.company_id)
        taken = set(journals.search([("company_id", "=", self.company_id.id)]).mapped("code"))
        code = next(
            candidate
            for candidate in (f"{prefix}{self.id}"[:5], *(f"{prefix}{n}" for n in range(1000)))
            if candidate not in taken
        )
        model = journals.search(
            [("type", "=", "sale"), ("company_id", "=", self.company_id.id)], limit=1
        )
        backend[field] = journals.create(
            {
                "name": f"{name} ({self.name})",
                "code": code,
                "type": "sale",
                "company_id": self.company_id.id,
                "default_account_id": model.default_account_id.id,
                "freshbooks_backend_id": self.id,
            }
        )
        return backend[field]

    def _general_journal(self):
        """The company's miscellaneous journal (where credits are applied)."""
        return (
            self.env["account.journal"]
            .sudo()
            .search([("type", "=", "general"), ("company_id", "=", self.company_id.id)], limit=1)
        )

    def _check_rate(self, currency, on_date, what):
        """``InvalidRecordError`` unless Odoo has a rate of ``currency`` on or before
        ``on_date`` for the backend's company: Odoo would book at 1.0 without one."""
        company = self.company_id
        known = (
            self.env["res.currency.rate"]
            .sudo()
            .search_count(
                [
                    ("currency_id", "=", currency.id),
                    ("name", "<=", on_date),
                    ("company_id", "in", (company.root_id.id, False)),
                ],
                limit=1,
            )
        )
        if not known:
            raise InvalidRecordError(
                self.env._(
                    "%(what)s is in %(code)s, and Odoo has no %(code)s rate on or before "
                    "%(date)s for %(company)s: it is not booked at 1.0. Load the rates "
                    "(Accounting > Configuration > Currencies, Odoo's automatic currency "
                    "rates, or OCA's currency_rate_update where installed), then retry.",
                    what=what,
                    code=currency.name,
                    date=on_date,
                    company=company.name,
                )
            )
