# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""FreshBooks against Odoo, per month, client and currency: FreshBooks' sent invoices as
its API states them now (count, total, outstanding, paid) next to the posted moves bound
to them (count, total, residual, paid). Drafts are no accounting fact on either side. A
FreshBooks invoice without a posted move, or a posted move whose FreshBooks invoice is
gone, deleted or a draft, is a difference too. Grouped by client, the rows are the client
balances."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from odoo import api, fields, models

from odoo.addons.connector_accounting_base.exceptions import job_errors

from ..account_move.importer import ACTIVE, DRAFT, amount

FIGURES = ("total", "outstanding", "paid")


@dataclass
class Gathered:
    """One row's invoices: FreshBooks' and the moves bound to them."""

    client_name: str = ""
    partner: object = None
    invoices: list = field(default_factory=list)
    moves: list = field(default_factory=list)
    missing: int = 0
    odoo_only: int = 0
    differing: int = 0


class FreshBooksReconciliation(models.Model):
    _name = "freshbooks.reconciliation"
    _inherit = "connector.reconciliation.mixin"
    _description = "FreshBooks reconciliation of a month and client"
    _order = "month desc, client_name, currency_id"
    _key_fields = ("month", "client_ref", "currency_id")

    backend_id = fields.Many2one(
        "freshbooks.backend", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    client_ref = fields.Char("FreshBooks client id", readonly=True, index=True)
    client_name = fields.Char("Client", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    invoice_count = fields.Integer("FreshBooks invoices", readonly=True)
    freshbooks_total = fields.Monetary("Total (FreshBooks)", readonly=True)
    freshbooks_outstanding = fields.Monetary("Outstanding (FreshBooks)", readonly=True)
    freshbooks_paid = fields.Monetary("Paid (FreshBooks)", readonly=True)
    move_outstanding = fields.Monetary("Outstanding (Odoo)", readonly=True)
    move_paid = fields.Monetary("Paid (Odoo)", readonly=True)
    outstanding_difference = fields.Monetary(readonly=True)
    difference_count = fields.Integer(
        help="Invoices not posted in Odoo, posted moves FreshBooks no longer counts, and "
        "invoices whose total or outstanding differ.",
    )

    _key_uniq = models.UniqueIndex(
        "(backend_id, month, COALESCE(client_ref, ''), COALESCE(currency_id, 0))",
        "A backend has one reconciliation row per month, client and currency.",
    )

    @api.depends("month_label", "client_name", "currency_id")
    def _compute_display_name(self):
        for row in self:
            parts = (row.month_label, row.client_name, row.currency_id.name)
            row.display_name = " ".join(part for part in parts if part)

    @api.private
    @api.model
    def rebuild(self, backend):
        """Read FreshBooks' invoices and compare them with Odoo's; returns the rows."""
        backend.ensure_one()
        self._lock_backend(backend)
        bindings = self.env["freshbooks.account.move"].search([("backend_id", "=", backend.id)])
        by_id = {binding.external_id: binding for binding in bindings}
        clients = self.env["freshbooks.res.partner"].search([("backend_id", "=", backend.id)])
        partners = {binding.external_id: binding.odoo_id for binding in clients}
        currencies = {c.name: c for c in self.env["res.currency"].search([])}
        rows = defaultdict(Gathered)
        seen = set()
        with backend.work_on("freshbooks.account.move") as work, job_errors("FreshBooks"):
            invoices = list(work.component(usage="backend.adapter").search())
        for invoice in invoices:
            if int(invoice.get("vis_state") or ACTIVE) != ACTIVE:
                continue
            if int(invoice.get("status") or DRAFT) == DRAFT:
                continue
            client_ref = str(invoice["customerid"])
            month = fields.Date.to_date(invoice["create_date"]).replace(day=1)
            key = (month, client_ref, currencies.get(invoice.get("currency_code")))
            gathered = rows[key]
            gathered.client_name = invoice.get("organization") or " ".join(
                part for part in (invoice.get("fname"), invoice.get("lname")) if part
            )
            gathered.partner = partners.get(client_ref)
            gathered.invoices.append(invoice)
            binding = by_id.get(str(invoice["id"]))
            seen.add(str(invoice["id"]))
            if not binding or binding.odoo_id.state != "posted":
                gathered.missing += 1
                continue
            gathered.moves.append(binding.odoo_id)
            gathered.differing += not self._same(invoice, binding.odoo_id)
        for binding in bindings:
            move = binding.odoo_id
            if binding.external_id in seen or move.state != "posted":
                continue
            client = clients.filtered(lambda c, p=move.partner_id: c.odoo_id == p)[:1]
            key = (move.date.replace(day=1), client.external_id or False, move.currency_id)
            rows[key].odoo_only += 1
            rows[key].client_name = rows[key].client_name or move.partner_id.name
            rows[key].moves.append(move)
        return self._write_rows(backend, rows)

    @staticmethod
    def _same(invoice, move):
        ours = (Decimal(str(move.amount_total)), Decimal(str(move.amount_residual)))
        theirs = (amount(invoice.get("amount")), amount(invoice.get("outstanding")))
        return tuple(value.quantize(Decimal("0.01")) for value in ours) == theirs

    def _row_values(self, gathered):
        theirs = {
            name: sum(
                (amount(i.get("amount" if name == "total" else name)) for i in gathered.invoices),
                Decimal(0),
            )
            for name in FIGURES
        }
        total = sum(move.amount_total for move in gathered.moves)
        outstanding = sum(move.amount_residual for move in gathered.moves)
        differences = gathered.missing + gathered.odoo_only + gathered.differing
        return {
            "client_name": gathered.client_name,
            "partner_id": gathered.partner.id if gathered.partner else False,
            "invoice_count": len(gathered.invoices),
            "freshbooks_total": float(theirs["total"]),
            "freshbooks_outstanding": float(theirs["outstanding"]),
            "freshbooks_paid": float(theirs["paid"]),
            "move_count": len(gathered.moves),
            "move_total": total,
            "move_outstanding": outstanding,
            "move_paid": total - outstanding,
            "total_difference": total - float(theirs["total"]),
            "outstanding_difference": outstanding - float(theirs["outstanding"]),
            "difference_count": differences,
            "state": "different" if differences else "reconciled",
        }
