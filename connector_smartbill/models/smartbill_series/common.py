# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SmartBillSeries(models.Model):
    """A SmartBill document series (``FCT``) and the number it issues next.

    The workpoint and the journal are chosen in Odoo: invoices of the series go to that
    journal and are attributed to that workpoint.
    """

    _name = "smartbill.series"
    _inherit = "smartbill.binding"
    _description = "SmartBill Series"
    _order = "series_type, name"
    _smartbill_priority = 5
    _smartbill_entity = "series"
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
            company = series.backend_id.company_id
            journals = self.env["account.journal"]
            sale = journals.search(
                [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
            )
            codes = set(journals.search([("company_id", "=", company.id)]).mapped("code"))
            series.journal_id = journals.create(
                {
                    "name": self.env._("SmartBill series %s", series.name),
                    "code": series._journal_code(codes),
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
