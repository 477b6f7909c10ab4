# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import fields, models
from odoo.exceptions import UserError

from ..api import SmartBillError
from ..api.reports import read_payments


class SmartBillPaymentReportWizard(models.TransientModel):
    """Import SmartBill's payments report (Incasari export, CSV or XLSX)."""

    _name = "smartbill.payment.report.wizard"
    _description = "Import SmartBill payments report"

    backend_id = fields.Many2one("smartbill.backend", required=True, ondelete="cascade")
    report = fields.Binary(required=True)
    filename = fields.Char(required=True)
    result = fields.Text(readonly=True)

    def action_import(self):
        self.ensure_one()
        if not self.filename.lower().endswith((".csv", ".xlsx")):
            raise UserError(self.env._("The payments report must be a .csv or .xlsx file."))
        try:
            rows = read_payments(
                base64.b64decode(self.report), self.filename, self.backend_id._report_columns()
            )
        except SmartBillError as err:
            raise UserError(str(err)) from None
        counts, errors = self.env["smartbill.account.payment"].import_report_rows(
            self.backend_id, rows
        )
        self.result = "\n".join(
            [
                self.env._(
                    "%(created)s payments created, %(redated)s payments of the status sync "
                    "dated as the report says, %(skipped)s already imported.",
                    **counts,
                ),
                *errors,
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
