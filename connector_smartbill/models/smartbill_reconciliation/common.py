# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from dataclasses import dataclass, field

from odoo import api, fields, models

from ..account_move.common import ban

AMOUNTS = ("untaxed", "tax", "total")
DIFFERING = ("different", "missing")


@dataclass
class Side:
    """The figures of one row being built: SmartBill's side and Odoo's."""

    documents: list = field(default_factory=list)  # one document per legal document
    copies: list = field(default_factory=list)
    moves: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    odoo_only: int = 0
    values: dict = field(default_factory=lambda: defaultdict(float))


class SmartBillReconciliation(models.Model):
    """One month of one series (or one supplier's bills) in one currency, SmartBill's
    side against Odoo's: the numbers issued and the documents received with their XML
    totals and what SmartBill says is paid, against the posted moves and what Odoo
    sees paid. Built by :meth:`rebuild` (daily, or *Reconcile now*)."""

    _name = "smartbill.reconciliation"
    _inherit = "connector.reconciliation.mixin"
    _description = "SmartBill reconciliation of a month"
    _order = "month desc, direction desc, group_key, currency_id"
    _key_fields = ("month", "direction", "group_key", "currency_id")

    backend_id = fields.Many2one(
        "smartbill.backend", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    direction = fields.Selection(
        [("sale", "Issued"), ("purchase", "Received")], readonly=True, index=True
    )
    group_key = fields.Char("Series or supplier VAT code", readonly=True)
    party_name = fields.Char("Series or supplier", readonly=True)
    # SmartBill's side
    issued_count = fields.Integer(
        "SmartBill documents",
        readonly=True,
        help="Invoices issued (documents received and numbers SmartBill knows without an "
        "e-Factura in Odoo), or bills received.",
    )
    missing_number_count = fields.Integer(
        "Numbers without e-Factura",
        readonly=True,
        help="Numbers of the series SmartBill knows whose e-Factura never reached Odoo.",
    )
    xml_untaxed = fields.Monetary("Untaxed (SmartBill)", readonly=True)
    xml_tax = fields.Monetary("VAT (SmartBill)", readonly=True)
    xml_total = fields.Monetary("Total (SmartBill)", readonly=True)
    smartbill_paid = fields.Monetary(
        "Paid (SmartBill)", readonly=True, help="Of the invoices whose payment status was read."
    )
    # Odoo's side
    move_untaxed = fields.Monetary("Untaxed (Odoo)", readonly=True)
    move_tax = fields.Monetary("VAT (Odoo)", readonly=True)
    move_total_ron = fields.Monetary(
        "Total in company currency", currency_field="company_currency_id", readonly=True
    )
    odoo_paid = fields.Monetary(
        "Paid (Odoo)", readonly=True, help="Of the invoices whose payment status was read."
    )
    # the differences
    untaxed_difference = fields.Monetary(readonly=True)
    tax_difference = fields.Monetary("VAT difference", readonly=True)
    paid_difference = fields.Monetary("Paid difference", readonly=True)
    difference_count = fields.Integer(
        help="Documents that differ or are not in Odoo, moves without a SmartBill "
        "document, and numbers without e-Factura.",
    )

    _key_uniq = models.UniqueIndex(
        "(backend_id, month, COALESCE(direction, ''), COALESCE(group_key, ''),"
        " COALESCE(currency_id, 0))",
        "A backend has one reconciliation row per month, series or supplier, and currency.",
    )

    # -- building ----------------------------------------------------------------------
    @api.private
    @api.model
    def rebuild(self, backend):
        """Compare ``backend``'s SmartBill documents with its moves in Odoo, month by
        month, and write the rows (and each document's state); returns the rows."""
        backend.ensure_one()
        self._lock_backend(backend)
        rows = defaultdict(Side)
        documents = self.env["smartbill.document"].search(
            [
                ("backend_id", "=", backend.id),
                # not ANAF's refusals: a notice about an upload, not a document
                "|",
                "|",
                ("source", "!=", "spv"),
                ("attachment_id", "!=", False),
                ("unread", "=", True),
            ]
        )
        documents.read_facts()
        currencies = self._currencies(documents)
        booked = self._add_documents(rows, documents, currencies)
        moves = self._moves(backend)
        for move in moves:
            side = rows[self._move_key(move)]
            side.moves.append(move)
            side.odoo_only += move.id not in booked
        self._add_gaps(rows, backend, moves)
        return self._write_rows(backend, rows)

    def _currencies(self, documents):
        codes = set(documents.mapped("currency_code")) - {False}
        found = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list(codes))])
        )
        return {currency.name: currency for currency in found}

    def _add_documents(self, rows, documents, currencies):
        """Each legal document once (the first file booked, else the newest), in the
        row of its month; returns the ids of the moves the documents booked."""
        legal = defaultdict(list)
        for document in documents:
            if document.issue_date:
                key = (document.direction, document.group_key, document.document_ref)
                legal[(*key, document.is_refund)].append(document)
            else:  # unreadable: a document of its own, in the month it arrived
                legal[("file", document.id)].append(document)
        booked = set()
        for files in legal.values():
            files.sort(key=lambda d: (bool(d.move_id), -d.id if d.move_id else d.id), reverse=True)
            first = files[0]
            currency = currencies.get(first.currency_code, self.env["res.currency"])
            month = first.issue_date or first.create_date.date()
            key = (month.replace(day=1), first.direction, first.group_key, currency)
            rows[key].documents.append(first)
            rows[key].copies += files[1:]
            booked.add(first.move_id.id)
        return booked

    def _moves(self, backend):
        return self.env["account.move"].search(
            [
                ("company_id", "=", backend.company_id.id),
                ("x_smartbill_company_vat_code", "=", backend.company_vat_code),
                ("x_smartbill_id", "!=", False),
                ("state", "=", "posted"),
            ],
            order="invoice_date, id",
        )

    @staticmethod
    def _move_key(move):
        sale = move.move_type in ("out_invoice", "out_refund")
        group = move.x_smartbill_series if sale else move.x_smartbill_partner_vat_code
        month = move.invoice_date.replace(day=1)
        return month, "sale" if sale else "purchase", group, move.currency_id

    def _add_gaps(self, rows, backend, moves):
        """Each number SmartBill knows without an e-Factura in Odoo, in the month and
        currency of the invoice before it in its series (numbers follow the dates), else
        of the one after it."""
        gaps = self.env["smartbill.series.gap"].search(
            [("backend_id", "=", backend.id), ("state", "=", "missing")]
        )
        by_series = defaultdict(list)
        for move in moves.filtered(lambda m: m.move_type == "out_invoice"):
            by_series[move.x_smartbill_series].append(move)
        for gap in gaps:
            series = sorted(
                by_series.get(gap.series_id.name, []), key=lambda m: m.x_smartbill_number
            )
            before = [m for m in series if m.x_smartbill_number < gap.number]
            after = [m for m in series if m.x_smartbill_number > gap.number]
            neighbour = before[-1] if before else (after[0] if after else None)
            if neighbour:
                month, currency = neighbour.invoice_date.replace(day=1), neighbour.currency_id
            else:
                month = fields.Date.context_today(self).replace(day=1)
                currency = self.env["res.currency"]
            rows[(month, "sale", gap.series_id.name, currency)].gaps.append(gap)

    def _row_values(self, side):
        """The row's figures; compares each document with its move on the way."""
        values = defaultdict(float)
        differing = side.odoo_only + len(side.gaps)
        for document in side.documents:
            for amount in AMOUNTS:
                values[f"xml_{amount}"] += document[f"xml_{amount}"]
            document.reconcile_state, document.reconcile_message = self._compare(document)
            differing += document.reconcile_state in DIFFERING
        for move in side.moves:
            sign = -1 if move.move_type in ("out_refund", "in_refund") else 1
            for amount in AMOUNTS:
                values[f"move_{amount}"] += sign * move[f"amount_{amount}"]
            values["move_total_ron"] += sign * abs(move.amount_total_signed)
            for binding in move.smartbill_bind_ids.filtered("payment_checked_at"):
                values["smartbill_paid"] += sign * binding.smartbill_paid
                values["odoo_paid"] += sign * float(binding._odoo_paid())
        for amount in (*AMOUNTS, "paid"):
            source = "xml" if amount != "paid" else "smartbill"
            target = "move" if amount != "paid" else "odoo"
            values[f"{amount}_difference"] = float(
                ban(values[f"{source}_{amount}"] - values[f"{target}_{amount}"])
            )
        issued = len(side.documents) + len(side.gaps)
        same = issued == len(side.moves) and not any(
            values[f"{amount}_difference"] for amount in (*AMOUNTS, "paid")
        )
        return {
            **values,
            "party_name": self._party_name(side),
            "issued_count": issued,
            "missing_number_count": len(side.gaps),
            "move_count": len(side.moves),
            "difference_count": differing,
            "state": "reconciled" if same and not differing else "different",
        }

    @staticmethod
    def _party_name(side):
        for document in side.documents:
            if document.party_name:
                return document.party_name
        for move in side.moves:
            sale = move.move_type in ("out_invoice", "out_refund")
            return move.x_smartbill_series if sale else move.partner_id.name
        return side.gaps[0].series_id.name if side.gaps else False

    def _compare(self, document):
        """``(state, message)`` of a document against its move in Odoo."""
        move = document.move_id
        if not move:
            reason = document.message or self.env._("Not imported yet.")
            return "missing", reason
        if move.state != "posted":
            return "different", self.env._("%s is not posted in Odoo.", move.display_name)
        sign = -1 if move.move_type in ("out_refund", "in_refund") else 1
        labels = {
            "untaxed": self.env._("untaxed"),
            "tax": self.env._("VAT"),
            "total": self.env._("total"),
        }
        differences = [
            self.env._(
                "%(what)s: SmartBill %(smartbill).2f, Odoo %(odoo).2f",
                what=labels[amount],
                smartbill=document[f"xml_{amount}"],
                odoo=sign * move[f"amount_{amount}"],
            )
            for amount in AMOUNTS
            if ban(document[f"xml_{amount}"] - sign * move[f"amount_{amount}"])
        ]
        if move.currency_id.name != document.currency_code:
            differences.append(
                self.env._(
                    "currency: SmartBill %(smartbill)s, Odoo %(odoo)s",
                    smartbill=document.currency_code,
                    odoo=move.currency_id.name,
                )
            )
        return ("different", "\n".join(differences)) if differences else ("ok", False)

    def _after_row(self, row, side):
        self._mark_documents(row, side)

    def _mark_documents(self, row, side):
        side_documents = self.env["smartbill.document"].union(*side.documents)
        copies = self.env["smartbill.document"].union(*side.copies)
        (side_documents | copies).reconciliation_id = row
        copies.write({"reconcile_state": "copy", "reconcile_message": False})
        gaps = self.env["smartbill.series.gap"].union(*side.gaps)
        gaps.reconciliation_id = row

    # -- the documents behind a figure ---------------------------------------------------
    def _documents_action(self, domain):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("SmartBill documents of %s", self.display_name),
            "res_model": "smartbill.document",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("connector_smartbill.smartbill_document_view_reconcile").id, "list"),
                (False, "form"),
            ],
            "domain": [("reconciliation_id", "=", self.id), *domain],
        }

    def action_open_documents(self):
        return self._documents_action([])

    def action_open_differences(self):
        return self._documents_action([("reconcile_state", "in", DIFFERING)])

    def action_open_moves(self):
        self.ensure_one()
        sale = self.direction == "sale"
        end = fields.Date.end_of(self.month, "month")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Odoo moves of %s", self.display_name),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [
                ("company_id", "=", self.company_id.id),
                ("x_smartbill_company_vat_code", "=", self.backend_id.company_vat_code),
                (
                    "x_smartbill_series" if sale else "x_smartbill_partner_vat_code",
                    "=",
                    self.group_key,
                ),
                (
                    "move_type",
                    "in",
                    ("out_invoice", "out_refund") if sale else ("in_invoice", "in_refund"),
                ),
                ("currency_id", "=", self.currency_id.id),
                ("invoice_date", ">=", self.month),
                ("invoice_date", "<=", end),
                ("state", "=", "posted"),
            ],
        }

    def action_open_gaps(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Numbers without e-Factura"),
            "res_model": "smartbill.series.gap",
            "view_mode": "list",
            "domain": [("reconciliation_id", "=", self.id)],
        }

    @api.depends("month_label", "party_name", "group_key", "currency_id")
    def _compute_display_name(self):
        for row in self:
            parts = [row.month_label, row.party_name or row.group_key, row.currency_id.name]
            row.display_name = " ".join(part for part in parts if part)
