# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import api, fields, models

from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError
from odoo.addons.connector_accounting_base.jobs import JobOutcome, connector_job, import_each
from odoo.addons.connector_smartbill.exceptions import job_errors


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

    def _products_of(self, lines):
        """The Odoo products of SmartBill's stock ``lines``, by their bindings' codes:
        SmartBill code -> product, for the codes Odoo has."""
        bindings = self.env["smartbill.product.product"].search(
            [
                ("backend_id", "=", self.backend_id.id),
                ("default_code", "in", [line.product_code for line in lines]),
            ]
        )
        products = {}
        for binding in bindings:
            products.setdefault(binding.default_code, binding.odoo_id)
        return products

    def _import_lines(self, day, lines):
        """Store SmartBill's stock ``lines`` of this gestiune on ``day``, each in its own
        savepoint; a level that holds its line already is counted unchanged, with no
        write and no savepoint. Returns the counts, the levels and the lines to import
        alone (a product that is not in Odoo fails there with its reason)."""
        levels = self.env["smartbill.stock.level"]
        products = self._products_of(lines)
        known = levels.known(self, day, products)
        counts, changed = Counter(read=len(lines)), []
        for line in lines:
            product, level = products.get(line.product_code), known["levels"].get(line.product_code)
            if (
                product
                and level
                and levels.is_unchanged(level, levels.values(self, day, line, product, known))
            ):
                counts["unchanged"] += 1
                levels |= level
            else:
                changed.append(line)

        def import_one(line):
            nonlocal levels
            level, status = self._record(day, line, products, known)
            levels |= level
            return JobOutcome.of_status(f"{self.name} {line.product_code}: {status}", status)

        done, rest = import_each(self.env.cr, changed, import_one, lambda line: line.product_code)
        counts.update(done)
        return counts, levels, rest

    @connector_job
    def import_stock_product(self, day, product_code, run=None):
        """Job: one product of this gestiune on ``day``, alone (it failed in its day's
        job): read again from SmartBill, stored, applied where chosen."""
        self.ensure_one()
        lines = self._stock_of(day, product_code)
        if not lines:
            return JobOutcome(f"{self.name} {product_code}: not in SmartBill's stock", {"read": 0})
        products = self._products_of(lines[:1])
        known = self.env["smartbill.stock.level"].known(self, day, products)
        level, status = self._record(day, lines[0], products, known)
        level.apply()
        outcome = JobOutcome.of_status(f"{self.name} {product_code}: {status}", status)
        outcome.counts["read"] = 1
        return outcome

    def _record(self, day, line, products, known):
        """Store ``line``'s level for its product of ``products``: see ``record``."""
        product = products.get(line.product_code)
        if not product:
            raise InvalidRecordError(
                self.env._(
                    "Product %(code)s (%(name)s) of gestiune %(gestiune)s is not in Odoo: "
                    "import the master data (products), then Retry failed.",
                    code=line.product_code,
                    name=line.product_name,
                    gestiune=self.name,
                )
            )
        return self.env["smartbill.stock.level"].record(self, day, line, product, known)

    def _connector_job_ref(self, job):
        if job.method_name == "import_stock_product":
            return f"{self.name}/{job.args[1]}"
        return super()._connector_job_ref(job)
