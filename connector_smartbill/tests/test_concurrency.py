# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two jobs importing the same SmartBill record at the same time, on two real database
connections (the test's own transaction cannot show it: it sees everything it does)."""

from contextlib import closing, contextmanager

from odoo import api, sql_db
from odoo.api import SUPERUSER_ID
from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError

from .common import SmartBillCase


@tagged("post_install", "-at_install")
class TestConcurrentImports(SmartBillCase):
    @contextmanager
    def connection(self):
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

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
