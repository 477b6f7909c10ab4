# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The month-by-month reconciliation of SmartBill's documents with Odoo's moves."""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .test_invoices import RomanianCompanyCase


def month(invoice):
    return invoice["issueDate"].strftime("%Y-%m")


@tagged("post_install", "-at_install")
class TestReconciliation(RomanianCompanyCase):
    """Every invoice from the folder, and again from SPV with the bills received."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.import_folder()
        cls.backend.write(
            {
                "spv_base_url": cls.sim.url.replace("/SBORO/api", "/prod/FCTEL/rest"),
                "spv_test_mode": True,
                "spv_token": cls.dataset.spv_token,
            }
        )
        days = sorted({m["data_creare"][:8] for m in cls.dataset.spv_messages()})
        first, last = (date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in (days[0], days[-1]))
        with trap_jobs() as trap:
            cls.backend._queue_sync("spv", since=first, until=last)
            results, failures = cls.perform_all(trap)
        cls.spv_counts = Counter()
        for result in results:
            cls.spv_counts.update(getattr(result, "counts", {}))
        if failures:
            raise AssertionError(f"SPV import failed: {failures}")

    def test_spv_messages_of_files_the_folder_brought_are_unchanged(self):
        """The invoices SmartBill sent to SPV came from the folder first, byte for byte:
        their messages are not failures, and their documents learn their SPV message."""
        invoices, bills = len(self.dataset.invoices), len(self.dataset.bills)
        self.assertEqual(self.spv_counts["unchanged"], invoices)
        self.assertEqual(self.spv_counts["skipped"], 1)  # ANAF's refusal
        self.assertEqual(self.spv_counts["failed"], 0)
        self.assertEqual(self.spv_counts["read"], invoices + bills + 1)
        from_folder = self.backend.document_ids.filtered(lambda d: d.source == "url")
        self.assertEqual(len(from_folder), invoices)
        self.assertTrue(all(from_folder.mapped("spv_message_id")))

    def reconcile(self):
        self.backend.action_reconcile()
        return self.backend.reconciliation_ids

    def expected_sales(self):
        """{(month, series, currency): (count, signed total)} from SmartBill's data."""
        expected = defaultdict(lambda: [0, Decimal(0)])
        for invoice in self.dataset.invoices.values():
            sign = -1 if invoice["kind"] == "credit_note" or invoice["total"] < 0 else 1
            key = (month(invoice), invoice["series"], invoice["currency"])
            expected[key][0] += 1
            expected[key][1] += sign * abs(invoice["total"])
        return {key: (count, total) for key, (count, total) in expected.items()}

    def test_every_month_reconciled_with_smartbill_figures(self):
        rows = self.reconcile()
        self.assertEqual(set(rows.mapped("state")), {"reconciled"})
        self.assertEqual(self.backend.unreconciled_month_count, 0)
        sales = {
            (row.month_label, row.group_key, row.currency_id.name): (
                row.issued_count,
                Decimal(str(row.xml_total)).quantize(Decimal("0.01")),
            )
            for row in rows.filtered(lambda r: r.direction == "sale")
        }
        self.assertEqual(sales, self.expected_sales())
        for row in rows:
            self.assertEqual(row.issued_count, row.move_count)
            self.assertEqual(
                (row.total_difference, row.tax_difference, row.difference_count), (0, 0, 0)
            )
        bills = rows.filtered(lambda r: r.direction == "purchase")
        self.assertEqual(sum(bills.mapped("issued_count")), len(self.dataset.bills))
        self.assertAlmostEqual(
            sum(bills.mapped("xml_untaxed")),
            float(sum(bill["net"] for bill in self.dataset.bills.values())),
            places=2,
        )
        documents = self.backend.document_ids.filtered("reconciliation_id")
        self.assertEqual(
            set(documents.mapped("reconcile_state")), {"ok"}
        )  # folder and SPV brought the same bytes: one document each
        self.assertEqual(len(documents), len(self.dataset.invoices) + len(self.dataset.bills))

    def test_another_file_of_the_same_invoice_counts_once(self):
        self.reconcile()  # reads what each document states
        document = self.backend.document_ids.filtered(lambda d: d.direction == "sale")[0]
        copy = self.upload(f"copy-{document.name}", document.xml() + b"\n<!-- a copy -->\n")
        self.assertEqual((copy.state, copy.move_id), ("imported", document.move_id))
        rows = self.reconcile()
        self.assertEqual(set(rows.mapped("state")), {"reconciled"})
        self.assertEqual((document.reconcile_state, copy.reconcile_state), ("ok", "copy"))
        self.assertEqual(copy.reconciliation_id, document.reconciliation_id)

    def test_a_changed_posted_amount_turns_its_month_and_document_red(self):
        self.reconcile()
        invoice = next(
            i
            for i in self.dataset.invoices.values()
            if i["kind"] == "invoice" and i["currency"] == "RON" and len(i["lines"]) > 1
        )
        move = self.binding(invoice["id"]).odoo_id
        move.button_draft()
        line = move.invoice_line_ids.filtered("x_smartbill_line_id")[0]
        line.price_unit += 10
        move.action_post()
        rows = self.reconcile()
        red = rows.filtered(lambda r: r.state == "different")
        self.assertEqual(red.mapped("month_label"), [month(invoice)])
        self.assertEqual((red.group_key, red.difference_count), (invoice["series"], 1))
        added = Decimal(str(move.amount_total)) - invoice["total"]
        self.assertGreater(added, 10)
        self.assertAlmostEqual(red.total_difference, -float(added), places=2)
        self.assertEqual(self.backend.unreconciled_month_count, 1)
        action = red.action_open_differences()
        document = self.env["smartbill.document"].search(action["domain"])
        self.assertEqual(document.document_ref, invoice["id"])
        self.assertEqual(document.reconcile_state, "different")
        self.assertIn(
            f"total: SmartBill {invoice['total']:.2f}, Odoo {move.amount_total:.2f}",
            document.reconcile_message,
        )
        self.assertEqual(
            self.env["account.move"].search(red.action_open_moves()["domain"]) & move, move
        )

    def alone(self):
        """RON invoices with no credit note, by issue date."""
        notes = {n["billingReference"] for n in self.dataset.invoices.values()}
        return [
            i
            for i in self.dataset.invoices.values()
            if i["kind"] == "invoice" and i["currency"] == "RON" and i["id"] not in notes
        ]

    def test_a_payment_entered_only_in_odoo_is_a_paid_difference(self):
        invoice = next(i for i in self.alone() if not i["paid"])
        binding = self.binding(invoice["id"])
        binding.sync_payment_status()
        self.assertEqual(set(self.reconcile().mapped("state")), {"reconciled"})
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=binding.odoo_id.ids
        ).create({"amount": 50.0})._create_payments()
        red = self.reconcile().filtered(lambda r: r.state == "different")
        self.assertEqual((red.month_label, red.group_key), (month(invoice), invoice["series"]))
        self.assertEqual((red.smartbill_paid, red.odoo_paid, red.paid_difference), (0, 50, -50))

    def test_a_number_smartbill_knows_without_its_xml_is_counted_missing(self):
        """An invoice whose e-Factura never reached Odoo: the completeness check lists
        its number; the month of the number before it in the series is not reconciled."""
        invoices = self.alone()
        invoice = next(
            i
            for i in invoices
            if any(
                p["series"] == i["series"] and p["number"] < i["number"] and month(p) == month(i)
                for p in invoices
            )
        )
        move = self.binding(invoice["id"]).odoo_id
        move.button_draft()
        move.with_context(force_delete=True).unlink()
        self.backend.document_ids.filtered(lambda d: d.document_ref == invoice["id"]).unlink()
        series = self.backend.series_ids.filtered(lambda s: s.name == invoice["series"])
        gap = self.env["smartbill.series.gap"].create(
            {
                "backend_id": self.backend.id,
                "series_id": series.id,
                "number": invoice["number"],
                "state": "missing",
            }
        )
        red = self.reconcile().filtered(lambda r: r.state == "different")
        self.assertEqual((red.month_label, red.group_key), (month(invoice), invoice["series"]))
        self.assertEqual((red.missing_number_count, red.difference_count), (1, 1))
        self.assertEqual(red.issued_count - red.move_count, 1)
        self.assertEqual(
            self.env["smartbill.series.gap"].search(red.action_open_gaps()["domain"]), gap
        )

    def test_printable_summary(self):
        rows = self.reconcile()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("connector_smartbill.report_reconciliation", rows.ids)[0]
            .decode()
        )
        for month in set(rows.mapped("month_label")):
            self.assertIn(month, html)
        self.assertIn("reconciled", html)
        self.assertNotIn("differences</span>", html)
