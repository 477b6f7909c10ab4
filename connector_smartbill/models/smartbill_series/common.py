# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# the series of the company's documents whose legal number has no series letters to split
# off (``12345``, ``0023A``): they are named with their number all the same
WITHOUT_SERIES = "Fara serie"


class SmartBillSeries(models.Model):
    """A SmartBill document series (``FCT``) and the number it issues next.

    The workpoint and the journal are chosen in Odoo: invoices of the series go to that
    journal and are attributed to that workpoint.
    """

    _name = "smartbill.series"
    _inherit = "smartbill.binding"
    _description = "SmartBill Series"
    _order = "series_type, name"
    _import_priority = 5
    _sync_entity, _sync_label = "series", "Series"
    _smartbill_source = "v1"

    name = fields.Char(required=True, readonly=True)
    series_type = fields.Selection(
        [("f", "Invoice"), ("p", "Proforma"), ("c", "Receipt (chitanta)")],
        "Type",
        readonly=True,
    )
    next_number = fields.Char(
        readonly=True, help="The number SmartBill issues next in this series, as it prints it."
    )
    workpoint_id = fields.Many2one(
        "smartbill.workpoint",
        domain="[('backend_id', '=', backend_id)]",
        help="The store or depot that issues this series.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        domain="[('company_id', '=', smartbill_company_id)]",
        help="Invoices of this series are booked in this journal, named with their legal "
        "numbers (FCT0107): by default a sale journal of the series' own, so that the "
        "company's other journals keep Odoo's numbering.",
    )
    second_journal_id = fields.Many2one(
        "account.journal",
        domain="[('company_id', '=', smartbill_company_id)]",
        help="A document whose legal number a document of the other kind already has in "
        "the series' journal (an invoice and a credit note numbered alike) is booked in "
        "this journal under that number: made the first time it is needed.",
    )

    checked_until = fields.Integer(
        "Numbers checked until",
        readonly=True,
        help="The completeness check asked SmartBill about this series' numbers up to this "
        "one: it goes on from the next.",
    )

    def _completeness_start(self, moves):
        """The first number the completeness check looks at: after the last checked, else
        the first imported (issued on or after the backend's *Check numbers from*)."""
        if self.checked_until:
            return self.checked_until + 1
        since = self.backend_id.completeness_since
        numbers = [
            int(m.x_smartbill_number)
            for m in moves
            if m.x_smartbill_series == self.name
            and (m.x_smartbill_number or "").isdigit()
            and (not since or m.invoice_date >= since)
        ]
        return min(numbers, default=int(self.next_number or 1) if since else 1)

    def _ensure_journal(self):
        """Give each invoice series without a journal a sale journal of its own."""
        for series in self.filtered(lambda s: s.series_type == "f" and not s.journal_id):
            series.journal_id = series._new_journal(self.env._("SmartBill series %s", series.name))

    def _second_journal(self):
        """The series' second journal (``second_journal_id``), made when first asked."""
        self.ensure_one()
        if not self.second_journal_id:
            self.second_journal_id = self._new_journal(
                self.env._("SmartBill series %s (second)", self.name)
            )
        return self.second_journal_id

    def _new_journal(self, name):
        """A sale journal of the series' company named ``name``, its code from the
        series' name."""
        company = self.backend_id.company_id
        journals = self.env["account.journal"]
        sale = journals.search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        codes = set(journals.search([("company_id", "=", company.id)]).mapped("code"))
        return journals.create(
            {
                "name": name,
                "code": self._journal_code(codes),
                "type": "sale",
                "company_id": company.id,
                "refund_sequence": False,  # storno and credit notes number in the series
                "default_account_id": sale.default_account_id.id,
            }
        )

    def _journal_code(self, taken):
        """A journal code (5 characters at most) from the series' name, free in ``taken``."""
        stem = "".join(c for c in self.name.upper() if c.isalnum()) or "SB"
        candidates = [stem[:5]] + [f"{stem[:3]}{n}" for n in range(1, 100)]
        return next(code for code in candidates if code not in taken)


class SmartBillBackend(models.Model):
    _inherit = "smartbill.backend"

    series_ids = fields.One2many("smartbill.series", "backend_id")
