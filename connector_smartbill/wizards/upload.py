# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ..efactura import MAX_BYTES

MAX_FILES = 200


class SmartBillUploadWizard(models.TransientModel):
    """Upload e-Factura files (XML, or zips as SPV and SmartBill serve them)."""

    _name = "smartbill.upload.wizard"
    _description = "Upload e-Factura files"

    backend_id = fields.Many2one("smartbill.backend", required=True, ondelete="cascade")
    attachment_ids = fields.Many2many("ir.attachment", string="Files")

    def _check_files(self):
        if not self.attachment_ids:
            raise UserError(self.env._("Add at least one .xml or .zip file."))
        if len(self.attachment_ids) > MAX_FILES:
            raise UserError(self.env._("At most %s files per upload.", MAX_FILES))
        for attachment in self.attachment_ids:
            if not attachment.name.lower().endswith((".xml", ".zip")):
                raise UserError(
                    self.env._(
                        "%s: only e-Factura .xml and .zip files are accepted.", attachment.name
                    )
                )
            if attachment.file_size > MAX_BYTES:
                raise UserError(
                    self.env._(
                        "%(file)s is larger than %(max)s MB.",
                        file=attachment.name,
                        max=MAX_BYTES // 1024 // 1024,
                    )
                )

    def action_upload(self):
        self.ensure_one()
        self._check_files()
        documents = self.env["smartbill.document"]
        for attachment in self.attachment_ids:  # a file that cannot be read: failed, alone
            documents |= documents.store_files(
                self.backend_id, attachment.name, attachment.raw or b"", "upload"
            )
        self.attachment_ids.unlink()
        documents.enqueue_import(run=self.backend_id._new_run("documents", "upload"))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._(
                    "%s new e-Factura documents queued for import (files already stored "
                    "are not imported twice).",
                    len(documents),
                ),
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
