# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import copy
import math
from decimal import Decimal

from odoo import fields
from odoo.tests import tagged

from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError
from odoo.addons.connector_accounting_base.jobs import PAGE_SIZE
from odoo.addons.queue_job.tests.common import trap_jobs

from ..components.mapper import split_vat
from .common import MasterDataCase


@tagged("post_install", "-at_install")
class TestMasterData(MasterDataCase):
    def setUp(self):
        super().setUp()
        # tests change SmartBill's data: each starts from the generated dataset
        clients, products = self.dataset.clients, self.dataset.products
        self.dataset.clients = copy.deepcopy(clients)
        self.dataset.products = copy.deepcopy(products)

        def restore():
            self.dataset.clients, self.dataset.products = clients, products

        self.addCleanup(restore)
        self.backend.import_taxes()
        self.map_zero_rates()

    def import_master_data(self):
        with trap_jobs() as trap:
            self.backend.action_import_master_data()
            results, failures = self.perform_all(trap)
        self.assertEqual(failures, [])
        return results

    def bindings(self, model):
        return self.env[model].search([("backend_id", "=", self.backend.id)])

    def last_write(self, model):
        return max(self.bindings(model).mapped("write_date"))

    # -- full import ---------------------------------------------------------------------
    def test_full_import_counts(self):
        data = self.dataset
        self.import_master_data()
        partners = self.bindings("smartbill.res.partner")
        self.assertEqual(len(partners), len(data.clients) + len(data.suppliers))
        shared = {split_vat(s["vatCode"])[1] for s in data.suppliers} & {
            split_vat(c["vatCode"])[1] for c in data.clients
        }
        self.assertEqual(len(shared), 8)
        self.assertEqual(len(partners.odoo_id), len(partners) - len(shared))
        products = self.bindings("smartbill.product.product")
        self.assertEqual(len(products), len(data.products) + 3)  # + stock-only products
        self.assertEqual(len(self.bindings("smartbill.workpoint")), 3)
        self.assertEqual(
            sorted(self.bindings("smartbill.series").mapped("name")), ["CHT", "FCJ", "FCT", "PFT"]
        )
        # SmartBill's 5 rates are among the 13 default rows (the rates of today and before
        # 1 Aug 2025, reverse charge and intra-community before and since, one per other
        # category), and each standard rate has its VAT-included twin
        self.assertEqual(len(self.backend.tax_map_ids), 13 + 5)
        self.env["connector.sync.run"]._cron_refresh()  # the runs end: last successes
        succeeded = self.backend.entity_ids.filtered("last_success").mapped("entity")
        self.assertEqual(succeeded, ["taxes", "workpoints", "series", "partners", "products"])
        # one call per page of 100 and one per V1 list, not one per record
        self.assertEqual(len(self.sim.requests), 2 + 1 + 2 + 1 + 3 + 1)

    def test_company_client_values(self):
        self.import_master_data()
        record = next(
            c
            for c in self.dataset.clients
            if c["vatCode"].startswith("RO") and c["deliveryAddresses"]
        )
        binding = self.env["smartbill.res.partner"].search([("external_id", "=", record["id"])])
        partner = binding.odoo_id
        self.assertEqual(partner.name, record["name"])
        self.assertEqual(partner.vat, record["vatCode"])
        self.assertTrue(partner.is_company)
        self.assertEqual(partner.company_registry, record["regCom"])
        self.assertEqual(partner.country_id.code, "RO")
        self.assertEqual(partner.state_id.country_id.code, "RO")
        self.assertEqual(partner.city, record["city"])
        self.assertEqual(partner.email, record["email"])
        self.assertEqual(partner.bank_ids.sanitized_acc_number, record["iban"])
        self.assertEqual(partner.bank_ids.bank_id.name, record["bank"])
        delivery = partner.child_ids.filtered(lambda c: c.type == "delivery")
        self.assertEqual(delivery.street, record["deliveryAddresses"][0]["address"])
        self.assertEqual(partner.x_smartbill_id, record["id"])
        self.assertEqual(partner.x_smartbill_company_vat_code, self.dataset.cif)
        self.assertEqual(partner.customer_rank, 1)
        self.assertEqual(
            self.env["res.partner"].search([("x_smartbill_id", "=", record["id"])]), partner
        )

    def test_counties_with_diacritics_and_foreign_and_private_clients(self):
        self.import_master_data()
        by_id = {b.external_id: b.odoo_id for b in self.bindings("smartbill.res.partner")}
        iasi = next(c for c in self.dataset.clients if c["county"] == "Iasi")
        self.assertEqual(by_id[iasi["id"]].state_id.name, "Iași")
        foreign = next(c for c in self.dataset.clients if c["country"] == "Germania")
        self.assertEqual(by_id[foreign["id"]].country_id.code, "DE")
        self.assertEqual(by_id[foreign["id"]].vat, foreign["vatCode"])
        person = next(c for c in self.dataset.clients if c["vatCode"] in ("-", "0000000000000"))
        self.assertFalse(by_id[person["id"]].vat)
        self.assertFalse(by_id[person["id"]].is_company)

    def test_client_and_supplier_with_same_cui_share_one_partner(self):
        self.import_master_data()
        supplier = next(
            s
            for s in self.dataset.suppliers
            if any(
                split_vat(c["vatCode"])[1] == split_vat(s["vatCode"])[1]
                for c in self.dataset.clients
            )
        )
        partner = (
            self.env["smartbill.res.partner"].search([("external_id", "=", supplier["id"])]).odoo_id
        )
        self.assertEqual(
            sorted(partner.smartbill_bind_ids.mapped("partner_kind")), ["client", "supplier"]
        )
        self.assertEqual((partner.customer_rank, partner.supplier_rank), (1, 1))

    def test_product_values(self):
        self.import_master_data()
        record = next(
            p
            for p in self.dataset.products
            if p["currency"] == "RON"
            and not p["isVatIncluded"]
            and p["vatPercentage"] == 21
            and p["cnCode"]
        )
        product = self.env["product.product"].search([("x_smartbill_id", "=", record["id"])])
        self.assertEqual(product.default_code, record["code"])
        self.assertEqual(product.name, record["name"])
        self.assertEqual(product.type, "consu")
        self.assertAlmostEqual(product.list_price, float(record["price"]) / 4, places=2)
        self.assertEqual(
            product.uom_id, self.env["smartbill.uom.map"].uom_for(record["measuringUnitName"])
        )
        self.assertEqual(product.taxes_id, self.taxes["sale", 21, False])
        self.assertEqual(product.supplier_taxes_id, self.taxes["purchase", 21, False])
        self.assertEqual(product.smartbill_bind_ids.cn_code, record["cnCode"])
        self.assertEqual(product.x_smartbill_company_vat_code, self.dataset.cif)

    def test_price_included_eur_service_and_stock_only_products(self):
        self.import_master_data()
        by_code = {b.default_code: b for b in self.bindings("smartbill.product.product")}
        included = next(p for p in self.dataset.products if p["isVatIncluded"])
        self.assertEqual(
            by_code[included["code"]].taxes_id,
            self.taxes["sale", included["vatPercentage"], True],
        )
        eur = next(p for p in self.dataset.products if p["currency"] == "EUR")
        self.assertAlmostEqual(by_code[eur["code"]].list_price, float(eur["price"]) * 5, places=2)
        service = next(p for p in self.dataset.products if p["isService"])
        self.assertEqual(by_code[service["code"]].type, "service")
        stock_only = by_code["STK0000"]
        self.assertEqual(stock_only.external_id, "stock:STK0000")
        self.assertFalse(stock_only.taxes_id)

    def test_workpoints_and_series(self):
        self.import_master_data()
        workpoints = self.bindings("smartbill.workpoint")
        self.assertEqual(
            sorted(workpoints.mapped("workpoint_type")), ["en detail", "en detail", "en gros"]
        )
        self.assertEqual(
            workpoints.analytic_account_id.plan_id,
            self.env.ref("connector_smartbill.analytic_plan_workpoints"),
        )
        fct = self.bindings("smartbill.series").filtered(lambda s: s.name == "FCT")
        self.assertEqual(fct.series_type, "f")
        self.assertEqual(
            fct.next_number,
            next(s["nextNumber"] for s in self.dataset.series if s["name"] == "FCT"),
        )

    # -- re-runs -----------------------------------------------------------------------------
    def test_second_run_changes_nothing(self):
        self.import_master_data()
        before = {
            m: (len(self.bindings(m)), self.last_write(m))
            for m in ("smartbill.res.partner", "smartbill.product.product", "smartbill.workpoint")
        }
        partner_write = max(self.bindings("smartbill.res.partner").odoo_id.mapped("write_date"))
        self.sim.reset_usage()
        with trap_jobs() as trap:
            self.backend.action_import_master_data()
            self.perform_all(trap)
            imports = [c for c in trap.calls if c.method.__name__.startswith("import_record")]
        self.assertEqual(imports, [])
        after = {m: (len(self.bindings(m)), self.last_write(m)) for m in before}
        self.assertEqual(after, before)
        self.assertEqual(
            max(self.bindings("smartbill.res.partner").odoo_id.mapped("write_date")),
            partner_write,
        )

    def test_change_in_smartbill_updates_exactly_that_record(self):
        self.import_master_data()
        client, product = self.dataset.clients[7], self.dataset.products[9]
        client["name"] = "Nume Nou SRL"
        product["price"] = Decimal("1234.56")  # RON, i.e. 308.64 USD
        untouched = self.bindings("smartbill.res.partner").filtered(
            lambda b: b.external_id != client["id"]
        )
        write_dates = untouched.mapped("write_date")
        with trap_jobs() as trap:
            self.backend.action_import_master_data()
            results, failures = self.perform_all(trap)
            pages = [c.args[1] for c in trap.calls if c.method.__name__ == "import_records"]
        self.assertEqual(failures, [])
        # one page per model, each with its one changed record
        changed = sorted(pair[0] for page in pages for pair in page)
        self.assertEqual(changed, sorted([client["id"], product["id"]]))
        self.assertEqual([r.counts for r in results if "updated" in r], [{"updated": 1}] * 2)
        partner = self.env["res.partner"].search([("x_smartbill_id", "=", client["id"])])
        self.assertEqual(partner.name, "Nume Nou SRL")
        price = self.env["product.product"].search([("x_smartbill_id", "=", product["id"])])
        self.assertEqual(price.list_price, 308.64)
        self.assertEqual(untouched.mapped("write_date"), write_dates)

    def test_existing_partner_with_same_cui_is_bound_not_duplicated(self):
        record = next(c for c in self.dataset.clients if c["vatCode"].startswith("RO"))
        cui = record["vatCode"].removeprefix("RO")
        existing = self.env["res.partner"].create(
            {"name": "Entered by hand", "vat": cui, "is_company": True}
        )
        count = self.env["res.partner"].search_count([])
        self.env["smartbill.res.partner"].import_record(
            self.backend, record["id"], record=self.adapter_record("clients", record)
        )
        binding = self.env["smartbill.res.partner"].search([("external_id", "=", record["id"])])
        self.assertEqual(binding.odoo_id, existing)
        self.assertEqual(existing.name, record["name"])  # SmartBill is the system of record
        self.assertEqual(self.env["res.partner"].search_count([]), count)

    def adapter_record(self, resource, raw):
        """``raw`` as the adapter hands it to a job: read through the V3 client."""
        return self.backend._v3_client().get(resource, raw["id"]).model_dump(mode="json")

    # -- failures ------------------------------------------------------------------------------
    def test_unmapped_vat_rate_fails_that_product_only(self):
        old = dict(
            self.dataset.products[0],
            id="prod_" + "f" * 32,
            code="OLD19",
            vatPercentage=19,
            vatName="Normala",
            isVatIncluded=False,
        )
        self.dataset.products.append(old)
        with trap_jobs() as trap:
            self.backend._queue_sync("products")
            _results, failures = self.perform_all(trap)
        self.assertEqual(len(failures), 1)
        job, error = failures[0]
        self.assertEqual(job.args[1], old["id"])
        self.assertIsInstance(error, InvalidRecordError)
        today = fields.Date.context_today(self.backend)
        self.assertEqual(
            str(error),
            f"SmartBill VAT rate 19 % on {today} has no sale tax in the VAT mapping of "
            "backend SmartBill test: set it in SmartBill > Configuration > VAT mapping.",
        )
        self.assertEqual(
            len(self.bindings("smartbill.product.product")), len(self.dataset.products) - 1 + 3
        )
        self.assertFalse(self.env["product.product"].search([("default_code", "=", "OLD19")]))

    def test_failed_job_is_readable_on_the_backend(self):
        bad = dict(self.dataset.products[1], measuringUnitName="palet")
        self.dataset.products[1] = bad
        run = self.backend._new_run("products", "v3")
        stored = (
            self.env["smartbill.product.product"]
            .with_delay()
            .import_record(
                self.backend, bad["id"], record=self.adapter_record("products", bad), run=run
            )
        )
        self.run_stored_jobs()
        self.assertEqual(self.backend.failed_job_count, 1)
        action = self.backend.action_open_failed_jobs()
        failed = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual((failed.job_uuid, failed.error_class), (stored.uuid, "InvalidRecordError"))
        self.assertEqual(
            failed.message,
            "SmartBill unit 'palet' has no Odoo unit: add it in SmartBill > Configuration > "
            "Units.",
        )

    # -- jobs ---------------------------------------------------------------------------------
    def test_enqueued_jobs_channel_identity_and_priorities(self):
        with trap_jobs() as trap:
            self.backend.action_import_master_data()
            self.backend.action_import_master_data()  # same jobs: not enqueued twice
            batch = {(j.method_name, j.model_name): j for j in trap.enqueued_jobs}
            self.assertEqual(len(trap.enqueued_jobs), 5)
            self.assertEqual(batch["import_taxes", "smartbill.backend"].priority, 1)
            self.assertEqual(batch["import_batch", "smartbill.workpoint"].priority, 5)
            self.assertEqual(batch["import_batch", "smartbill.series"].priority, 5)
            self.assertEqual(batch["import_batch", "smartbill.res.partner"].priority, 10)
            self.assertEqual(batch["import_batch", "smartbill.product.product"].priority, 10)
            self.assertEqual({j.channel for j in trap.enqueued_jobs}, {"root.smartbill"})
            self.assertTrue(all(j.identity_key for j in trap.enqueued_jobs))
        with trap_jobs() as trap:
            # the batch of partners enqueues one job per page of partners
            self.env["smartbill.res.partner"].import_batch(self.backend)
            pages = trap.enqueued_jobs
        total = len(self.dataset.clients) + len(self.dataset.suppliers)
        self.assertEqual(len(pages), math.ceil(total / PAGE_SIZE))
        self.assertEqual(sum(len(j.args[1]) for j in pages), total)
        self.assertEqual({j.method_name for j in pages}, {"import_records"})
        self.assertEqual({j.channel for j in pages}, {"root.smartbill"})
        self.assertEqual(len({j.identity_key for j in pages}), len(pages))
        self.assertNotIn(self.dataset.v3_token, str([j.func_string for j in pages]))
