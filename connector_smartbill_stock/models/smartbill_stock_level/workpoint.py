# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.connector_smartbill.exceptions import InvalidRecordError, job_errors
from odoo.addons.connector_smartbill.jobs import JobOutcome, smartbill_job


class SmartBillWorkpoint(models.Model):
    """A gestiune's Odoo warehouse, and whether SmartBill sets its stock."""

    _inherit = "smartbill.workpoint"

    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="The Odoo warehouse of this gestiune: SmartBill's stock is compared with its "
        "on-hand quantities (suggested by name or code).",
    )
    stock_import = fields.Boolean(
        "SmartBill sets the stock",
        help="Apply the differences with SmartBill's stock as inventory adjustments in the "
        "warehouse, once a day. Off: SmartBill's stock is only compared.",
    )
    company_id = fields.Many2one(related="backend_id.company_id")

    @api.private
    def suggest_warehouses(self):
        """Link each of these workpoints without a warehouse to its company's warehouse
        of the same name, or whose code starts its name, when exactly one matches."""
        warehouses = self.env["stock.warehouse"]
        for workpoint in self.filtered(lambda w: not w.warehouse_id):
            candidates = warehouses.search([("company_id", "=", workpoint.company_id.id)])
            name = workpoint.name.strip().casefold()
            match = candidates.filtered(lambda w, n=name: w.name.strip().casefold() == n)
            if not match:
                match = candidates.filtered(lambda w, n=name: n.startswith(w.code.casefold()))
            if len(match) == 1:
                workpoint.warehouse_id = match

    def _stock_of(self, day, product_code=None):
        """SmartBill's products of this gestiune on ``day`` (one V1 call)."""
        with job_errors():
            stocks = self.backend_id._v1_client().stocks(
                day, warehouse=self.name, product_code=product_code
            )
        return [line for stock in stocks for line in stock.products if line.product_code]

    def _product_of(self, line):
        """The Odoo product of SmartBill's stock ``line``, by its binding's code."""
        binding = self.env["smartbill.product.product"].search(
            [("backend_id", "=", self.backend_id.id), ("default_code", "=", line.product_code)],
            limit=1,
        )
        if not binding:
            raise InvalidRecordError(
                self.env._(
                    "Product %(code)s (%(name)s) of gestiune %(gestiune)s is not in Odoo: "
                    "import the master data (products), then Retry failed.",
                    code=line.product_code,
                    name=line.product_name,
                    gestiune=self.name,
                )
            )
        return binding.odoo_id

    def _import_line(self, day, line):
        level, status = self.env["smartbill.stock.level"].record(
            self, day, line, self._product_of(line)
        )
        return JobOutcome.of_status(f"{self.name} {line.product_code}: {status}", status), level

    @smartbill_job
    def import_stock_product(self, day, product_code, run=None):
        """Job: one product of this gestiune on ``day``, alone (it failed in its day's
        job): read again from SmartBill, stored, applied where chosen."""
        self.ensure_one()
        lines = self._stock_of(day, product_code)
        if not lines:
            return JobOutcome(f"{self.name} {product_code}: not in SmartBill's stock", {"read": 0})
        outcome, level = self._import_line(day, lines[0])
        level.apply()
        outcome.counts["read"] = 1
        return outcome

    def _smartbill_job_ref(self, job):
        if job.method_name == "import_stock_product":
            return f"{self.name}/{job.args[1]}"
        return super()._smartbill_job_ref(job)
