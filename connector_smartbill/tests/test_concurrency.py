# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two jobs importing the same SmartBill record at the same time, on two real database
connections (the test's own transaction cannot show it: it sees everything it does)."""

from uuid import uuid4

from odoo.tests import tagged

from odoo.addons.connector_accounting_base.tests.common import committed_env
from odoo.addons.queue_job.exception import RetryableJobError

from .common import SmartBillCase


@tagged("post_install", "-at_install")
class TestConcurrentImports(SmartBillCase):
    def connection(self):
        return committed_env(self.env.cr.dbname)

    def setUp(self):
        super().setUp()
        with self.connection() as env:
            backend = env["smartbill.backend"].create(
                self.backend_values(name="Concurrency", company_vat_code="RO4242")
            )
            env.cr.commit()
        self.backend_id = backend.id
        self.addCleanup(self.drop_committed_data)
        client = self.dataset.clients[0]
        self.external_id = client["id"]
        self.record = self.backend._v3_client().get("clients", client["id"]).model_dump(mode="json")

    def drop_committed_data(self):
        with self.connection() as env:
            bindings = env["smartbill.res.partner"].search([("backend_id", "=", self.backend_id)])
            bindings.odoo_id.unlink()
            env["smartbill.backend"].browse(self.backend_id).unlink()
            env.cr.commit()

    def import_in(self, env):
        backend = env["smartbill.backend"].browse(self.backend_id)
        return env["smartbill.res.partner"].import_record(
            backend, self.external_id, record=self.record
        )

    def count_bindings(self):
        with self.connection() as env:
            bindings = env["smartbill.res.partner"].search([("backend_id", "=", self.backend_id)])
            return len(bindings), len(bindings.odoo_id)

    def test_second_job_waits_for_the_lock_then_finds_the_record(self):
        with self.connection() as env1, self.connection() as env2:
            self.assertIn("created", self.import_in(env1))  # T1 holds the advisory lock
            with self.assertRaisesRegex(RetryableJobError, "advisory lock"):
                self.import_in(env2)
            env2.cr.rollback()
            env1.cr.commit()
            self.assertEqual(self.import_in(env2), f"{self.external_id} unchanged.")
            env2.cr.commit()
        self.assertEqual(self.count_bindings(), (1, 1))

    def test_job_started_before_the_other_commit_is_retried_not_duplicated(self):
        with self.connection() as env1, self.connection() as env2:
            env2.cr.execute("SELECT 1 FROM smartbill_backend")  # T2's snapshot starts here
            self.import_in(env1)
            env1.cr.commit()  # T1 is done: the lock is free, but T2 cannot see T1's record
            with self.assertRaisesRegex(RetryableJobError, "Concurrent import"):
                self.import_in(env2)
            env2.cr.rollback()
            self.assertEqual(self.import_in(env2), f"{self.external_id} unchanged.")
        self.assertEqual(self.count_bindings(), (1, 1))


@tagged("post_install", "-at_install")
class TestConcurrentDocuments(SmartBillCase):
    """An invoice and its credit note imported at the same moment in two jobs, and one
    invoice's payment status synced in two jobs at once: linked once, paid once. The
    company and its documents are committed (left in the test database: a company with
    its books cannot be deleted)."""

    connection = TestConcurrentImports.connection

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        invoices = cls.dataset.invoices
        note = next(i for i in invoices.values() if i["kind"] == "credit_note")
        cls.invoice_id, cls.note_id = note["billingReference"], note["id"]
        cls.paid_id = next(
            i["id"]
            for i in invoices.values()
            if i["kind"] == "invoice" and i["paid"] and i["id"] != cls.invoice_id
        )
        with committed_env(cls.env.cr.dbname) as env:
            company = env["res.company"].create(
                {
                    "name": f"Concurrency RO SRL {uuid4().hex[:8]}",  # company names are unique
                    "country_id": env.ref("base.ro").id,
                    "currency_id": env.ref("base.RON").id,
                }
            )
            env["account.chart.template"].try_loading("ro", company, install_demo=False)
            company.tax_calculation_rounding_method = "round_globally"
            backend = env["smartbill.backend"].create(
                cls.backend_values(name="Concurrency documents", company_id=company.id)
            )
            documents = env["smartbill.document"]
            for key, invoice in invoices.items():
                if invoice["id"] in (cls.invoice_id, cls.note_id, cls.paid_id):
                    documents |= documents.store_files(
                        backend,
                        f"{invoice['id']}.zip",
                        cls.dataset.invoice_zip(invoices[key]),
                        "upload",
                    )
            env.cr.commit()
            cls.backend_id = backend.id
            cls.documents = {d.document_ref or d.name.removesuffix(".xml"): d.id for d in documents}

    def document(self, env, ref):
        return env["smartbill.document"].browse(self.documents[ref])

    def bindings(self, env):
        return env["smartbill.account.move"].search([("backend_id", "=", self.backend_id)])

    def test_invoice_and_its_credit_note_in_two_jobs_at_once(self):
        with self.connection() as env1, self.connection() as env2:
            env2.cr.execute("SELECT 1 FROM smartbill_backend")  # T2's snapshot starts
            self.assertIn("created", self.document(env1, self.invoice_id).import_document())
            # the note waits for its invoice's lock...
            with self.assertRaisesRegex(RetryableJobError, "advisory lock"):
                self.document(env2, self.note_id).import_document()
            env2.cr.rollback()
            env2.cr.execute("SELECT 1 FROM smartbill_backend")  # ...and starts again early
            env1.cr.commit()
            # T1 committed the invoice after T2's snapshot began: T2 looks again, retried
            with self.assertRaisesRegex(RetryableJobError, "Concurrent import"):
                self.document(env2, self.note_id).import_document()
            env2.cr.rollback()
            self.assertIn("created", self.document(env2, self.note_id).import_document())
            env2.cr.commit()
        with self.connection() as env:
            bindings = self.bindings(env)
            invoice = bindings.filtered(lambda b: b.external_id == self.invoice_id).odoo_id
            notes = env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
            self.assertEqual(notes.x_smartbill_id, f"{self.note_id}/381")  # linked once
            self.assertEqual(notes.move_type, "out_refund")
            self.assertEqual(
                invoice.amount_residual, invoice.amount_total - notes.amount_total
            )  # the note settles it, once

    def test_one_invoice_payment_status_in_two_jobs_at_once(self):
        with self.connection() as env:
            self.document(env, self.paid_id).import_document()
            env.cr.commit()
        with self.connection() as env1, self.connection() as env2:
            invoice1, invoice2 = (
                self.bindings(env).filtered(lambda b: b.external_id == self.paid_id)
                for env in (env1, env2)
            )
            env2.cr.execute("SELECT 1 FROM smartbill_backend")  # T2's snapshot starts
            self.assertIn("updated", invoice1.sync_payment_status().counts)
            with self.assertRaisesRegex(RetryableJobError, "Another job syncs"):
                invoice2.sync_payment_status()  # T1 holds the invoice's lock
            env2.cr.rollback()
            env2.cr.execute("SELECT 1 FROM smartbill_backend")
            env1.cr.commit()
            with self.assertRaisesRegex(RetryableJobError, "booked a payment"):
                invoice2.sync_payment_status()  # T2 cannot see T1's payment: looks again
            env2.cr.rollback()
            self.assertIn("unchanged", invoice2.sync_payment_status().counts)
            env2.cr.commit()
        with self.connection() as env:
            invoice = self.bindings(env).filtered(lambda b: b.external_id == self.paid_id)
            payments = invoice.payment_binding_ids.filtered(lambda p: p.state != "canceled")
            self.assertEqual(len(payments), 1)  # paid once
            paid = self.dataset.invoices[self.paid_id[:3], self.paid_id[3:]]["paid"]
            self.assertAlmostEqual(sum(payments.mapped("amount")), float(paid), places=2)
