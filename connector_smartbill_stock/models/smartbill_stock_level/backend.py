# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.connector_accounting_base.jobs import (
    JobOutcome,
    connector_job,
    describe,
    identity_without_run,
    own_priority,
)

MAX_DAYS = 366  # days one stock run reads (one V1 call per gestiune and day)


class SmartBillBackend(models.Model):
    """Stock: SmartBill's quantities per gestiune and day (V1 ``/stocks``), compared
    with Odoo's warehouses, and set in Odoo where the company chose so."""

    _inherit = "smartbill.backend"

    stock_sync = fields.Boolean(
        "Read SmartBill's stock daily",
        default=True,
        help="Every day, SmartBill's stock of each gestiune (one V1 call each) is stored "
        "and compared with the gestiune's Odoo warehouse.",
    )
    stock_level_ids = fields.One2many("smartbill.stock.level", "backend_id")
    stock_day = fields.Date("Stock read for", compute="_compute_stock_figures")
    stock_difference_count = fields.Integer(
        "Stock differences",
        compute="_compute_stock_figures",
        help="Products whose SmartBill quantity differs from Odoo's, on the last day read.",
    )

    def _compute_stock_figures(self):
        levels = self.env["smartbill.stock.level"]
        for backend in self:
            domain = [("backend_id", "=", backend._origin.id)]
            last = levels.search(domain, order="day desc", limit=1).day
            backend.stock_day = last
            backend.stock_difference_count = last and levels.search_count(
                [*domain, *backend._stock_difference_domain(last)]
            )

    @staticmethod
    def _stock_difference_domain(day):
        return [("day", "=", day), ("compared", "=", True), ("difference", "!=", 0)]

    def _sync_entities(self):
        return {**super()._sync_entities(), "stock": self.env._("Stock levels")}

    def _queue_stock(self, since=None, until=None, dry_run=False):
        """One job per day of [since, until] (default: today)."""
        if dry_run:
            raise UserError(self.env._("Stock levels have no dry run: they are only read."))
        until = until or fields.Date.context_today(self)
        since = since or until
        days = (until - since).days + 1
        if not 0 < days <= MAX_DAYS:
            raise UserError(
                self.env._("Read SmartBill's stock for 1 to %s days at a time.", MAX_DAYS)
            )
        run = self._new_run("stock", "v1", date_from=since, date_to=until)
        jobs = [
            self.with_delay(
                priority=40,
                identity_key=identity_without_run,
                description=self.env._("SmartBill stock of %s", day),
            ).import_stock(day, run=run)
            for day in (since + timedelta(days=offset) for offset in range(days))
        ]
        return self._run_of(run, *jobs)

    @connector_job
    def import_stock(self, day, run=None):
        """Job: SmartBill's stock of every gestiune on ``day`` (one V1 call each), each
        product that changed stored in its own savepoint (an unchanged one costs a
        comparison); a product that cannot be stored (not in Odoo) is queued alone,
        where it fails with its reason. Then SmartBill's quantities are set in the
        warehouses whose company chose so."""
        self.ensure_one()
        self.workpoint_ids.suggest_warehouses()
        counts, alone = Counter(), []
        levels = self.env["smartbill.stock.level"]
        for workpoint in self.workpoint_ids:
            done, stored, rest = workpoint._import_lines(day, workpoint._stock_of(day))
            counts.update(done)
            levels |= stored
            alone += [(workpoint, line.product_code) for line in rest]
        levels.apply()
        for workpoint, code in alone:
            workpoint.with_delay(
                priority=own_priority(self.env, 40),
                identity_key=identity_without_run,
                description=self.env._(
                    "SmartBill stock: %(gestiune)s %(code)s", gestiune=workpoint.name, code=code
                ),
            ).import_stock_product(day, code, run=run)
        text = describe(counts) or "0 read"
        if alone:
            text += f"; {len(alone)} queued in their own jobs"
        return JobOutcome(f"{day}: {text}", counts)

    @api.model
    def _cron_import_stock(self):
        for backend in self.search([("active", "=", True), ("stock_sync", "=", True)]):
            backend._queue_sync("stock")

    def action_open_stock_levels(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "connector_smartbill_stock.smartbill_stock_level_action"
        )
        action["domain"] = [("backend_id", "in", self.ids)]
        return action

    def action_open_stock_differences(self):
        self.ensure_one()
        action = self.action_open_stock_levels()
        action["domain"] += self._stock_difference_domain(self.stock_day)
        return action

    def action_suggest_warehouses(self):
        self._check_manager()
        self.workpoint_ids.suggest_warehouses()
