# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The hostile corpus (``tests/hostile.py``) through the upload wizard: every file that
cannot be read is a failed document with its reason, never an error that stops the
upload, and its content is not kept; the valid ones are imported; nothing else moves."""

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import perform_all
from .test_real_documents import RomanianBackendCase

CIF = "RO30834857"  # the seller of the real invoice the corpus is made from


@tagged("post_install", "-at_install")
class TestHostileUploads(RomanianBackendCase):
    def upload(self, backend, name, content):
        attachment = self.env["ir.attachment"].create({"name": name, "raw": content})
        wizard = self.env["smartbill.upload.wizard"].create(
            {"backend_id": backend.id, "attachment_ids": [(6, 0, attachment.ids)]}
        )
        before = backend.document_ids
        with trap_jobs() as trap:
            wizard.action_upload()
            perform_all(self.env, trap)
        return backend.document_ids - before

    def test_every_file_of_the_corpus(self):
        from tests.hostile import cases  # the repository's (see common.py)

        backend = self.backend(CIF)
        uploadable = [case for case in cases() if not case.sparse_size]
        self.assertGreater(len(uploadable), 50)
        for case in uploadable:
            documents = self.upload(backend, case.name, case.content)
            if case.error:
                self.assertTrue(documents, case.name)
                self.assertEqual(set(documents.mapped("state")), {"failed"}, case.name)
                self.assertTrue(
                    any(case.error in (d.message or "") for d in documents),
                    (case.name, documents.mapped("message")),
                )
                self.assertFalse(documents.move_id, case.name)
            else:  # no new document when its bytes were stored already: same invoice
                self.assertLessEqual(set(documents.mapped("state")), {"imported"}, case.name)
        # the valid ones are one invoice (the same content each time), posted to the ban
        moves = backend.document_ids.move_id
        self.assertEqual(moves.mapped("name"), ["FBRAO2092"])
        self.assertEqual((moves.state, moves.amount_total), ("posted", 11900.0))
        # what could not be read is not kept for download
        unread = backend.document_ids.filtered(
            lambda d: d.state == "failed" and "Not well-formed" in (d.message or "")
        )
        self.assertTrue(unread)
        self.assertFalse(unread.attachment_id)
