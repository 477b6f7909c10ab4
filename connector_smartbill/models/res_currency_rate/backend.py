# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.connector_accounting_base.jobs import (
    JobOutcome,
    connector_job,
    identity_without_run,
)

from ...api.bnr import DEFAULT_URL as BNR_URL
from ...api.bnr import BnrClient
from ...exceptions import job_errors


class SmartBillBackend(models.Model):
    """Exchange rates: BNR's reference rates, the ones SmartBill uses."""

    _inherit = "smartbill.backend"

    bnr_url = fields.Char(
        "BNR URL",
        default=BNR_URL,
        help="Where BNR publishes its XML rates; change it only for the simulator.",
    )

    def _sync_entities(self):
        return {**super()._sync_entities(), "rates": self.env._("BNR rates")}

    def _queue_rates(self, since=None, until=None, dry_run=False):
        if dry_run:
            raise UserError(self.env._("BNR rates have no dry run: they are only added."))
        run = self._new_run("rates", "bnr", date_from=since, date_to=until)
        job = self.with_delay(priority=5, identity_key=identity_without_run)
        return self._run_of(run, job.import_bnr_rates(since=since, until=until, run=run))

    @connector_job
    def import_bnr_rates(self, since=None, until=None, run=None):
        """Job: BNR's rates of [since, until] (default: the last 7 days) for the
        company's active currencies; only new or changed rates are written. SmartBill uses
        BNR's rate of the day unless a document says otherwise: imported foreign invoices
        keep their own rate, these serve payments, reports and revaluations."""
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
        with job_errors():
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
        return JobOutcome(
            f"{written} BNR rates written for {since} to {until}", {"updated": written}
        )

    @api.model
    def _cron_import_bnr_rates(self):
        backends = self.search([("active", "=", True), ("company_id.currency_id.name", "=", "RON")])
        for company_backends in backends.grouped("company_id").values():
            company_backends[:1]._queue_sync("rates")
