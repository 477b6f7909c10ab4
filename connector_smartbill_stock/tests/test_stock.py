# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SmartBill's stock per gestiune against the simulator, whose stocks follow its
invoices and bills day by day."""

from datetime import date

from odoo.tests import tagged

from odoo.addons.connector_smartbill.tests.common import MasterDataCase
from odoo.addons.queue_job.tests.common import trap_jobs

DAY = date(2026, 10, 15)


@tagged("post_install", "-at_install")
class TestStock(MasterDataCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.import_taxes()
        cls.map_zero_rates(cls)  # the accountant's choice for 0 %
        with trap_jobs() as trap:
            cls.backend.action_import_master_data()
            _results, failures = cls.perform_all(trap)
        if failures:
            raise AssertionError(f"Master data import failed: {failures}")
        warehouses = cls.env["stock.warehouse"]
        cls.central = warehouses.create(
            {"name": "Depozit Central", "code": "DC", "company_id": cls.company.id}
        )
        cls.cluj = warehouses.create(
            {"name": "Magazin Cluj", "code": "MCJ", "company_id": cls.company.id}
        )
        cls.workpoints = {w.name: w for w in cls.backend.workpoint_ids}

    def read_stock(self, since, until=None):
        with trap_jobs() as trap:
            run = self.backend._queue_sync("stock", since=since, until=until or since)
            results, failures = self.perform_all(trap)
        self.assertEqual(failures, [])
        return run, results

    def levels(self, day, gestiune=None):
        domain = [("backend_id", "=", self.backend.id), ("day", "=", day)]
        if gestiune:
            domain.append(("workpoint_id", "=", self.workpoints[gestiune].id))
        return self.env["smartbill.stock.level"].search(domain)

    def smartbill(self, day):
        """{(gestiune, code): quantity} as SmartBill says."""
        return {
            (stock["warehouse"]["warehouseName"], line["productCode"]): float(line["quantity"])
            for stock in self.dataset.stock_on(day)
            for line in stock["products"]
        }

    def test_levels_stored_and_compared_with_the_warehouses(self):
        self.read_stock(DAY)
        levels = self.levels(DAY)
        stored = {(lv.workpoint_id.name, lv.product_code): lv.quantity for lv in levels}
        self.assertEqual(stored, self.smartbill(DAY))
        self.assertTrue(any(code.startswith("STK") for _gestiune, code in stored))
        self.assertEqual(set(levels.mapped("product_id.default_code")), {c for _g, c in stored})
        # linked by name; Magazin Iasi has no warehouse in Odoo: stored, not compared
        self.assertEqual(self.workpoints["Depozit Central"].warehouse_id, self.central)
        self.assertEqual(self.workpoints["Magazin Cluj"].warehouse_id, self.cluj)
        iasi = self.levels(DAY, "Magazin Iasi")
        self.assertEqual(
            (set(iasi.mapped("compared")), sum(iasi.mapped("difference"))), ({False}, 0)
        )
        central = self.levels(DAY, "Depozit Central")
        self.assertEqual(set(central.mapped("odoo_quantity")), {0.0})
        self.assertEqual(central.mapped("difference"), central.mapped("quantity"))
        self.assertEqual(self.backend.stock_day, DAY)
        differing = len((central | self.levels(DAY, "Magazin Cluj")).filtered("quantity"))
        self.assertEqual(self.backend.stock_difference_count, differing)
        # one V1 call per gestiune, never refused
        self.assertEqual(sum("/stocks" in path for path in self.sim.requests), 3)
        usage = self.sim.usage_for(self.dataset.v1_token)
        self.assertEqual((usage.blocks, usage.rejected), (0, 0))
        # the same day again: nothing changes
        _run, results = self.read_stock(DAY)
        self.assertEqual(results[0].counts, {"read": len(stored), "unchanged": len(stored)})

    def test_the_same_day_again_costs_its_calls_and_a_comparison(self):
        self.read_stock(DAY)
        levels = self.levels(DAY)
        written = max(levels.mapped("write_date"))
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        _run, results = self.read_stock(DAY)
        queries = self.env.cr.sql_log_count - queries
        self.assertEqual(results[0].counts, {"read": len(levels), "unchanged": len(levels)})
        self.assertEqual(max(self.levels(DAY).mapped("write_date")), written)
        # a few reads per gestiune whatever its number of products, none per level
        self.assertGreater(len(levels), 100)
        self.assertLess(queries, 100)

    def test_day_over_day_changes_are_what_moved(self):
        first, second = date(2026, 9, 30), date(2026, 10, 31)
        self.read_stock(first)
        self.read_stock(second)
        before, after = self.smartbill(first), self.smartbill(second)
        moved = {
            (lv.workpoint_id.name, lv.product_code): lv.change
            for lv in self.levels(second)
            if lv.change
        }
        expected = {key: after[key] - before[key] for key in after if after[key] != before[key]}
        self.assertTrue(expected, "the simulator's invoices and bills move its stock")
        self.assertEqual(moved, expected)

    def test_smartbill_sets_the_stock_only_where_chosen_and_once(self):
        central = self.workpoints["Depozit Central"]
        central.warehouse_id = self.central
        central.stock_import = True
        level_code = self.dataset.stock_on(DAY)[0]["products"][0]["productCode"]
        product = (
            self.env["smartbill.product.product"]
            .search([("backend_id", "=", self.backend.id), ("default_code", "=", level_code)])
            .odoo_id
        )
        product.is_storable = True
        self.env["stock.quant"]._update_available_quantity(product, self.central.lot_stock_id, 7)
        self.read_stock(DAY)
        expected = self.smartbill(DAY)
        on_hand = {
            lv.product_code: lv.product_id.with_context(warehouse_id=self.central.id).qty_available
            for lv in self.levels(DAY, "Depozit Central")
        }
        self.assertEqual(
            on_hand, {code: qty for (g, code), qty in expected.items() if g == "Depozit Central"}
        )
        adjusted = self.env["stock.move"].search([("inventory_name", "like", "SmartBill stock of")])
        self.assertEqual(
            set(adjusted.mapped("inventory_name")), {f"SmartBill stock of Depozit Central on {DAY}"}
        )
        self.assertEqual(len(adjusted), len([q for q in on_hand.values() if q]))
        move = adjusted.filtered(lambda m: m.product_id == product)
        self.assertAlmostEqual(move.quantity, abs(expected["Depozit Central", level_code] - 7))
        applied = self.levels(DAY, "Depozit Central")
        self.assertTrue(all(applied.mapped("applied")))
        self.assertEqual(applied.mapped("odoo_quantity"), applied.mapped("quantity"))
        self.assertEqual(set(applied.mapped("difference")), {0.0})
        # Magazin Cluj did not choose it: compared only
        self.assertFalse(any(self.levels(DAY, "Magazin Cluj").mapped("applied")))
        self.assertEqual(self.cluj.lot_stock_id.quant_ids.mapped("quantity"), [])
        # the same day again: nothing applied twice, the applied levels unchanged
        _run, results = self.read_stock(DAY)
        again = self.env["stock.move"].search([("inventory_name", "like", "SmartBill stock of")])
        self.assertEqual(again, adjusted)
        self.assertEqual(results[0].counts, {"read": len(expected), "unchanged": len(expected)})
        self.assertEqual(applied.mapped("odoo_quantity"), applied.mapped("quantity"))

    def test_an_unknown_product_is_a_failed_record_with_its_reason(self):
        binding = self.env["smartbill.product.product"].search(
            [("backend_id", "=", self.backend.id), ("default_code", "=", "STK0000")]
        )
        binding.unlink()
        run = self.backend._queue_sync("stock", since=DAY, until=DAY)
        self.run_stored_jobs()
        run.refresh_from_jobs()
        self.assertEqual((run.state, run.failed_count), ("failed", 1))
        failure = run.failure_ids
        self.assertEqual(failure.reference, "Depozit Central/STK0000")
        self.assertIn("Product STK0000", failure.message)
        self.assertIn("is not in Odoo: import the master data", failure.message)
        self.assertEqual(len(self.levels(DAY)), len(self.smartbill(DAY)) - 1)
