# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Real e-Factura documents, booked as an accountant reads them.

The files are public ones (``tests/fixtures/efactura``, each source named in its
README): real SPV zips and test files of OCA's l10n-romania, and Odoo's l10n_ro_edi test
files. Each runs through what the ``smartbill_import`` command runs, on a new Romanian
company (l10n_ro's chart, round globally) and a backend with only its CIF and company:
no VAT row is touched. A few documents are derived from them at test time, each change
named where it is made, for the edge cases real archives have.
"""

import io
import re
import zipfile

from lxml import etree

from odoo import Command
from odoo.tests import TransactionCase, tagged

from ..api.schemas import Tax
from .common import REPO

FIXTURES = REPO / "tests" / "fixtures" / "efactura"

# what a raw database error says: no reason a person reads may carry it
DATABASE_WORDING = re.compile(
    r"psycopg|UniqueViolation|IntegrityError|duplicate key|violates \S+ constraint|"
    r"current transaction is aborted|\bSQL\b|\bpg_|relation \"|_unique_name\b|DETAIL:",
    re.IGNORECASE,
)


def fixture(name):
    return (FIXTURES / name).read_bytes()


def unzipped(name):
    """The invoice XML of an SPV zip of the fixtures."""
    with zipfile.ZipFile(io.BytesIO(fixture(name))) as archive:
        (member,) = (n for n in archive.namelist() if not n.startswith("semnatura"))
        return archive.read(member)


class RomanianBackendCase(TransactionCase):
    """Backends of new Romanian companies (l10n_ro's chart, round globally), each with
    only its CIF and company, as a new user makes them."""

    def setUp(self):
        super().setUp()
        self.backends = {}
        self.addCleanup(self.assert_no_database_wording)

    def assert_no_database_wording(self):
        """Every reason the test produced (documents, bindings, sync runs' failed
        records) is in words, never a raw database error."""
        reasons = [
            *self.env["smartbill.document"].search([]).mapped("message"),
            *self.env["connector.sync.run.failure"].search([]).mapped("message"),
            *(
                message
                for binding in self.env["smartbill.account.move"].search([])
                for message in (
                    binding.totals_message,
                    binding.review_message,
                    binding.stated_vat_message,
                )
            ),
        ]
        raw = [reason for reason in reasons if reason and DATABASE_WORDING.search(reason)]
        self.assertFalse(raw, "reasons carrying a raw database error")

    def backend(self, cif):
        """The backend of a new Romanian company with CIF ``cif``: only CIF and company."""
        if cif not in self.backends:
            company = (
                self.env["res.company"]
                .with_context(install_mode=True)
                .create(
                    {
                        "name": f"Company {cif}",
                        "country_id": self.env.ref("base.ro").id,
                        "currency_id": self.env.ref("base.RON").id,
                        "vat": cif,
                    }
                )
            )
            self.env["account.chart.template"].try_loading("ro", company, install_demo=False)
            company.tax_calculation_rounding_method = "round_globally"
            self.backends[cif] = self.env["smartbill.backend"].create(
                {"company_id": company.id, "company_vat_code": cif}
            )
        return self.backends[cif]

    def import_files(self, cif, *files):
        """``files``: fixture names, or ``(name, content)`` pairs; the command's entries."""
        pairs = [(f, fixture(f)) if isinstance(f, str) else f for f in files]
        backend = self.backend(cif)
        entries = self.env["smartbill.document"].import_files_now(
            backend.with_company(backend.company_id), pairs
        )
        texts = [entry.get("error") or "" for entry in entries] + [
            document["message"] or "" for entry in entries for document in entry["documents"]
        ]
        self.assertFalse([t for t in texts if DATABASE_WORDING.search(t)], entries)
        return entries


@tagged("post_install", "-at_install")
class TestRealDocuments(RomanianBackendCase):
    def booked(self, entry):
        """The one document of an entry, imported, and its move."""
        (document,) = entry["documents"]
        self.assertEqual((document["state"], document["message"]), ("imported", None))
        (move,) = document["moves"]
        if move["state"] != "posted":  # say why in the failure
            binding = self.env["smartbill.account.move"].search(
                [
                    ("name", "=", move["name"]),
                    ("backend_id", "in", [b.id for b in self.backends.values()]),
                ]
            )
            move = {**move, "why": binding.mapped("totals_message")}
        return move

    def binding(self, cif, name):
        """The binding of the move named ``name`` of the backend of ``cif``."""
        return self.env["smartbill.account.move"].search(
            [("name", "=", name), ("backend_id", "=", self.backend(cif).id)]
        )

    def move(self, cif, move):
        """The account.move of ``move`` (an entry's) in the company of ``cif``."""
        company = self.backend(cif).company_id
        return self.env["account.move"].search(
            [("name", "=", move["name"]), ("company_id", "=", company.id)]
        )

    def assert_amounts(self, move, untaxed, tax, total, tax_signed=None):
        self.assertEqual(
            (move["amount_untaxed"], move["amount_tax"], move["amount_total"]),
            (untaxed, tax, total),
        )
        if tax_signed is not None:
            self.assertEqual(move["amount_tax_signed"], tax_signed)

    def templates(self, move):
        return {tax["template"] for line in move["lines"] for tax in line["taxes"]}

    # -- bills and invoices, exact ---------------------------------------------------------
    def test_spv_bills_posted_exact_and_again_nothing(self):
        cases = [
            # (CIF of the buyer, SPV zip, supplier's number, untaxed, VAT, total)
            ("RO9731314", "oca_4186086961.zip", "GRS1913049", 309.57, 58.82, 368.39),
            ("RO34581625", "oca_5004879752.zip", "INV/2023/00029", 1000.0, 190.0, 1190.0),
            ("RO2816464", "oca_5004111924.zip", "RCHIM/054914", 20.0, 3.8, 23.8),
            ("RO23685159", "oca_5004552043.zip", "ETTS/2023 /000130", 3964.8, 753.31, 4718.11),
        ]
        for cif, name, number, untaxed, tax, total in cases:
            (entry,) = self.import_files(cif, name)
            move = self.booked(entry)
            self.assertEqual((move["move_type"], move["state"]), ("in_invoice", "posted"), move)
            self.assert_amounts(move, untaxed, tax, total, -tax)
            # a bill keeps Odoo's numbering; the supplier's number is its reference
            bill = self.move(cif, move)
            self.assertEqual(bill.ref, number)
            self.assertNotEqual(bill.name, number)
            self.assertEqual(self.templates(move), {"tvad_19"})  # 19 % before Aug 2025
            moves = self.env["account.move"].search_count([])
            self.assertEqual(self.import_files(cif, name), [entry])  # again: nothing new
            self.assertEqual(self.env["account.move"].search_count([]), moves)

    def test_customer_invoices_named_with_their_legal_numbers(self):
        entries = self.import_files(
            "RO30834857", "oca_invoice.xml", "oca_credit_note.xml", "oca_invoice_discount.xml"
        )
        moves = [self.booked(entry) for entry in entries]
        self.assertEqual(
            [(m["name"], m["move_type"], m["state"]) for m in moves],
            [
                ("FBRAO2092", "out_invoice", "posted"),
                ("FBRAO2093", "out_invoice", "posted"),
                ("FBRAO2094", "out_invoice", "posted"),
            ],
        )
        self.assert_amounts(moves[0], 10000.0, 1900.0, 11900.0, 1900.0)
        self.assert_amounts(moves[2], 9000.0, 1710.0, 10710.0)
        self.assertEqual(self.templates(moves[0]), {"tvac_19"})
        company = self.backend("RO30834857").company_id
        invoices = self.env["account.move"].search(
            [("name", "like", "FBRAO%"), ("company_id", "=", company.id)]
        )
        self.assertEqual(set(invoices.mapped("payment_reference")), set(invoices.mapped("name")))
        journal = invoices.journal_id
        self.assertEqual((len(journal), journal.code, journal.type), (1, "FBRAO", "sale"))
        # an invoice a person makes in the company's sale journal keeps Odoo's numbering
        partner = invoices.partner_id[:1]
        manual = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 100})
                ],
            }
        )
        manual.action_post()
        self.assertNotEqual(manual.journal_id, journal)
        self.assertTrue(manual.name.startswith("INV/"), manual.name)

    def numbered(self, number, type_code="380"):
        """oca_invoice.xml (FBRAO2092, issued 2022-09-01) numbered ``number``, of type
        ``type_code``: derived, for the numbers Romanian issuers print."""
        return (
            fixture("oca_invoice.xml")
            .replace(b"<cbc:ID>FBRAO2092</cbc:ID>", f"<cbc:ID>{number}</cbc:ID>".encode(), 1)
            .replace(b"<cbc:InvoiceTypeCode>380<", f"<cbc:InvoiceTypeCode>{type_code}<".encode())
        )

    def test_every_shape_of_legal_number_names_its_invoice(self):
        shapes = [
            # (legal number, series, number)
            ("12345", "", "12345"),  # digits only
            ("00042", "", "00042"),  # digits only, a leading zero
            ("FCT-0023", "FCT", "0023"),  # a series with a dash
            ("FCT 0024", "FCT", "0024"),  # a series with a space
            ("ABC0007", "ABC", "0007"),  # letters then a leading-zero number
            ("2021-0042", "2021", "0042"),  # a year prefix, issued in 2022
            ("0023A", "", "0023A"),  # no series that can be split off
        ]
        entries = self.import_files(
            "RO30834857", *((f"{n}.xml", self.numbered(n)) for n, _s, _n in shapes)
        )
        for (number, series, digits), entry in zip(shapes, entries, strict=True):
            move = self.booked(entry)
            self.assertEqual((move["name"], move["state"]), (number, "posted"), number)
            self.assert_amounts(move, 10000.0, 1900.0, 11900.0)
            invoice = self.move("RO30834857", move)
            self.assertEqual(
                (invoice.x_smartbill_series, invoice.x_smartbill_number, invoice.payment_reference),
                (series, digits, number),
            )
        # the numbers without series letters share a journal of their own
        journals = self.env["account.move"].search([("name", "in", ["12345", "00042"])]).journal_id
        self.assertEqual(journals.mapped("name"), ["SmartBill series Fara serie"])

    def test_invoice_and_credit_note_numbered_alike_are_both_booked(self):
        invoice, note = self.import_files(
            "RO30834857",
            ("invoice.xml", self.numbered("FBRAO2092")),
            ("note.xml", self.numbered("FBRAO2092", "381")),  # derived: a credit note
        )
        invoice, note = self.booked(invoice), self.booked(note)
        self.assertEqual(
            [(m["name"], m["move_type"], m["state"]) for m in (invoice, note)],
            [("FBRAO2092", "out_invoice", "posted"), ("FBRAO2092", "out_refund", "posted")],
        )
        self.assert_amounts(note, 10000.0, 1900.0, 11900.0, -1900.0)
        moves = self.backend("RO30834857").document_ids.move_id
        self.assertEqual(
            sorted(moves.journal_id.mapped("name")),
            ["SmartBill series FBRAO", "SmartBill series FBRAO (second)"],
        )
        # again: the same two moves, nothing new
        before = self.env["account.move"].search_count([])
        self.import_files(
            "RO30834857",
            ("invoice.xml", self.numbered("FBRAO2092")),
            ("note.xml", self.numbered("FBRAO2092", "381")),
        )
        self.assertEqual(self.env["account.move"].search_count([]), before)

    def test_number_a_person_took_in_the_series_journal_is_refused_in_words(self):
        (entry,) = self.import_files("RO30834857", ("invoice.xml", self.numbered("FBRAO2092")))
        first = self.move("RO30834857", self.booked(entry))
        # a person posts an invoice in the series' journal: Odoo numbers it FBRAO2093
        manual = first.copy({"invoice_date": first.invoice_date})
        manual.action_post()
        self.assertEqual(manual.name, "FBRAO2093")
        (entry,) = self.import_files("RO30834857", ("next.xml", self.numbered("FBRAO2093")))
        (document,) = entry["documents"]
        self.assertEqual((document["state"], document["moves"]), ("failed", []))
        self.assertEqual(
            document["message"],
            "Document FBRAO2093 cannot be booked under its legal number: Invoice of "
            f"{manual.partner_id.display_name}, dated 2022-09-01, total 11900.00 RON, "
            f"already has the number FBRAO2093 in the journal {first.journal_id.display_name}.",
        )
        # the failed document changed nothing that was booked
        self.assertEqual((first.state, first.amount_total), ("posted", 11900.0))
        self.assertEqual(manual.state, "posted")

    def test_odoo_l10n_ro_edi_files(self):
        invoice, refund, bill = (
            self.booked(entry)
            for entry in self.import_files(
                "RO1234567897",
                "odoo_ciusro_out_invoice.xml",
                "odoo_ciusro_out_refund.xml",
                "odoo_ciusro_in_invoice.xml",
            )
        )
        self.assertEqual((invoice["name"], invoice["state"]), ("INV/2017/00001", "posted"))
        self.assert_amounts(invoice, 1500.0, 285.0, 1785.0, 285.0)
        self.assertEqual((refund["name"], refund["move_type"]), ("RINV/2017/00001", "out_refund"))
        self.assert_amounts(refund, 1500.0, 285.0, 1785.0, -285.0)
        self.assertEqual((bill["move_type"], bill["state"]), ("in_invoice", "posted"))
        self.assert_amounts(bill, 1500.0, 285.0, 1785.0)
        # the same legal number in another file with other amounts: flagged, not booked
        other = fixture("odoo_ciusro_out_invoice.xml").replace(b"1785.00<", b"1785.01<")
        (entry,) = self.import_files("RO1234567897", ("other.xml", other))
        self.assertEqual(self.booked(entry)["amount_total"], 1785.0)
        binding = self.binding("RO1234567897", "INV/2017/00001")
        self.assertIn("brings other content", binding.review_message)
        self.assertIn("total: in Odoo 1785.00, in the document 1785.01", binding.review_message)

    def test_foreign_invoice_keeps_its_ron_vat(self):
        (entry,) = self.import_files(
            "RO1234567897", "odoo_ciusro_out_invoice_different_currency.xml"
        )
        move = self.booked(entry)
        self.assertEqual((move["currency"], move["state"]), ("USD", "posted"))
        self.assert_amounts(move, 1500.0, 285.0, 1785.0, 142.5)

    def test_private_buyer_placeholder_cnp_is_not_stored(self):
        (entry,) = self.import_files("RO1234567897", "odoo_ciusro_out_invoice_no_prefix_vat.xml")
        move = self.move("RO1234567897", self.booked(entry))
        self.assertFalse(move.partner_id.vat)
        self.assertFalse(move.partner_id.company_registry)

    # -- what real documents also bring ----------------------------------------------------
    def test_anaf_refusal_uploaded_by_hand_shows_anaf_reason(self):
        (entry,) = self.import_files("RO30834857", "oca_3828.zip")
        (document,) = entry["documents"]
        self.assertEqual(document["state"], "failed")
        self.assertEqual(
            document["message"],
            "ANAF refused the invoice uploaded as 3828: E: validari globale eroare regula: "
            "R6.1: CIF-ul vanzatorului nu figureaza in baza de date:6443019833",
        )

    def test_invoice_and_credit_note_with_one_number_are_two_documents(self):
        bill = fixture("oca_invoice_in.xml")
        # derived: the supplier's credit note numbered as its invoice (type 381)
        note = bill.replace(b"<cbc:InvoiceTypeCode>389<", b"<cbc:InvoiceTypeCode>381<")
        entries = self.import_files("RO30834857", ("bill.xml", bill), ("note.xml", note))
        first, second = (self.booked(entry) for entry in entries)
        self.assertEqual((first["move_type"], second["move_type"]), ("in_invoice", "in_refund"))
        self.assertNotEqual(first["name"], second["name"])
        documents = self.backend("RO30834857").document_ids
        self.assertEqual(len(documents.move_id), 2)
        self.assertEqual(
            set(documents.move_id.mapped("smartbill_bind_ids.external_id")),
            {"RO39187746/FBRAO2094", "RO39187746/FBRAO2094/381"},
        )

    def test_signed_copy_or_redownload_flags_nothing(self):
        (entry,) = self.import_files("RO34581625", "oca_5004879752.zip")
        move = self.booked(entry)
        # the same invoice in other bytes: indented, as another download gives it
        tree = etree.fromstring(unzipped("oca_5004879752.zip"))
        etree.indent(tree)
        copy = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
        (again,) = self.import_files("RO34581625", ("5004879752-copy.xml", copy))
        self.assertEqual(self.booked(again), move)
        binding = self.binding("RO34581625", move["name"])
        self.assertFalse(binding.review_message)
        self.assertEqual(len(self.backend("RO34581625").document_ids), 2)

    def test_stated_vat_is_booked_with_the_difference_listed(self):
        # derived: VAT 1,900.02 where 19 % of 10,000.00 is 1,900.00 (a few bani apart, as
        # some real documents are)
        content = (
            fixture("oca_invoice.xml")
            .replace(b">1900.00<", b">1900.02<")
            .replace(b">11900.00<", b">11900.02<")
        )
        (entry,) = self.import_files("RO30834857", ("stated.xml", content))
        move = self.booked(entry)
        self.assertEqual(move["state"], "posted", move)
        self.assert_amounts(move, 10000.0, 1900.02, 11900.02, 1900.02)
        binding = self.binding("RO30834857", "FBRAO2092")
        self.assertEqual(
            binding.stated_vat_message,
            "VAT S 19 %: rate x base 1900.00, the document states 1900.02 (+0.02): booked "
            "as stated",
        )
        self.assertEqual(binding.backend_id.stated_vat_count, 1)
        # the backend may keep such documents in draft instead
        binding.backend_id.book_stated_vat = False
        other = content.replace(b"FBRAO2092", b"FBRAO2099")
        (entry,) = self.import_files("RO30834857", ("other.xml", other))
        kept = self.binding("RO30834857", "FBRAO2099")
        self.assertEqual((kept.state, kept.totals_state), ("draft", "mismatch"))
        self.assertIn("VAT: Odoo 1900.00, e-Factura 1900.02", kept.totals_message)

    def test_iban_that_fails_odoos_check_makes_no_bank_account(self):
        # derived: the supplier's IBAN written "test"
        content = fixture("oca_invoice_in.xml").replace(b"RO75TREZ0615069XXX001573", b"test")
        (entry,) = self.import_files("RO30834857", ("iban.xml", content))
        bill = self.move("RO30834857", self.booked(entry))
        self.assertFalse(bill.partner_bank_id)
        self.assertFalse(bill.partner_id.bank_ids)

    def test_unit_odoo_has_not_is_booked_in_units_with_its_code(self):
        # derived: a UN/ECE unit code Odoo has no unit of
        content = fixture("oca_invoice.xml").replace(b'unitCode="C62"', b'unitCode="KWH"')
        (entry,) = self.import_files("RO30834857", ("kwh.xml", content))
        move = self.booked(entry)
        self.assertEqual(move["state"], "posted")
        self.assert_amounts(move, 10000.0, 1900.0, 11900.0)
        self.assertTrue(all(line["name"].endswith("[KWH]") for line in move["lines"]))

    # -- the VAT mapping nobody fills --------------------------------------------------------
    def test_vat_mapping_prefilled_from_the_chart_templates(self):
        backend = self.backend("RO30834857")
        company = backend.company_id
        rows = {
            (row.name, row.category, row.percentage, row.vat_included, row.date_from): row
            for row in backend.tax_map_ids
        }

        def template(tax):
            return tax.get_external_id()[tax.id].split(f".{company.id}_")[1]

        since = backend.tax_map_ids.filtered("date_from")[:1].date_from
        expected = {
            ("Normala", "S", 21.0, False, since): ("tvac_21", "tvad_21"),
            ("Normala", "S", 21.0, True, since): ("tvac_21_incl", "tvad_21"),
            ("Redusa", "S", 11.0, False, since): ("tvac_11", "tvad_11"),
            ("Normala", "S", 19.0, False, False): ("tvac_19", "tvad_19"),
            ("Redusa locuinte", "S", 5.0, False, False): ("tvac_05", "tvad_05"),
            ("Taxare inversa", "AE", 0.0, False, since): ("tvati", "tvatip21"),
            ("Taxare inversa", "AE", 0.0, False, False): ("tvati", "tvatip19"),
            ("SDD", "Z", 0.0, False, False): ("tvatiscded", "tvatiscdeda"),
            ("SFDD", "E", 0.0, False, False): ("tvatiscnoded", "tvatiscdeda"),
            ("Intracomunitar", "K", 0.0, False, since): ("tvati_intrab", "tvati_intrap21b"),
            ("Export", "G", 0.0, False, False): ("tvati_extra", "tvati_extrap0b"),
            ("Neimpozabil", "O", 0.0, False, False): ("tvatine", "tvatinea"),
        }
        for key, (sale, purchase) in expected.items():
            row = rows[key]
            taxes = (template(row.sale_tax_id), template(row.purchase_tax_id))
            self.assertEqual(taxes, (sale, purchase), key)
        self.assertEqual(rows[("Normala", "S", 21.0, True, since)].sale_tax_id.price_include, True)
        self.assertFalse(backend.tax_map_ids.filtered(lambda r: not r.sale_tax_id))
        # a rate SmartBill adds gets its taxes; one whose name does not tell its category
        # stays empty and says why
        self.env["smartbill.tax.map"].prefill(
            backend, [Tax(name="TVA 21", percentage=21), Tax(name="Alta", percentage=0)]
        )
        new = backend.tax_map_ids.filtered(
            lambda r: r.name in ("TVA 21", "Alta") and not r.vat_included
        )
        by_name = {row.name: row for row in new}
        self.assertEqual(template(by_name["TVA 21"].sale_tax_id), "tvac_21")
        self.assertFalse(by_name["Alta"].sale_tax_id)
        self.assertEqual(by_name["Alta"].note, "The name does not tell the VAT category.")
