# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sync runs, the dashboard, re-sync, and how imports survive faults and bad input.

Jobs are stored and run as queue_job's runner runs them (``run_stored_jobs``), against
the simulator's fault injection."""

import copy
import math
import re
import time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.connector_accounting_base.api.limiter import (
    PostgresWindow,
    RateLimiter,
    forget_limiters,
)
from odoo.addons.connector_accounting_base.jobs import PAGE_SIZE

from ..api import RateLimitedError
from .common import MasterDataCase
from .test_invoices import RomanianCompanyCase


class RunsMixin:
    def runs(self, entity):
        return self.env["connector.sync.run"].search(
            [*self.backend._runs_domain(), ("entity", "=", entity)], order="id"
        )

    def finish(self):
        """Run every queued job, then close the runs as the cron does."""
        self.run_stored_jobs()
        self.env["connector.sync.run"]._cron_refresh()

    def secrets_in(self, text):
        secrets = (self.dataset.v1_token, self.dataset.v3_token)
        return [secret for secret in secrets if secret in (text or "")]


@tagged("post_install", "-at_install")
class TestSyncRuns(RunsMixin, MasterDataCase):
    def setUp(self):
        super().setUp()
        clients = self.dataset.clients
        self.dataset.clients = copy.deepcopy(clients)
        self.addCleanup(setattr, self.dataset, "clients", clients)
        self.backend.import_taxes()
        self.map_zero_rates()
        self.partner_total = len(self.dataset.clients) + len(self.dataset.suppliers)

    def v3_requests(self):
        return [path for path in self.sim.requests if "/v3/" in path]

    def test_run_counts_then_unchanged_rerun_writes_nothing(self):
        self.backend._queue_sync("partners")
        self.finish()
        run = self.runs("partners")
        self.assertEqual(run.state, "done")
        self.assertEqual(
            (run.read_count, run.created_count, run.unchanged_count, run.failed_count),
            (self.partner_total, self.partner_total, 0, 0),
        )
        # the batch + one job per page of records
        self.assertEqual(run.job_count, 1 + math.ceil(self.partner_total / PAGE_SIZE))
        # clients and suppliers are read page by page: a few calls for 200 records
        self.assertEqual(run.api_calls, len(self.v3_requests()))
        self.assertLess(run.api_calls, 10)
        self.assertTrue(run.finished)
        self.assertEqual(self.backend.running_run_count, 0)

        partners = self.env["smartbill.res.partner"].search([("backend_id", "=", self.backend.id)])
        written = max(partners.mapped("write_date"))
        self.backend._queue_sync("partners")
        self.finish()
        again = self.runs("partners")[-1]
        self.assertEqual((again.state, again.job_count), ("done", 1))
        self.assertEqual((again.read_count, again.unchanged_count), (self.partner_total,) * 2)
        self.assertEqual(again.created_count + again.updated_count, 0)
        self.assertEqual(max(partners.mapped("write_date")), written)

    def test_dry_run_reports_the_change_and_writes_nothing(self):
        self.backend._queue_sync("partners")
        self.finish()
        client = self.dataset.clients[0]
        binding = self.env["smartbill.res.partner"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", client["id"])]
        )
        old_name = binding.name
        client["name"] = "Renamed in SmartBill SRL"
        today = fields.Date.today()
        wizard = self.env["smartbill.resync.wizard"].create(
            {"backend_id": self.backend.id, "entity": "master", "date_from": today, "dry_run": True}
        )
        action = wizard.action_run()
        self.finish()
        dry = self.env["connector.sync.run"].search(
            action["domain"] + [("entity", "=", "partners")]
        )
        self.assertTrue(dry.dry_run)
        self.assertEqual((dry.state, dry.updated_count, dry.created_count), ("done", 1, 0))
        self.assertEqual(dry.unchanged_count, self.partner_total - 1)
        self.assertEqual(binding.name, old_name)

        wizard = self.env["smartbill.resync.wizard"].create(
            {"backend_id": self.backend.id, "entity": "master", "date_from": today}
        )
        wizard.action_run()
        self.finish()
        real = self.runs("partners")[-1]
        self.assertEqual((real.dry_run, real.updated_count, real.created_count), (False, 1, 0))
        self.assertEqual(binding.name, "Renamed in SmartBill SRL")

    # -- faults ------------------------------------------------------------------------------
    def test_rate_limit_storm_pauses_and_resumes_without_a_block(self):
        self.sim.inject("429", "/clients", times=2, seconds=0.3)
        self.sim.inject("429_no_retry_after", "/suppliers", times=1)
        self.sim.inject("429", "/tax", times=1, seconds=0.2)
        self.backend.action_import_master_data()
        self.finish()
        runs = self.env["connector.sync.run"].search(self.backend._runs_domain())
        self.assertEqual(set(runs.mapped("state")), {"done"})
        self.assertEqual(self.runs("partners").created_count, self.partner_total)
        for token in (self.dataset.v1_token, self.dataset.v3_token):
            usage = self.sim.usage_for(token)
            self.assertEqual((usage.blocks, usage.rejected), (0, 0), "the connector got blocked")
        # the injected refusals were answered, waited out and the calls sent again
        self.assertGreaterEqual(sum("/clients" in path for path in self.sim.requests), 3)

    def test_transient_errors_are_retried_until_the_fault_clears(self):
        for kind in ("500", "502_html", "drop", "truncated"):
            self.sim.inject(kind, "/clients", times=1)
        self.backend._queue_sync("partners")
        self.finish()
        run = self.runs("partners")
        self.assertEqual((run.state, run.created_count), ("done", self.partner_total))
        # 3 faults were absorbed by the call's own retries, the 4th failed the attempt:
        # the job was retried and its calls are the run's
        self.assertEqual(run.failed_count, 0)
        self.assertEqual(len(self.v3_requests()), run.api_calls + 4)

    def test_exhausted_retries_fail_then_retry_failed_finishes(self):
        # SmartBill asks to come back in 2 minutes: longer than a job may wait
        self.sim.inject("429", "/tax", times=1, seconds=120)
        self.backend._queue_sync("taxes")
        messages = len(self.backend.message_ids)
        self.finish()
        run = self.runs("taxes")[-1]
        self.assertEqual((run.state, run.failed_count), ("failed", 1))
        failure = run.failure_ids
        self.assertEqual((failure.state, failure.error_class), ("failed", "FailedJobError"))
        self.assertEqual((failure.tries, failure.max_tries), (5, 5))
        self.assertIn("Max. retries (5) reached", failure.message)
        self.assertIn("Rate limit", failure.message)
        self.assertEqual(self.backend.failed_job_count, 1)
        self.assertTrue(self.backend.oldest_failure)
        # one message for the run on the backend, however many retries
        posted = self.backend.message_ids[: len(self.backend.message_ids) - messages]
        self.assertEqual(len(posted), 1)
        self.assertIn("1 of 1 records failed", posted.body)
        self.env["connector.sync.run"]._cron_refresh()
        self.assertEqual(len(self.backend.message_ids), messages + 1)

        forget_limiters()  # the block is over
        self.backend.action_retry_failed()
        self.assertEqual(run.state, "running")
        self.finish()
        self.assertEqual((run.state, run.failed_count), ("done", 0))
        self.assertEqual(run.read_count, len(self.dataset.taxes))
        self.backend.invalidate_recordset()
        self.assertEqual(self.backend.failed_job_count, 0)

    def test_retry_failed_requeues_a_failed_job_of_a_run_not_closed_yet(self):
        # the chaos bench: a job lost its database connection when PostgreSQL restarted
        # and failed while its run was still open (the cron closes runs every few minutes)
        self.sim.inject("429", "/tax", times=1, seconds=120)
        self.backend._queue_sync("taxes")
        self.run_stored_jobs()  # the job fails; no cron closed the run
        run = self.runs("taxes")[-1]
        self.assertEqual(run.state, "running")
        self.assertEqual(run.job_ids.mapped("state"), ["failed"])
        forget_limiters()
        self.backend.action_retry_failed()
        self.assertEqual(run.job_ids.mapped("state"), ["pending"])
        self.finish()
        self.assertEqual((run.state, run.failed_count), ("done", 0))
        self.assertEqual(run.read_count, len(self.dataset.taxes))

    def test_rate_limit_window_is_shared_by_the_job_processes(self):
        limiter = self.backend._v1_client().limiter
        self.assertEqual(limiter.allowed, 27)  # the whole budget: no share per process
        self.addCleanup(forget_limiters)
        # another Odoo process: a limiter of its own, the window kept in the database
        window = PostgresWindow(limiter.window._connect, limiter.window.key)
        other = RateLimiter(limiter.limit, margin=limiter.margin, window=window)
        limiter.acquire()
        self.assertLess(other.state()["calls_left"], 27)
        until = time.time() + 600
        limiter.block_until(until)  # SmartBill blocked the token: every process waits
        with self.assertRaisesRegex(RateLimitedError, "next SmartBill call possible in"):
            other.acquire(max_wait=30)
        self.backend.invalidate_recordset()
        self.assertAlmostEqual(self.backend.blocked_until.timestamp(), until, delta=5)

    # -- security ------------------------------------------------------------------------------
    def test_tokens_never_in_jobs_runs_or_chatter(self):
        self.sim.inject("401", "/clients", times=1)
        self.sim.inject("echo_auth", "/suppliers", times=1)
        self.backend.action_import_master_data()
        with mute_logger("odoo.addons.queue_job"):
            self.finish()
        jobs = self.env["queue.job"].search([("connector_run_id.res_id", "=", self.backend.id)])
        self.assertGreater(len(jobs), 5)
        self.assertIn("failed", jobs.mapped("state"))
        for job in jobs:
            for name in ("func_string", "args", "kwargs", "result", "exc_message", "exc_info"):
                self.assertEqual(self.secrets_in(str(job[name])), [], f"{name} of {job.name}")
        for run in self.env["connector.sync.run"].search([]):
            self.assertEqual(self.secrets_in(str(run.read([])[0])), [])
        for message in self.backend.message_ids:
            self.assertEqual(self.secrets_in(message.body), [])

    def test_runs_and_backends_are_restricted_to_the_users_companies(self):
        self.backend._queue_sync("partners")
        other = self.env["res.company"].create({"name": "Other SRL"})
        user = self.env["res.users"].create(
            {
                "name": "Other manager",
                "login": "other-smartbill-manager",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "group_ids": [
                    Command.link(self.env.ref("connector_smartbill.group_smartbill_manager").id)
                ],
            }
        )
        runs = self.env["connector.sync.run"].with_user(user)
        self.assertFalse(runs.search([]))
        self.assertFalse(self.env["smartbill.backend"].with_user(user).search([]))
        with self.assertRaises(AccessError):
            self.runs("partners").with_user(user).read(["state"])
        # the jobs are the backend's company's, whoever queued them: queue_job's
        # multi-company rule shows them to its users
        jobs = self.backend.with_company(other)._queue_sync("products").job_ids
        self.assertEqual(jobs.company_id, self.backend.company_id)


@tagged("post_install", "-at_install")
class TestDocumentFaults(RunsMixin, RomanianCompanyCase):
    """e-Factura documents: each is one transaction; bad ones fail alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.efactura_source_url = cls.sim.url.replace("/SBORO/api", "/efactura/")

    def moves(self):
        return self.env["smartbill.account.move"].search([("backend_id", "=", self.backend.id)])

    def snapshot(self):
        return {m.id: (m.amount_total, m.state, m.write_date) for m in self.moves().odoo_id}

    def test_bad_file_or_failed_download_never_stops_the_window(self):
        invoices = [i for i in self.dataset.invoices.values() if i["kind"] == "invoice"]
        corrupt, unreachable = invoices[0]["id"], invoices[1]["id"]
        self.sim.inject("truncated", path=f"/efactura/{corrupt}.zip")  # a bad zip
        self.sim.inject("500", path=f"/efactura/{unreachable}.zip")
        self.backend._queue_sync("documents")
        self.finish()
        run = self.runs("documents")[-1]
        # the window went on: its run tells the two failed files, the rest is imported
        self.assertEqual((run.state, run.failed_count), ("failed", 2))
        documents = self.backend.document_ids
        failed = documents.filtered(lambda d: d.state == "failed")
        self.assertEqual(
            sorted(failed.mapped("name")), sorted([f"{corrupt}.zip", f"{unreachable}.zip"])
        )
        self.assertIn("not a readable zip", failed.filtered(lambda d: corrupt in d.name).message)
        self.assertIn("HTTP 500", failed.filtered(lambda d: unreachable in d.name).message)
        self.assertEqual(len(self.moves()), len(documents) - 2)
        # Retry failed downloads them again: both imported, nothing twice
        self.backend.action_retry_failed()
        self.finish()
        self.assertEqual(set(self.backend.document_ids.mapped("state")), {"imported"})
        self.assertEqual(len(self.moves()), len(self.backend.document_ids))

    def test_a_file_brought_meanwhile_by_another_source_is_that_document(self):
        invoice = next(i for i in self.dataset.invoices.values() if i["kind"] == "invoice")
        name = f"{invoice['id']}.zip"
        self.sim.inject("500", path=f"/efactura/{name}")
        self.backend._queue_sync("documents")
        self.finish()
        unread = self.backend.document_ids.filtered("unread")
        self.assertEqual(unread.mapped("name"), [name])
        # the same invoice reaches Odoo otherwise (SPV, an upload) before Retry failed
        content = self.backend._folder().download(name)
        brought = self.env["smartbill.document"].store_files(self.backend, name, content, "spv")
        brought.enqueue_import()
        self.finish()
        self.assertEqual(brought.state, "imported")
        self.backend.action_retry_failed()
        self.finish()
        # Retry fetched it again and found it stored: the failed one is that document
        self.assertFalse(unread.exists())
        fetched = self.env["queue.job"].search([("method_name", "=", "fetch_again")])
        self.assertEqual((fetched.state, fetched.connector_ref), ("done", name))
        documents = self.backend.document_ids
        self.assertEqual(set(documents.mapped("state")), {"imported"})
        self.assertEqual(len(self.moves()), len(documents))
        booked = self.moves().odoo_id.filtered(lambda m: m.name == invoice["id"])
        self.assertEqual(booked, brought.move_id)

    def test_run_whose_work_is_queued_already_is_that_run(self):
        first = self.backend._queue_sync("documents")
        again = self.backend._queue_sync("documents")  # the same work: one job, one run
        self.assertEqual(again, first)
        self.assertEqual(len(self.runs("documents")), 1)
        self.finish()
        self.assertEqual((first.state, first.job_count > 0), ("done", True))

    def test_database_error_leaves_no_half_document_and_retry_finishes(self):
        invoice = next(i for i in self.dataset.invoices.values() if len(i["lines"]) > 1)
        doc_id = f"{invoice['series']}{invoice['number']}"
        # the database refuses the document's second line, after its header and first line
        self.env.cr.execute(
            "ALTER TABLE account_move_line ADD CONSTRAINT smartbill_test_refuse "
            "CHECK (x_smartbill_line_id IS DISTINCT FROM %s) NOT VALID",
            (f"{doc_id}/2",),
        )
        self.backend.action_import_efactura()
        with mute_logger("odoo.sql_db"):
            self.finish()
        run = self.runs("documents")
        self.assertEqual((run.state, run.failed_count), ("failed", 1))
        failure = run.failure_ids
        self.assertEqual(
            (failure.error_class, failure.reference), ("DatabaseRefusedError", f"{doc_id}.xml")
        )
        # in words, the rule named; not PostgreSQL's own text
        self.assertEqual(
            failure.message,
            "Odoo refused the Journal Item: it breaks the database rule smartbill_test_refuse.",
        )
        company = ("company_id", "=", self.backend.company_id.id)
        self.assertFalse(
            self.env["account.move"].search([("x_smartbill_id", "=", doc_id), company])
        )
        self.assertFalse(
            self.env["account.move.line"].search(
                [("x_smartbill_line_id", "=like", f"{doc_id}/%"), company]
            )
        )
        imported = len(self.moves())
        self.assertEqual(run.created_count, imported)

        self.env.cr.execute("ALTER TABLE account_move_line DROP CONSTRAINT smartbill_test_refuse")
        self.backend.action_retry_failed()
        self.finish()
        self.assertEqual(
            (run.state, run.failed_count, run.created_count), ("done", 0, imported + 1)
        )
        move = self.env["account.move"].search([("x_smartbill_id", "=", doc_id), company])
        self.assertEqual((len(move), move.state), (1, "posted"))
        self.assertEqual(len(move.invoice_line_ids), len(invoice["lines"]))

        # the same window again: nothing created twice
        self.backend.action_import_efactura()
        self.finish()
        again = self.runs("documents")[-1]
        self.assertEqual((again.created_count, again.unchanged_count), (0, again.read_count))
        self.assertEqual(len(self.moves()), imported + 1)

    def test_page_creates_its_documents_together_and_links_credit_notes(self):
        self.backend.action_import_efactura()
        self.finish()
        run = self.runs("documents")
        documents = self.backend.document_ids
        self.assertEqual(
            (run.state, run.created_count, run.failed_count), ("done", len(documents), 0)
        )
        jobs = self.env["queue.job"].search([("connector_run_id", "=", run.id)])
        # the folder's new files: each page's job downloads, stores and imports them
        pages = jobs.filtered(lambda job: job.method_name == "import_efactura_files")
        self.assertEqual(len(pages), math.ceil(len(documents) / PAGE_SIZE))
        self.assertEqual(sum(len(page.args[0]) for page in pages), len(documents))
        # every document was created by its page, none went to a job of its own
        created = sum(page.connector_counts.get("created", 0) for page in pages)
        self.assertEqual(created, len(documents))
        self.assertFalse(jobs.filtered(lambda job: job.method_name == "import_document"))
        self.assertEqual(set(documents.move_id.mapped("state")), {"posted"})
        # each move names the run that wrote it
        self.assertEqual(documents.move_id.smartbill_bind_ids.sync_run_id, run)
        # a credit note is linked to the invoice it names, also when both came in one
        # page, and settles it
        notes = documents.move_id.filtered(lambda move: move.move_type == "out_refund")
        in_its_page = [
            note
            for note in notes
            for page in pages
            if {
                note.smartbill_bind_ids.document_id.name,
                note.reversed_entry_id.smartbill_bind_ids.document_id.name,
            }
            <= {name.removesuffix(".zip") + ".xml" for name in page.args[0]}
        ]
        self.assertTrue(in_its_page, "the dataset puts a credit note in its invoice's page")
        for note in notes:
            credited = note.smartbill_bind_ids.credited_ref
            self.assertTrue(credited)
            self.assertEqual(note.reversed_entry_id.x_smartbill_id, credited)
            if note.reversed_entry_id.reversal_move_ids == note:  # its invoice's only one
                self.assertLess(note.amount_residual, note.amount_total)

    def test_smartbill_failing_mid_page_leaves_the_page_to_single_jobs(self):
        self.backend.action_import_efactura()
        self.finish()
        run = self.backend._queue_sync("payments")
        pages = self.env["queue.job"].search([("connector_run_id", "=", run.id)])
        first = min(pages, key=lambda job: (job.priority, job.id))
        invoices = sum(len(job.records) for job in pages)
        self.assertGreater(len(first.records), 1)
        self.sim.reset_usage()
        # the first call of the first page fails, its retries included
        self.sim.inject("500", "/paymentstatus", times=4)
        with mute_logger("odoo.addons.connector_smartbill.jobs"):
            self.finish()
        self.assertEqual((run.state, run.failed_count, run.read_count), ("done", 0, invoices))
        # the rest of the first page was not tried in it: one call each in its own job
        calls = sum("/paymentstatus" in path for path in self.sim.requests)
        self.assertEqual(calls, invoices + 4)
        self.assertEqual(run.job_count, len(pages) + len(first.records))
        self.assertIn(f"{len(first.records)} queued in their own jobs", first.result)

    def upload(self, name, content):
        attachment = self.env["ir.attachment"].create({"name": name, "raw": content})
        wizard = self.env["smartbill.upload.wizard"].create(
            {"backend_id": self.backend.id, "attachment_ids": [Command.set(attachment.ids)]}
        )
        before = self.backend.document_ids
        wizard.action_upload()
        self.finish()
        return self.backend.document_ids - before

    def test_bad_input_fails_with_a_clear_reason_and_changes_nothing(self):
        self.backend.action_import_efactura()
        self.finish()
        before = self.snapshot()
        self.assertTrue(before)
        invoice = next(
            i
            for i in self.dataset.invoices.values()
            if i["kind"] == "invoice" and b">21.00<" in self.dataset.invoice_xml(i)
        )
        # a number SmartBill never issued in the same series: a new document each time
        xml = self.dataset.invoice_xml(invoice).replace(
            invoice["id"].encode(), f"{invoice['series']}0901".encode()
        )
        bill = self.dataset.invoice_xml(next(iter(self.dataset.bills.values())))
        head, seller = bill.split(b"<cac:AccountingSupplierParty>", 1)
        seller, rest = seller.split(b"</cac:AccountingSupplierParty>", 1)
        seller = re.sub(rb"<cbc:(CompanyID|ID)[^>]*>[^<]*</cbc:(CompanyID|ID)>", b"", seller)
        seller = head + b"<cac:AccountingSupplierParty>" + seller
        bad = {
            "unknown-rate.xml": (xml.replace(b">21.00<", b">17.00<"), "17"),
            "decimals.xml": (
                xml.replace(b"</cbc:LineExtensionAmount>", b"1</cbc:LineExtensionAmount>", 1),
                "more than 2 decimals",
            ),
            "no-supplier-vat.xml": (
                seller + b"</cac:AccountingSupplierParty>" + rest,
                "states no VAT number or CUI",
            ),
            "malformed.xml": (xml[: len(xml) // 2], "Not well-formed XML"),
            "bomb.xml": (
                b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><Invoice>&lol2;</Invoice>',
                "DOCTYPE is refused",
            ),
        }
        for name, (content, reason) in bad.items():
            documents = self.upload(name, content)
            self.assertEqual(documents.mapped("state"), ["failed"], name)
            self.assertIn(reason, documents.message, name)
            self.assertFalse(documents.move_id, name)
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.backend.failed_document_count, len(bad))
        refused = self.env["connector.sync.run.failure"].search(
            [*self.backend._runs_domain(), ("state", "=", "refused")]
        )
        # the files that could not be read at all failed when stored, without a job
        unread = {"malformed.xml", "bomb.xml"}
        self.assertEqual(sorted(refused.mapped("reference")), sorted(set(bad) - unread))
        self.assertEqual(
            set(refused.mapped("error_class")), {"EFacturaError", "InvalidRecordError"}
        )

        huge = self.env["ir.attachment"].create({"name": "huge.xml", "raw": b" " * (50 << 20)})
        wizard = self.env["smartbill.upload.wizard"].create(
            {"backend_id": self.backend.id, "attachment_ids": [Command.set(huge.ids)]}
        )
        with self.assertRaisesRegex(UserError, "larger than 20 MB"):
            wizard.action_upload()
        self.assertEqual(self.snapshot(), before)
