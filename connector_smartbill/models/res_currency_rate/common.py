# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""BNR exchange rates into Odoo, for a company that keeps its books in RON.

SmartBill uses BNR's rate of the day unless a document says otherwise; imported foreign
invoices keep the rate SmartBill used (their own per-invoice rate), and these rates serve
everything else (payments, reports, revaluations).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.queue_job.job import identity_exact

from ...api.bnr import DEFAULT_URL as BNR_URL
from ...api.bnr import BnrClient
from ...exceptions import api_errors


class SmartBillBackend(models.Model):
    _inherit = "smartbill.backend"

    bnr_url = fields.Char(
        "BNR URL",
        default=BNR_URL,
        help="Where BNR publishes its XML rates; change it only for the simulator.",
    )
    rates_imported_at = fields.Datetime("BNR rates imported", readonly=True, copy=False)

    def import_bnr_rates(self, since=None, until=None):
        """Job: BNR's rates of [since, until] (default: the last 7 days) for the
        company's active currencies; only new or changed rates are written."""
        self.ensure_one()
        company = self.company_id
        if company.currency_id.name != "RON":
            raise UserError(
                self.env._("BNR rates are RON rates: company %s is not in RON.", company.name)
            )
        until = until or fields.Date.context_today(self)
        since = since or until - timedelta(days=7)
        client = BnrClient(self.bnr_url or BNR_URL)
        published = {}
        with api_errors():
            for year in range(since.year, until.year + 1):
                published.update(client.year(year))
        currencies = self.env["res.currency"].search([("name", "!=", "RON")])
        existing = {
            (r.currency_id.id, r.name): r
            for r in self.env["res.currency.rate"].search(
                [
                    ("company_id", "=", company.id),
                    ("currency_id", "in", currencies.ids),
                    ("name", ">=", since),
                    ("name", "<=", until),
                ]
            )
        }
        written = 0
        for day, rates in sorted(published.items()):
            if not since <= day <= until:
                continue
            for currency in currencies.filtered(lambda c, r=rates: c.name in r):
                value = float(rates[currency.name])
                rate = existing.get((currency.id, day))
                if rate and not float_compare(rate.inverse_company_rate, value, 6):
                    continue
                if rate:
                    rate.inverse_company_rate = value
                else:
                    self.env["res.currency.rate"].create(
                        {
                            "currency_id": currency.id,
                            "company_id": company.id,
                            "name": day,
                            "inverse_company_rate": value,
                        }
                    )
                written += 1
        self.rates_imported_at = fields.Datetime.now()
        return f"{written} BNR rates written for {since} to {until}"

    def action_import_bnr_rates(self):
        for backend in self:
            backend.with_delay(priority=5, identity_key=identity_exact).import_bnr_rates()
        return self._notify_queued(self.env._("BNR rates import queued."))

    @api.model
    def _cron_import_bnr_rates(self):
        backends = self.search([("active", "=", True), ("company_id.currency_id.name", "=", "RON")])
        for company_backends in backends.grouped("company_id").values():
            company_backends[:1].with_delay(
                priority=5, identity_key=identity_exact
            ).import_bnr_rates()
