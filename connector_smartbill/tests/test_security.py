# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Secrets at rest and what RPC may reach: the tokens are encrypted with a key kept
outside the database (a dump holds none), the error without the key names the option,
an upgrade encrypts what the previous version kept in clear, the key can be changed;
jobs and internal methods cannot be called over JSON-RPC, and the buttons that spend
SmartBill's and ANAF's budgets are the managers'."""

import base64
import importlib.util
import os
import subprocess
from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import SQL, config

from odoo.addons.connector_accounting_base.tests.common import committed_env

from .common import REPO, SmartBillCase

V1, V3, SPV = "003|dump-me-not-7a1c", "sb_live_dump-me-not-99", "anaf_dump_me_not_42"


@tagged("post_install", "-at_install")
class TestSecretsAtRest(SmartBillCase):
    def test_a_database_dump_holds_no_token(self):
        dbname = self.env.cr.dbname
        # committed, as a user would have saved them: a dump reads only what is committed
        with committed_env(dbname) as env:
            backend = env["smartbill.backend"].create(
                {
                    **self.backend_values(name="Dump check", company_vat_code="RO99887766"),
                    "v1_token": V1,
                    "v3_token": V3,
                    "spv_token": SPV,
                    "efactura_source_url": "https://folder-user:folder-pa55@files.example.ro/x/",
                }
            )
            env.cr.commit()
            self.addCleanup(self.drop_backend, backend.id)
            self.assertEqual((backend.v1_token, backend.spv_token), (V1, SPV))
            self.assertEqual(backend.efactura_source_url, "https://files.example.ro/x/")
            self.assertEqual(backend.efactura_source_credentials, "folder-user:folder-pa55")
        dump = subprocess.run(
            ["pg_dump", "--data-only", dbname], capture_output=True, check=True
        ).stdout
        basic = base64.b64encode(f"{self.dataset.email}:{V1}".encode())
        for secret in (V1.encode(), V3.encode(), SPV.encode(), b"folder-pa55", basic):
            self.assertNotIn(secret, dump)
        self.assertIn(b"Dump check", dump)  # the dump is of that database indeed

    def drop_backend(self, backend_id):
        with committed_env(self.env.cr.dbname) as env:
            backend = env["smartbill.backend"].browse(backend_id)
            env["smartbill.tax.map"].search([("backend_id", "=", backend_id)]).unlink()
            backend.unlink()
            env.cr.commit()

    def test_without_the_key_the_error_names_the_option(self):
        with (
            patch.dict(os.environ, {"SMARTBILL_KEY": "", "CONNECTOR_KEY": ""}),
            patch.dict(config.options, {"smartbill_key": "", "connector_key": ""}),
        ):
            with self.assertRaisesRegex(
                UserError, "set connector_key or smartbill_key in the Odoo configuration"
            ):
                self.backend._v1_client()
            with self.assertRaisesRegex(UserError, "CONNECTOR_KEY or SMARTBILL_KEY"):
                self.backend.v3_token = "sb_live_new"
            # the form still opens: the tokens show empty
            self.backend.invalidate_recordset(["v1_token"])
            self.assertFalse(self.backend.v1_token)
        # another key than the tokens were saved with: said so, not a crash
        other = Fernet.generate_key().decode()
        with (
            patch.dict(os.environ, {"SMARTBILL_KEY": other, "CONNECTOR_KEY": other}),
            self.assertRaisesRegex(UserError, "encrypted with another key"),
        ):
            self.backend._v1_client()

    def test_key_rotation_then_the_new_key_reads_them(self):
        new_key = Fernet.generate_key().decode()
        self.assertGreaterEqual(
            self.env["connector.vault.mixin"]._rotate_every_key(None, new_key), 2
        )
        with patch.dict(os.environ, {"SMARTBILL_KEY": new_key, "CONNECTOR_KEY": new_key}):
            self.assertEqual(self.backend._secret("v1_token"), self.dataset.v1_token)

    def test_upgrade_encrypts_the_tokens_kept_in_clear(self):
        cr = self.env.cr
        cr.execute("ALTER TABLE smartbill_backend ADD COLUMN v1_token varchar")
        cr.execute(
            SQL("UPDATE smartbill_backend SET v1_token = %s WHERE id = %s", V1, self.backend.id)
        )
        path = REPO / "connector_smartbill" / "migrations" / "19.0.1.1.0" / "post-migration.py"
        spec = importlib.util.spec_from_file_location("smartbill_post_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(cr, "19.0.1.0.0")
        cr.execute("SELECT 1 FROM information_schema.columns WHERE column_name = 'v1_token'")
        self.assertFalse(cr.fetchall())
        self.backend.invalidate_recordset()
        self.assertEqual(self.backend._secret("v1_token"), V1)


@tagged("post_install", "-at_install")
class TestRpc(HttpCase):
    """A plain SmartBill user over JSON-RPC: no job, no internal method, no button that
    calls SmartBill or ANAF."""

    CALLS = [
        ("smartbill.backend", "import_spv_day", ["2026-11-30"]),
        ("smartbill.backend", "check_completeness", []),
        ("smartbill.backend", "import_taxes", []),
        ("smartbill.backend", "import_bnr_rates", []),
        ("smartbill.backend", "import_efactura_folder", []),
        ("smartbill.backend", "import_efactura_files", [["4200001.zip"]]),
        ("smartbill.backend", "action_test_connection", []),
        ("smartbill.backend", "action_import_master_data", []),
        ("smartbill.backend", "action_sync_payment_status", []),
        ("smartbill.backend", "action_check_completeness", []),
        ("smartbill.backend", "action_import_spv", []),
        ("smartbill.backend", "action_retry_failed", []),
        ("smartbill.backend", "_queue_sync", ["payments"]),
        ("smartbill.account.move", "sync_payment_status", []),
        ("smartbill.account.move", "sync_payment_statuses", []),
        ("smartbill.document", "import_document", []),
        ("smartbill.document", "store_files", []),
        ("smartbill.res.partner", "import_batch", []),
        ("smartbill.tax.map", "prefill", []),
    ]

    def test_plain_user_reaches_no_job_nor_button(self):
        backend = self.env["smartbill.backend"].create(
            {"name": "RPC", "company_vat_code": "RO11223344", "email": "x@example.ro"}
        )
        new_test_user(
            self.env,
            login="sb_user",
            password="sb_user_pw1",
            groups="base.group_user,connector_smartbill.group_smartbill_user",
        )
        self.authenticate("sb_user", "sb_user_pw1")
        for model, method, args in self.CALLS:
            ids = [backend.id] if model == "smartbill.backend" else []
            with self.assertRaises(JsonRpcException, msg=f"{model}.{method}") as caught:
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {"model": model, "method": method, "args": [ids, *args], "kwargs": {}},
                )
            self.assertIn(
                caught.exception.args[0],
                ("odoo.exceptions.AccessError", "odoo.exceptions.MissingError"),
                f"{model}.{method}",
            )
        self.assertFalse(self.env["connector.sync.run"].search(backend._runs_domain()))

    def test_a_manager_may(self):
        manager = new_test_user(
            self.env, login="sb_manager", groups="connector_smartbill.group_smartbill_manager"
        )
        backend = self.env["smartbill.backend"].create(
            {"name": "RPC", "company_vat_code": "RO11223344"}
        )
        with self.assertRaises(AccessError):
            backend.with_user(
                new_test_user(self.env, login="sb_plain", groups="base.group_user")
            )._check_manager()
        backend.with_user(manager)._check_manager()  # no error
