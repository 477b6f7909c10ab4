# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import math
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
from psycopg2 import IntegrityError

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.connector_accounting_base.jobs import PAGE_SIZE
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import MasterDataCase, SmartBillCase


class RomanianCompanyCase(MasterDataCase):
    """A Romanian company (RON, Romania's chart), its VAT mapped, master data imported."""

    @classmethod
    def smartbill_company(cls):
        company = (
            cls.env["res.company"]
            .with_context(install_mode=True)
            .create(
                {
                    "name": "SmartBill RO SRL",
                    "currency_id": cls.env.ref("base.RON").id,
                    "country_id": cls.env.ref("base.ro").id,
                }
            )
        )
        cls.env["account.chart.template"].try_loading("ro", company, install_demo=False)
        # VAT per rate on the sum of the lines, as EN 16931 (BR-CO-17) computes it
        company.tax_calculation_rounding_method = "round_globally"
        return company

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the VAT mapping as the connector pre-fills it on l10n_ro's chart: nothing by hand
        cls.backend.import_taxes()
        cls.reverse_charge = cls.chart_tax("tvati")
        cls.reverse_charge_purchase = cls.chart_tax("tvatip21")
        with trap_jobs() as trap:
            cls.backend.action_import_master_data()
            _results, failures = cls.perform_all(trap)
        if failures:
            raise AssertionError(f"Master data import failed: {failures}")

    @classmethod
    def chart_tax(cls, template):
        """The company's tax of l10n_ro's template ``template``."""
        return cls.env.ref(f"account.{cls.company.id}_{template}")

    @classmethod
    def import_folder(cls):
        """Import every document of the simulator's e-Factura folder."""
        cls.backend.efactura_source_url = cls.sim.url.replace("/SBORO/api", "/efactura/")
        with trap_jobs() as trap:
            cls.backend.import_efactura_folder()
            _results, failures = cls.perform_all(trap)
        if failures:
            raise AssertionError(f"Import failed: {failures}")

    def binding(self, invoice_id):
        """The binding of SmartBill's invoice, credit note or storno ``invoice_id``."""
        return self.env["smartbill.account.move"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("external_id", "in", [invoice_id, f"{invoice_id}/381"]),
            ]
        )

    def upload(self, name, content):
        attachment = self.env["ir.attachment"].create({"name": name, "raw": content})
        wizard = self.env["smartbill.upload.wizard"].create(
            {"backend_id": self.backend.id, "attachment_ids": [(6, 0, attachment.ids)]}
        )
        before = self.backend.document_ids
        with trap_jobs() as trap:
            wizard.action_upload()
            self.perform_all(trap)
        return self.backend.document_ids - before


@tagged("post_install", "-at_install")
class TestInvoices(RomanianCompanyCase):
    """The simulator's invoices, from its e-Factura folder and uploads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one invoice stays out of SmartBill's folder: the upload tests bring it
        cls.held_back = cls.dataset.invoices["FCT", "0003"]
        cls.held_back["deleted"] = True
        cls.addClassCleanup(cls.held_back.update, deleted=False)
        # and one SmartBill issued whose XML did not reach the folder
        cls.not_arrived = cls.dataset.invoices["FCJ", "0002"]
        cls.not_arrived["withheld"] = True
        cls.addClassCleanup(cls.not_arrived.update, withheld=False)
        cls.import_folder()

    def imported(self):
        return [i for i in self.dataset.invoices.values() if not i["deleted"] and not i["withheld"]]

    # -- the batch --------------------------------------------------------------------------
    def test_every_document_imported_once_with_the_xml_amounts(self):
        invoices = self.imported()
        bindings = self.env["smartbill.account.move"].search([("backend_id", "=", self.backend.id)])
        self.assertEqual(len(bindings), len(invoices))
        for invoice in invoices:
            move = self.binding(invoice["id"]).odoo_id
            refund = invoice["kind"] != "invoice"
            self.assertEqual(move.move_type, "out_refund" if refund else "out_invoice")
            binding = self.binding(invoice["id"])
            self.assertEqual(move.state, "posted", f"{invoice['id']}: {binding.totals_message}")
            self.assertEqual(Decimal(str(move.amount_untaxed)), abs(invoice["net"]), invoice["id"])
            self.assertEqual(Decimal(str(move.amount_tax)), abs(invoice["vat"]), invoice["id"])
            self.assertEqual(Decimal(str(move.amount_total)), abs(invoice["total"]))
            if not refund and not move.reversal_move_ids:
                self.assertEqual(move.amount_residual, move.amount_total, invoice["id"])
            self.assertEqual(move.currency_id.name, invoice["currency"])
            self.assertEqual(self.binding(invoice["id"]).totals_state, "ok")
        total_odoo = sum(Decimal(str(m.amount_total_signed)) for m in bindings.odoo_id)
        total_xml = sum(
            (-1 if i["kind"] != "invoice" else 1) * abs(i["total"]) * (i["exchangeRate"] or 1)
            for i in invoices
        )
        self.assertAlmostEqual(float(total_odoo), float(total_xml), delta=0.01 * len(invoices))

    def test_eur_invoice_keeps_smartbill_rate_and_ron_vat(self):
        invoice = next(i for i in self.imported() if i["currency"] == "EUR" and i["vat"])
        move = self.binding(invoice["id"]).odoo_id
        self.assertAlmostEqual(move.invoice_currency_rate, float(1 / invoice["exchangeRate"]))
        self.assertEqual(Decimal(str(abs(move.amount_tax_signed))), invoice["vatRon"])

    def test_identifiers_lines_partner_and_journal(self):
        invoice = next(
            i for i in self.imported() if i["kind"] == "invoice" and i["currency"] == "RON"
        )
        move = self.binding(invoice["id"]).odoo_id
        self.assertEqual(
            (
                move.x_smartbill_id,
                move.x_smartbill_series,
                move.x_smartbill_number,
                move.x_smartbill_company_vat_code,
            ),
            (invoice["id"], invoice["series"], invoice["number"], self.dataset.cif),
        )
        lines = move.invoice_line_ids.filtered(
            lambda line: line.x_smartbill_line_id.count("/") == 1
        )
        self.assertEqual(len(lines), len(invoice["lines"]))
        first, source = lines.sorted("x_smartbill_line_id")[0], invoice["lines"][0]
        self.assertEqual(first.x_smartbill_line_id, f"{invoice['id']}/1")
        self.assertEqual(first.product_id.default_code, source["code"])
        self.assertEqual(first.quantity, float(source["quantity"]))
        self.assertEqual(first.price_unit, float(source["price"]))
        partner = (
            self.env["smartbill.res.partner"]
            .search([("external_id", "=", invoice["client"])])
            .odoo_id
        )
        self.assertEqual(move.partner_id, partner)
        self.assertFalse(partner.smartbill_from_efactura)
        # named with its legal number, in its series' own sale journal
        self.assertEqual((move.name, move.payment_reference), (invoice["id"],) * 2)
        self.assertEqual((move.journal_id.type, move.journal_id.code), ("sale", invoice["series"]))
        self.assertIn(f"seria {invoice['series']}", str(move.narration))

    def test_reverse_charge_lines_use_the_mapped_tax(self):
        invoice = next(
            i for i in self.imported() if any(line["category"] == "AE" for line in i["lines"])
        )
        move = self.binding(invoice["id"]).odoo_id
        ae_lines = move.invoice_line_ids.filtered(lambda line: line.tax_ids == self.reverse_charge)
        self.assertTrue(ae_lines)

    def test_credit_note_and_storno_are_refunds_settling_their_invoice(self):
        invoices = self.imported()
        for kind in ("credit_note", "storno"):
            note = next(
                n
                for n in invoices
                if n["kind"] == kind
                and [m["id"] for m in invoices if m["billingReference"] == n["billingReference"]]
                == [n["id"]]
            )
            move = self.binding(note["id"]).odoo_id
            self.assertEqual(move.move_type, "out_refund")
            self.assertEqual(Decimal(str(move.amount_total)), abs(note["total"]))
            original = self.binding(note["billingReference"]).odoo_id
            self.assertEqual(move.reversed_entry_id, original)
            # Odoo reconciles a refund with the invoice it reverses, as its own reversals do
            settled = min(move.amount_total, original.amount_total)
            self.assertAlmostEqual(move.amount_residual, move.amount_total - settled, places=2)
            self.assertAlmostEqual(
                original.amount_residual, original.amount_total - settled, places=2
            )

    def test_credit_note_imported_before_its_invoice_settles_it_when_it_comes(self):
        invoice = self.held_back
        note = dict(
            invoice, id="FCT9201", number="9201", typeCode="381", billingReference=invoice["id"]
        )
        self.upload("FCT9201.xml", self.dataset.invoice_xml(note))
        credit = self.binding("FCT9201")
        self.assertEqual(
            (credit.move_type, credit.state, credit.credited_ref),
            ("out_refund", "posted", invoice["id"]),
        )
        self.assertFalse(credit.reversed_entry_id)
        self.assertEqual(credit.amount_residual, credit.amount_total)
        self.upload(f"{invoice['id']}.zip", self.dataset.invoice_zip(invoice))
        original = self.binding(invoice["id"]).odoo_id
        self.assertEqual(credit.reversed_entry_id, original)
        self.assertEqual(Decimal(str(original.amount_total)), invoice["total"])
        self.assertEqual((original.amount_residual, credit.amount_residual), (0, 0))
        self.assertEqual(original.payment_state, "reversed")

    def test_discounts_are_lines_of_their_own(self):
        invoice = next(i for i in self.imported() if i["allowance"])
        move = self.binding(invoice["id"]).odoo_id
        discount = move.invoice_line_ids.filtered(
            lambda line: line.x_smartbill_line_id == f"{invoice['id']}/A1"
        )
        self.assertEqual(discount.price_subtotal, -float(invoice["allowance"]["amount"]))

    # -- re-runs and uploads -------------------------------------------------------------------
    def test_second_run_imports_nothing(self):
        count = self.env["smartbill.document"].search_count([])
        with trap_jobs() as trap:
            result = self.backend.import_efactura_folder()
            trap.assert_jobs_count(0)
        self.assertEqual(result, "0 e-Factura documents queued")
        self.assertEqual(self.env["smartbill.document"].search_count([]), count)

    def test_same_zip_uploaded_twice_imports_once(self):
        content = self.dataset.invoice_zip(self.held_back)
        documents = self.upload("4300001.zip", content)
        self.assertEqual(documents[0].state, "imported")
        move = self.binding("FCT0003").odoo_id
        self.assertEqual(Decimal(str(move.amount_total)), self.held_back["total"])
        self.assertEqual(len(documents), 1)
        self.assertFalse(self.upload("again.zip", content))
        self.assertEqual(len(self.binding("FCT0003")), 1)

    def test_totals_mismatch_is_left_in_draft_with_both_amounts(self):
        invoice = next(i for i in self.imported() if i["vat"] and i["currency"] == "RON")
        xml = self.dataset.invoice_xml(invoice).replace(
            f"<cbc:ID>{invoice['id']}</cbc:ID>".encode(), b"<cbc:ID>FCT9001</cbc:ID>"
        )
        vat = f'<cbc:TaxAmount currencyID="RON">{invoice["vat"]:.2f}</cbc:TaxAmount>'
        wrong = vat.replace(f"{invoice['vat']:.2f}", f"{invoice['vat'] + Decimal('0.01'):.2f}")
        xml = xml.replace(vat.encode(), wrong.encode(), 1)
        self.upload("FCT9001.xml", xml)
        binding = self.binding("FCT9001")
        self.assertEqual(binding.state, "draft")
        self.assertEqual(binding.totals_state, "mismatch")
        self.assertEqual(
            binding.totals_message,
            f"VAT: Odoo {invoice['vat']:.2f}, e-Factura {invoice['vat'] + Decimal('0.01'):.2f}, "
            "difference -0.01",
        )
        self.assertEqual(self.backend.mismatch_count, 1)
        # SmartBill sends the document again, right this time: the draft is updated
        corrected = self.dataset.invoice_xml(invoice).replace(
            f"<cbc:ID>{invoice['id']}</cbc:ID>".encode(), b"<cbc:ID>FCT9001</cbc:ID>"
        )
        self.assertEqual(self.upload("FCT9001-v2.xml", corrected).state, "imported")
        self.assertEqual(self.binding("FCT9001"), binding)
        self.assertEqual((binding.totals_state, binding.state), ("ok", "posted"))
        self.assertEqual(Decimal(str(binding.amount_tax)), invoice["vat"])
        self.assertEqual(self.backend.mismatch_count, 0)

    def test_malformed_and_foreign_documents_fail_with_their_reason(self):
        documents = self.upload("broken.xml", b"<Invoice><cbc:ID>")
        self.assertEqual(documents[0].state, "failed")
        self.assertTrue(documents[0].message.startswith("Not well-formed XML"))
        invoice = self.imported()[0]
        other = self.dataset.invoice_xml(invoice).replace(self.dataset.cif.encode(), b"RO11111111")
        documents = self.upload("other.xml", other)
        self.assertEqual(documents[0].state, "failed")
        self.assertIn("not for this backend's company", documents[0].message)
        self.assertFalse(documents.move_id)
        self.assertEqual(self.backend.failed_document_count, 2)

    def test_upload_accepts_only_xml_and_zip(self):
        attachment = self.env["ir.attachment"].create({"name": "invoice.pdf", "raw": b"%PDF"})
        wizard = self.env["smartbill.upload.wizard"].create(
            {"backend_id": self.backend.id, "attachment_ids": [(6, 0, attachment.ids)]}
        )
        with self.assertRaisesRegex(Exception, "only e-Factura .xml and .zip files"):
            wizard.action_upload()

    def test_reissued_posted_document_is_flagged_not_rewritten(self):
        invoice = next(i for i in self.imported() if i["kind"] == "invoice")
        binding = self.binding(invoice["id"])
        total = binding.amount_total
        # another note only: the same amounts and lines, nothing to review
        xml = self.dataset.invoice_xml(invoice).replace(b"Factura emisa", b"Factura corectata")
        self.assertEqual(self.upload("renoted.xml", xml).move_id, binding.odoo_id)
        self.assertFalse(binding.review_message)
        # another total: flagged with both values, the posted move left as it is
        payable = f">{invoice['total']:.2f}</cbc:TaxInclusiveAmount>"
        other = f">{invoice['total'] + 1:.2f}</cbc:TaxInclusiveAmount>"
        self.upload("reissued.xml", xml.replace(payable.encode(), other.encode()))
        self.assertIn("other content", binding.review_message)
        self.assertIn(
            f"total: in Odoo {total:.2f}, in the document {invoice['total'] + 1:.2f}",
            binding.review_message,
        )
        self.assertEqual(binding.amount_total, total)
        self.assertEqual(binding.state, "posted")

    def test_database_refuses_a_second_move_for_the_same_document(self):
        move = self.binding(self.imported()[0]["id"]).odoo_id
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            move.copy(
                {
                    "x_smartbill_id": move.x_smartbill_id,
                    "x_smartbill_company_vat_code": move.x_smartbill_company_vat_code,
                }
            )

    def test_original_xml_is_kept(self):
        invoice = self.imported()[0]
        document = self.binding(invoice["id"]).document_id
        self.assertEqual(
            base64.b64decode(document.attachment_id.datas), self.dataset.invoice_xml(invoice)
        )

    def test_completeness_lists_numbers_missing_in_odoo(self):
        self.sim.reset_usage()
        result = self.backend.check_completeness()
        self.assertEqual(result, "1 missing in Odoo, 1 not in SmartBill")
        gaps = self.env["smartbill.series.gap"].search([("backend_id", "=", self.backend.id)])
        self.assertEqual(
            sorted((g.document_ref, g.state) for g in gaps),
            [("FCJ0002", "missing"), ("FCT0003", "not_in_smartbill")],
        )
        missing = gaps.filtered(lambda g: g.state == "missing")
        self.assertAlmostEqual(missing.invoice_total, float(self.not_arrived["total"]), places=2)
        self.assertEqual(self.backend.missing_count, 1)
        # one series call, one payment-status call per gap
        self.assertEqual(
            self.sim.requests,
            ["/SBORO/api/series", *["/SBORO/api/invoice/paymentstatus"] * 2],
        )
        # the XML arrives: the number leaves the list; the deleted one is not asked again
        self.upload("FCJ0002.zip", self.dataset.invoice_zip(self.not_arrived))
        self.sim.reset_usage()
        self.assertEqual(self.backend.check_completeness(), "0 missing in Odoo, 1 not in SmartBill")
        self.assertEqual(self.backend.missing_count, 0)
        self.assertEqual(self.sim.requests, ["/SBORO/api/series"])

    def test_completeness_in_pages_resumes_and_remembers(self):
        self.backend.completeness_budget = 1  # one SmartBill call per run
        first, second, third = (
            (self.sim.reset_usage(), self.backend.check_completeness())[1] for _ in range(3)
        )
        self.assertEqual(
            (first, second, third),
            (
                "1 missing in Odoo, 0 not in SmartBill",  # FCJ first: series by name
                "1 missing in Odoo, 1 not in SmartBill",
                "1 missing in Odoo, 1 not in SmartBill",
            ),
        )
        # the third run asked nothing: both numbers are remembered
        self.assertEqual(self.sim.requests, ["/SBORO/api/series"])
        fct = self.backend.series_ids.filtered(lambda s: s.name == "FCT")
        self.assertEqual(fct.checked_until, int(fct.next_number) - 1)
        # a re-sync of their period asks them again
        self.backend.completeness_budget = 300
        with trap_jobs() as trap:
            self.backend._queue_sync("completeness", since=date(2000, 1, 1))
            self.assertFalse(
                self.env["smartbill.series.gap"].search([("backend_id", "=", self.backend.id)])
            )
            self.sim.reset_usage()
            self.perform_all(trap)
        self.assertEqual(self.sim.requests.count("/SBORO/api/invoice/paymentstatus"), 2)

    def test_smartbill_pdf_attached_when_asked(self):
        self.backend.attach_pdf = True
        self.upload("FCT0003.zip", self.dataset.invoice_zip(self.held_back))
        move = self.binding("FCT0003").odoo_id
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "=", move.id),
                ("mimetype", "=", "application/pdf"),
            ]
        )
        # FCT0003 is not in SmartBill any more: its PDF cannot come, the invoice still does
        self.assertFalse(attachment)
        self.assertIn("SmartBill PDF not attached", self.binding("FCT0003").review_message)
        self.assertEqual(move.state, "posted")
        self.held_back["deleted"] = False
        self.addCleanup(self.held_back.update, deleted=True)
        xml = self.dataset.invoice_xml(self.not_arrived)
        self.upload("FCJ0002.xml", xml)
        pdf = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "=", self.binding("FCJ0002").odoo_id.id),
                ("mimetype", "=", "application/pdf"),
            ]
        )
        self.assertEqual(pdf.name, "facturaFCJ0002.pdf")
        self.assertTrue(pdf.raw.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestSpv(RomanianCompanyCase):
    """Invoices sent and bills received, pulled from ANAF's SPV (the simulator's)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.write(
            {
                "spv_base_url": cls.sim.url.replace("/SBORO/api", "/prod/FCTEL/rest"),
                "spv_test_mode": True,
                "spv_token": cls.dataset.spv_token,
            }
        )
        cls.days = sorted({m["data_creare"][:8] for m in cls.dataset.spv_messages()})
        cls.first = date(int(cls.days[0][:4]), int(cls.days[0][4:6]), int(cls.days[0][6:]))
        cls.last = date(int(cls.days[-1][:4]), int(cls.days[-1][4:6]), int(cls.days[-1][6:]))

    def setUp(self):
        super().setUp()
        self.addCleanup(setattr, self.sim, "spv_page_size", self.sim.spv_page_size)
        self.sim.spv_page_size = 1  # several pages on the days with several messages

    def import_window(self):
        with trap_jobs() as trap:
            self.backend._queue_sync("spv", since=self.first, until=self.last)
            return self.perform_all(trap)

    def test_window_brings_sent_invoices_received_bills_and_refusals(self):
        _results, failures = self.import_window()
        self.assertEqual(failures, [])
        bills = self.env["smartbill.account.move"].search(
            [("backend_id", "=", self.backend.id), ("move_type", "=", "in_invoice")]
        )
        self.assertEqual(len(bills), len(self.dataset.bills))
        sent = self.env["smartbill.account.move"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
        )
        self.assertEqual(len(sent), len(self.dataset.invoices))
        for source in self.dataset.bills.values():
            supplier = self.dataset.find("suppliers", source["supplier"])
            bill = bills.filtered(lambda b, s=source: b.ref == s["id"])
            self.assertEqual(bill.state, "posted", bill.totals_message)
            self.assertEqual(Decimal(str(bill.amount_untaxed)), source["net"])
            self.assertEqual(Decimal(str(bill.amount_tax)), source["vat"])
            self.assertEqual(bill.partner_bank_id.sanitized_acc_number, supplier["iban"])
            self.assertEqual(bill.x_smartbill_partner_vat_code, supplier["vatCode"])
            self.assertEqual(
                bill.partner_id,
                self.env["smartbill.res.partner"]
                .search([("external_id", "=", supplier["id"])])
                .odoo_id,
            )
            self.assertEqual(bill.l10n_ro_edi_state, "invoice_validated")
        reverse = next(b for b in self.dataset.bills.values() if b["lines"][0]["category"] == "AE")
        bill = bills.filtered(lambda b: b.ref == reverse["id"])
        self.assertEqual(bill.invoice_line_ids.tax_ids, self.reverse_charge_purchase)
        refusal = self.backend.document_ids.filtered(lambda d: "erori" in d.name)
        self.assertEqual(refusal.state, "failed")
        self.assertIn("ANAF refused the invoice", refusal.message)
        self.assertIn("BR-RO-010", refusal.message)
        self.assertIn("Correct the invoice in SmartBill", refusal.message)  # what to do
        # no Retry on its form, and the backend's Retry failed does not count it
        self.assertFalse(refusal.retriable)
        self.assertLess(self.backend.retry_document_count, self.backend.failed_document_count)
        said = refusal.action_retry()["params"]  # nothing to import: it says why
        self.assertEqual(said["type"], "warning")
        self.assertIn("cannot be retried: ANAF's refusal", said["message"])
        self.assertEqual(refusal.state, "failed")
        self.backend.spv_since = self.first
        self.assertEqual(self.backend.spv_imported_until, self.last)  # every day done
        lists = self.sim.requests.count("/prod/FCTEL/rest/listaMesajePaginatieFactura")
        self.assertGreater(lists, (self.last - self.first).days + 1)  # more than one page a day

    def test_second_run_downloads_nothing(self):
        self.import_window()
        count = len(self.backend.document_ids)
        self.sim.reset_usage()
        _results, failures = self.import_window()
        self.assertEqual(failures, [])
        self.assertNotIn("/prod/FCTEL/rest/descarcare", self.sim.requests)
        self.assertEqual(len(self.backend.document_ids), count)

    def test_message_that_cannot_be_downloaded_stops_nothing_and_is_fetched_again(self):
        self.sim.inject("500", path="/descarcare", times=1)  # one message's download
        _results, failures = self.import_window()
        self.assertEqual(failures, [])  # the window goes on: every day is done
        unread = self.backend.document_ids.filtered("unread")
        self.assertEqual(len(unread), 1)
        self.assertEqual((unread.state, unread.source), ("failed", "spv"))
        self.assertIn("SPV descarcare: HTTP 500", unread.message)
        self.backend.spv_since = self.first
        self.assertEqual(self.backend.spv_imported_until, self.last)
        # Retry failed downloads it again, and it is imported
        with trap_jobs() as trap:
            self.backend.action_retry_failed()
            self.perform_all(trap)
        self.assertFalse(unread.unread)
        self.assertEqual(unread.state, "imported")
        self.assertEqual(
            len(self.env["smartbill.account.move"].search([("backend_id", "=", self.backend.id)])),
            len(self.dataset.invoices) + len(self.dataset.bills),
        )

    def test_day_whose_list_fails_is_not_done_and_is_taken_again(self):
        self.backend.spv_since = self.first
        self.sim.inject("500", path="/listaMesajePaginatieFactura", times=1)
        _results, failures = self.import_window()
        self.assertEqual(len(failures), 1)  # that day's job, retried by queue_job
        self.assertFalse(self.backend.spv_imported_until)
        with trap_jobs() as trap:
            self.env["smartbill.backend"]._cron_import_spv()
            self.assertEqual(trap.enqueued_jobs[0].args[0], self.first)  # taken again

    def test_bill_already_fetched_by_l10n_ro_edi_is_bound_not_duplicated(self):
        message = next(m for m in self.dataset.spv_messages() if m["tip"] == "FACTURA PRIMITA")
        source = message["document"]
        fetched = (
            self.env["account.move"]
            .with_company(self.company)
            .create(
                {
                    "move_type": "in_invoice",
                    "company_id": self.company.id,
                    "partner_id": self.env["smartbill.res.partner"]
                    .search([("external_id", "=", source["supplier"])])
                    .odoo_id.id,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "as Odoo's UBL import read it",
                                "price_unit": 1.0,
                                "quantity": 1,
                            },
                        )
                    ],
                }
            )
        )
        fetched.l10n_ro_edi_index = message["id_solicitare"]
        self.import_window()
        binding = self.binding(
            f"{self.dataset.find('suppliers', source['supplier'])['vatCode']}" f"/{source['id']}"
        )
        self.assertEqual(binding.odoo_id, fetched)
        self.assertEqual(Decimal(str(fetched.amount_total)), source["total"])
        self.assertEqual(
            self.env["account.move"].search_count(
                [("company_id", "=", self.company.id), ("ref", "=", source["id"])]
            ),
            1,
        )

    def test_l10n_ro_edi_fetch_after_the_connector_creates_nothing(self):
        self.import_window()
        message = next(m for m in self.dataset.spv_messages() if m["tip"] == "FACTURA PRIMITA")
        bills = self.env["account.move"].search_count([("move_type", "=", "in_invoice")])
        answer = {
            "invoice": {
                "amount_total": float(message["document"]["total"]),
                "seller_vat": "RO1",
                "date": message["document"]["issueDate"],
            }
        }
        self.env["account.move"].with_company(self.company)._l10n_ro_edi_process_bill_messages(
            [{**message, "document": None, "answer": answer}]
        )
        self.assertEqual(
            self.env["account.move"].search_count([("move_type", "=", "in_invoice")]), bills
        )

    def test_non_deductible_supplier_uses_its_own_rows(self):
        source = next(b for b in self.dataset.bills.values() if b["lines"][0]["category"] == "S")
        supplier = (
            self.env["smartbill.res.partner"]
            .search([("external_id", "=", source["supplier"])])
            .odoo_id
        )
        supplier.smartbill_vat_non_deductible = True
        self.import_window()
        refused = self.backend.document_ids.filtered(
            lambda d: d.state == "failed" and "non-deductible" in (d.message or "")
        )
        self.assertTrue(refused)
        self.assertIn("21 % (non-deductible)", refused[0].message)
        non_deductible = self.env["account.tax"].create(
            {
                "name": "TVA 21% nedeductibil",
                "amount": 21,
                "amount_type": "percent",
                "type_tax_use": "purchase",
                "company_id": self.company.id,
            }
        )
        row = self.backend.tax_map_ids.filtered(lambda r: r.percentage == 21 and not r.vat_included)
        row.copy({"non_deductible": True, "purchase_tax_id": non_deductible.id})
        with trap_jobs() as trap:
            refused.action_retry()
            self.perform_all(trap)
        bill = self.env["account.move"].search([("ref", "=", source["id"])])
        self.assertEqual(bill.invoice_line_ids.tax_ids, non_deductible)
        self.assertEqual(Decimal(str(bill.amount_tax)), source["vat"])

    def test_document_already_uploaded_comes_once(self):
        invoice = self.dataset.invoices["FCT", "0001"]
        self.upload("FCT0001.zip", self.dataset.invoice_zip(invoice))
        self.import_window()
        documents = self.backend.document_ids.filtered(lambda d: d.document_ref == "FCT0001")
        self.assertEqual((len(documents), documents.source), (1, "upload"))
        self.assertEqual(len(self.binding("FCT0001")), 1)

    def test_supplier_credit_note_before_its_bill_settles_it_when_the_bill_comes(self):
        bill = next(b for b in self.dataset.bills.values() if b["currency"] == "RON")
        note = dict(bill, id=f"CN{bill['id']}", typeCode="381", billingReference=bill["id"])
        self.upload("credit-note.xml", self.dataset.invoice_xml(note))
        credit = self.env["smartbill.account.move"].search([("ref", "=", note["id"])])
        self.assertEqual((credit.move_type, credit.state), ("in_refund", "posted"))
        self.assertFalse(credit.reversed_entry_id)
        self.import_window()
        original = self.env["account.move"].search([("ref", "=", bill["id"])])
        self.assertEqual(credit.reversed_entry_id, original)
        self.assertEqual((original.amount_residual, credit.amount_residual), (0, 0))
        self.assertEqual(original.payment_state, "reversed")
        # a credit note of a bill already imported is linked when it is created
        again = dict(note, id=f"CN2{bill['id']}")
        self.upload("credit-note-2.xml", self.dataset.invoice_xml(again))
        second = self.env["smartbill.account.move"].search([("ref", "=", again["id"])])
        self.assertEqual(second.reversed_entry_id, original)

    def test_hourly_cron_queues_the_days_since_the_last_complete_one(self):
        today = fields.Date.context_today(self.backend)
        self.backend.spv_since = today - timedelta(days=5)
        with trap_jobs() as trap:
            self.env["smartbill.backend"]._cron_import_spv()
            trap.assert_jobs_count(6)
        for offset in range(5, 1, -1):  # the days before yesterday, done
            self.env["smartbill.spv.day"].record(self.backend, today - timedelta(offset), 0)
        self.assertEqual(self.backend.spv_imported_until, today - timedelta(days=2))
        with trap_jobs() as trap:
            self.env["smartbill.backend"]._cron_import_spv()
            self.assertEqual(
                [job.args[0] for job in trap.enqueued_jobs],
                [today - timedelta(days=1), today],
            )
        # yesterday and today are listed again even when done: their messages keep coming
        for offset in (1, 0):
            self.env["smartbill.spv.day"].record(self.backend, today - timedelta(offset), 0)
        with trap_jobs() as trap:
            self.env["smartbill.backend"]._cron_import_spv()
            trap.assert_jobs_count(2)
        cron = self.env.ref("connector_smartbill.cron_import_spv")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))


@tagged("post_install", "-at_install")
class TestPaymentStatus(RomanianCompanyCase):
    """Odoo's paid amounts follow SmartBill's /invoice/paymentstatus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.import_folder()

    def setUp(self):
        super().setUp()
        paid = {key: invoice["paid"] for key, invoice in self.dataset.invoices.items()}

        def restore():
            for key, amount in paid.items():
                self.dataset.invoices[key]["paid"] = amount

        self.addCleanup(restore)

    def sync(self, invoice):
        binding = self.binding(invoice["id"])
        binding.sync_payment_status()
        return binding

    def open_invoice(self, share, index=0):
        """The ``index``-th RON invoice (no credit note) SmartBill says paid by ``share``."""
        return [
            i
            for i in self.dataset.invoices.values()
            if i["kind"] == "invoice"
            and i["currency"] == "RON"
            and i["paid"] == (i["total"] * share).quantize(Decimal("0.01"))
            and not any(n["billingReference"] == i["id"] for n in self.dataset.invoices.values())
        ][index]

    def test_partial_then_full_payment(self):
        invoice = self.open_invoice(Decimal("0.5"))
        binding = self.sync(invoice)
        self.assertEqual(binding.payment_state, "partial")
        self.assertAlmostEqual(binding.amount_residual, float(invoice["total"] - invoice["paid"]))
        self.assertEqual(len(binding.payment_binding_ids), 1)
        self.assertIn(invoice["id"], binding.payment_binding_ids.memo)
        invoice["paid"] = invoice["total"]
        self.sync(invoice)
        self.assertIn(binding.payment_state, ("paid", "in_payment"))
        self.assertEqual(binding.amount_residual, 0)
        self.assertEqual(len(binding.payment_binding_ids), 2)
        self.sync(invoice)  # nothing changed in SmartBill: nothing booked
        self.assertEqual(len(binding.payment_binding_ids), 2)
        self.assertFalse(binding.payment_message)
        self.assertEqual(binding.smartbill_paid, float(invoice["total"]))

    def test_payment_deleted_in_smartbill_cancels_the_connector_payment(self):
        invoice = self.open_invoice(Decimal(1))
        binding = self.sync(invoice)
        self.assertIn(binding.payment_state, ("paid", "in_payment"))
        invoice["paid"] = Decimal(0)
        self.sync(invoice)
        self.assertEqual(binding.payment_state, "not_paid")
        self.assertEqual(binding.payment_binding_ids.state, "canceled")

    def test_payment_entered_in_odoo_is_left_alone_and_reported(self):
        invoice = self.open_invoice(Decimal(0))
        move = self.binding(invoice["id"]).odoo_id
        manual = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
            ._create_payments()
        )
        binding = self.sync(invoice)
        self.assertIn(manual.state, ("paid", "in_process"))
        self.assertFalse(binding.payment_binding_ids)
        self.assertEqual(
            binding.payment_message,
            f"SmartBill paid 0.00, Odoo {invoice['total']:.2f}: payments entered in Odoo are "
            "left as they are.",
        )
        self.assertEqual(self.backend.payment_mismatch_count, 1)

    def test_sync_queues_pages_of_open_invoices_newest_first(self):
        open_invoices = self.env["smartbill.account.move"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("move_type", "=", "out_invoice"),
                ("payment_state", "not in", ("paid", "in_payment", "reversed")),
            ]
        )
        with trap_jobs() as trap:
            self.backend._queue_sync("payments")
            jobs = trap.enqueued_jobs
        self.assertEqual(len(jobs), math.ceil(len(open_invoices) / PAGE_SIZE))
        self.assertEqual(sum((j.recordset for j in jobs), open_invoices.browse()), open_invoices)
        self.assertEqual({j.method_name for j in jobs}, {"sync_payment_statuses"})
        newest = max(open_invoices, key=lambda b: b.invoice_date)
        first = min(jobs, key=lambda j: j.priority)
        self.assertEqual(first.recordset[0].invoice_date, newest.invoice_date)
        # asked now: the button again within the re-check minutes asks none of them
        self.backend.payment_recheck_minutes = 60
        open_invoices.payment_checked_at = fields.Datetime.now()
        with trap_jobs() as trap:
            self.backend._queue_sync("payments")
            self.assertEqual(trap.enqueued_jobs, [])
            # a re-sync of a period asks every invoice of the period
            self.backend._queue_sync("payments", since=min(open_invoices.mapped("invoice_date")))
            asked = sum((j.recordset for j in trap.enqueued_jobs), open_invoices.browse())
        self.assertLessEqual(open_invoices, asked)
        self.assertEqual({j.channel for j in jobs}, {"root.smartbill"})

    def import_report(self, rows, filename="incasari.csv"):
        header = "Data;Document;Tip incasare;Valoare;Moneda;Facturi;Client"
        content = "\n".join([header, *rows]).encode()
        if filename.endswith(".xlsx"):
            workbook = openpyxl.Workbook()
            for row in [header, *rows]:
                workbook.active.append(row.split(";"))
            buffer = io.BytesIO()
            workbook.save(buffer)
            content = buffer.getvalue()
        wizard = self.env["smartbill.payment.report.wizard"].create(
            {
                "backend_id": self.backend.id,
                "report": base64.b64encode(content),
                "filename": filename,
            }
        )
        wizard.action_import()
        return wizard.result

    def test_report_books_receipts_in_cash_and_transfers_in_bank(self):
        first, second = [
            i
            for i in self.dataset.invoices.values()
            if i["kind"] == "invoice"
            and i["currency"] == "RON"
            and not i["paid"]
            and not any(n["billingReference"] == i["id"] for n in self.dataset.invoices.values())
        ][:2]
        amount = f"{first['total']:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        rows = [
            f"{first['issueDate']:%d.%m.%Y};Chitanta CHT 0012;Chitanta;{amount};RON;"
            f"{first['id']};Client",
            f"{second['issueDate']:%d.%m.%Y};OP 778;Ordin plata;{second['total']};RON;"
            f"{second['id']};Client",
        ]
        self.assertEqual(
            self.import_report(rows),
            "2 payments created, 0 payments of the status sync dated as the report says, 0 "
            "already imported.",
        )
        receipt = self.binding(first["id"]).payment_binding_ids
        self.assertEqual((receipt.x_smartbill_series, receipt.x_smartbill_number), ("CHT", "0012"))
        cash = self.env["account.journal"].search(
            [("type", "=", "cash"), ("company_id", "=", self.company.id)], limit=1
        )
        self.assertEqual(receipt.journal_id, cash or self.backend._payment_journal("bank"))
        self.assertEqual(receipt.source, "report")
        transfer = self.binding(second["id"]).payment_binding_ids
        self.assertEqual(transfer.journal_id.type, "bank")
        for invoice in (first, second):
            self.assertEqual(self.binding(invoice["id"]).amount_residual, 0)
        self.assertEqual(
            self.import_report(rows),
            "0 payments created, 0 payments of the status sync dated as the report says, 2 "
            "already imported.",
        )

    def test_status_sync_then_report_of_the_same_money_is_one_payment(self):
        invoice = self.open_invoice(Decimal("0.5"))
        binding = self.sync(invoice)
        status_payment = binding.payment_binding_ids
        # SmartBill's status has no date: the day the connector first saw it paid
        self.assertEqual(status_payment.date, fields.Date.context_today(status_payment))
        self.assertEqual(status_payment.date_source, "status")
        state = status_payment.state
        self.import_report(
            [
                f"{invoice['issueDate']:%d.%m.%Y};OP 12;Ordin plata;{invoice['paid']};RON;"
                f"{invoice['id']};Client"
            ]
        )
        # the report's row is that money: the same payment, dated the day it came
        self.assertEqual(binding.payment_binding_ids, status_payment)
        self.assertEqual(
            (status_payment.state, status_payment.date, status_payment.date_source),
            (state, invoice["issueDate"], "report"),
        )
        self.assertAlmostEqual(
            binding.amount_total - binding.amount_residual, float(invoice["paid"]), places=2
        )
        self.sync(invoice)  # SmartBill and Odoo agree: nothing more
        self.assertEqual(
            len(binding.payment_binding_ids.filtered(lambda p: p.state != "canceled")), 1
        )
        # a row of another amount is other money: the status payment gives way to it
        other = self.open_invoice(Decimal("0.5"), index=1)
        other_binding = self.sync(other)
        replaced = other_binding.payment_binding_ids
        self.import_report(
            [
                f"{other['issueDate']:%d.%m.%Y};OP 13;Ordin plata;{other['paid'] - 1};RON;"
                f"{other['id']};Client"
            ]
        )
        self.assertEqual(replaced.state, "canceled")
        live = other_binding.payment_binding_ids.filtered(lambda p: p.state != "canceled")
        self.assertEqual((live.source, live.amount), ("report", float(other["paid"] - 1)))

    def test_xlsx_report_and_unknown_invoice(self):
        invoice = self.open_invoice(Decimal(0))
        result = self.import_report(
            [
                f"{invoice['issueDate']:%Y-%m-%d};OP 1;Card;{invoice['total']};RON;"
                f"{invoice['id']};C",
                f"{invoice['issueDate']:%Y-%m-%d};OP 2;Card;10;RON;FCT9999;C",
            ],
            filename="incasari.xlsx",
        )
        self.assertEqual(
            result,
            "1 payments created, 0 payments of the status sync dated as the report says, 0 "
            "already imported.\n"
            "Line 3: no imported invoice among FCT9999.",
        )


@tagged("post_install", "-at_install")
class TestBnrRates(SmartBillCase):
    """BNR's published rates into a RON company, HUF's multiplier included."""

    @classmethod
    def smartbill_company(cls):
        return cls.env["res.company"].create(
            {"name": "BNR RO SRL", "currency_id": cls.env.ref("base.RON").id}
        )

    def test_range_import_then_nothing_to_write(self):
        self.backend.bnr_url = self.sim.url.removesuffix("/SBORO/api")
        for code in ("EUR", "USD", "HUF"):
            self.env.ref(f"base.{code}").active = True
        since, until = date(2026, 11, 2), date(2026, 11, 13)  # two working weeks
        result = self.backend.import_bnr_rates(since, until)
        self.assertTrue(result.startswith("30 BNR rates written"), result)
        rates = self.env["res.currency.rate"].search(
            [("company_id", "=", self.company.id), ("name", ">=", since), ("name", "<=", until)]
        )
        self.assertEqual(len(rates), 30)  # 10 working days x EUR, USD, HUF
        eur = rates.filtered(lambda r: r.currency_id.name == "EUR" and r.name == since)
        offset = since.toordinal() % 97 / 10000
        self.assertAlmostEqual(eur.inverse_company_rate, 4.97 + offset, places=6)
        huf = rates.filtered(lambda r: r.currency_id.name == "HUF" and r.name == since)
        self.assertAlmostEqual(huf.inverse_company_rate, (1.25 + offset) / 100, places=8)
        self.assertEqual(
            self.env.ref("base.EUR")
            .with_company(self.company)
            ._get_rates(self.company, since)[self.env.ref("base.EUR").id],
            eur.rate,
        )
        again = self.backend.import_bnr_rates(since, until)
        self.assertTrue(again.startswith("0 BNR rates written"), again)
