# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SmartBillCase


@tagged("post_install", "-at_install")
class TestBackend(SmartBillCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, login="sb_user", groups="connector_smartbill.group_smartbill_user"
        )
        cls.manager = new_test_user(
            cls.env, login="sb_manager", groups="connector_smartbill.group_smartbill_manager"
        )

    def test_installed_with_menu_and_action(self):
        menu = self.env.ref("connector_smartbill.menu_smartbill_backend")
        self.assertEqual(menu.action, self.env.ref("connector_smartbill.smartbill_backend_action"))
        self.assertEqual(menu.parent_id.name, "SmartBill")
        manager_menus = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(menu.id, manager_menus)

    def test_user_cannot_read_tokens_manager_can(self):
        backend_as_user = self.backend.with_user(self.user)
        self.assertEqual(backend_as_user.name, "SmartBill test")
        self.assertNotIn("v1_token", backend_as_user.fields_get())
        with self.assertRaises(AccessError):
            backend_as_user.read(["v1_token"])
        with self.assertRaises(AccessError):
            backend_as_user.mapped("v3_token")
        with self.assertRaises(AccessError):
            backend_as_user.write({"name": "renamed"})
        backend_as_manager = self.backend.with_user(self.manager)
        self.assertEqual(backend_as_manager.v1_token, self.dataset.v1_token)
        self.assertEqual(
            backend_as_manager.read(["v3_token"])[0]["v3_token"], self.dataset.v3_token
        )

    def test_user_form_hides_credentials(self):
        arch = (
            self.env["smartbill.backend"]
            .with_user(self.user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn('name="v1_token"', arch)
        self.assertNotIn("action_test_connection", arch)
        manager_arch = (
            self.env["smartbill.backend"]
            .with_user(self.manager)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="v1_token"', manager_arch)

    def test_required_fields(self):
        form = Form(self.env["smartbill.backend"].with_user(self.manager))
        form.name = "No CIF"
        form.email = "x@example.ro"
        with self.assertRaisesRegex(AssertionError, "company_vat_code"):
            form.save()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env["smartbill.backend"].create({"name": "x"})

    def test_cif_normalisation(self):
        values = {
            "RO 123": "RO123",
            "ro 4567": "RO4567",
            "123456": "123456",
            " RO-98.765 ": "RO98765",
        }
        for typed, stored in values.items():
            backend = self.env["smartbill.backend"].create(
                self.backend_values(company_vat_code=typed, name=typed)
            )
            self.assertEqual(backend.company_vat_code, stored)
        backend.write({"company_vat_code": "ro 55"})
        self.assertEqual(backend.company_vat_code, "RO55")
        for wrong in ("DE123456", "RO", "12A45", "1"):
            with self.assertRaisesRegex(ValidationError, "is not a Romanian CIF"):
                self.env["smartbill.backend"].create(
                    self.backend_values(company_vat_code=wrong, name=wrong)
                )

    def test_one_backend_per_cif_and_company(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env["smartbill.backend"].create(self.backend_values())

    def test_connection_ok(self):
        self.backend.with_user(self.manager).action_test_connection()
        self.assertEqual(self.backend.connection_state, "ok")
        self.assertEqual(
            self.backend.connection_message, "V1: connected, 5 VAT rates.\nV3: connected."
        )
        self.assertTrue(self.backend.connection_checked_at)
        self.assertEqual(
            self.sim.requests,
            ["/SBORO/api/tax", f"/SBORO/api/v3/companies/{self.dataset.cif}/warehouses"],
        )

    def test_connection_failure_shows_smartbill_error_without_token(self):
        self.backend.v1_token = "003|not-the-right-token"
        action = self.backend.action_test_connection()
        self.assertEqual(self.backend.connection_state, "failed")
        self.assertIn("Autentificare esuata", self.backend.connection_message)
        self.assertIn("HTTP 401", self.backend.connection_message)
        self.assertEqual(action["params"]["type"], "danger")
        self.assertNotIn("not-the-right-token", self.backend.connection_message)
        self.assertNotIn("not-the-right-token", str(self.backend.message_ids.mapped("body")))

    def test_connection_failure_v3(self):
        self.backend.v3_token = "sb_live_wrong"
        self.backend.action_test_connection()
        self.assertEqual(self.backend.connection_state, "failed")
        self.assertIn("Invalid API key", self.backend.connection_message)

    def test_connection_without_token_is_explained(self):
        self.backend.v1_token = False
        self.backend.action_test_connection()
        self.assertEqual(
            self.backend.connection_message, "Backend SmartBill test has no V1 e-mail and token."
        )
