# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invoices booked as FreshBooks states them, made through the simulator's API the way a
FreshBooks user makes them: a discount, the same invoice under per-line and per-invoice
tax rounding (under both of Odoo's rounding methods), two taxes with a compound one,
negative and zero-rated lines, a foreign currency with and without a rate for its date,
FreshBooks' number as the move's name, a fractional quantity kept, and a total that no
rounding explains refused with its cause."""

from decimal import Decimal

from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_accounting_base.tests.common import run_stored_jobs

from .common import RATES, FreshBooksHarness


def line(qty, unit, *taxes, compounded=False, name="Work"):
    values = {"name": name, "qty": qty, "unit_cost": {"amount": unit}}
    for slot, (tax, rate) in enumerate(taxes, start=1):
        values[f"taxName{slot}"], values[f"taxAmount{slot}"] = tax, rate
    if compounded:
        values["compounded_tax"] = True
    return values


@tagged("post_install", "-at_install")
class TestExact(FreshBooksHarness, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_business()
        cls.taxes["ST"] = cls.taxes["GST"].copy({"name": "ST 6.25%", "amount": 6.25})
        cls.taxes["ZR"] = cls.taxes["GST"].copy({"name": "ZR 0%", "amount": 0.0})
        cls.backend = cls.connected_backend(cls.company)
        cls.client = next(c for c in cls.sim.data.clients.values() if c["currency_code"] == "USD")

    def setUp(self):
        super().setUp()
        self.restore_business_after_test()

    def invoice(self, lines, **values):
        """An invoice made through the simulator's API path, sent."""
        record, _events = self.sim.create(
            "invoice",
            {
                "customerid": self.client["id"],
                "currency_code": "USD",
                "create_date": "2026-11-03",
                "lines": lines,
                "action_mark_as_sent": True,
                **values,
            },
        )
        return record

    def book(self, record):
        """``record`` imported through its job: the binding (failed jobs stay failed)."""
        self.env["freshbooks.account.move"].with_delay().import_record(
            self.backend, str(record["id"])
        )
        run_stored_jobs(self.env, "root.freshbooks")
        return self.env["freshbooks.account.move"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", str(record["id"]))]
        )

    def failure(self, record):
        job = self.env["queue.job"].search(
            [("func_string", "like", f"'{record['id']}'"), ("state", "=", "failed")], limit=1
        )
        return job.exc_info or ""

    def assert_booked_as_stated(self, binding, record):
        move = binding.odoo_id
        self.assertTrue(move, self.failure(record))
        self.assertEqual(move.state, "posted")
        stated = (record["_untaxed"], record["_tax"], Decimal(record["amount"]["amount"]))
        booked = tuple(
            Decimal(str(v)).quantize(Decimal("0.01"))
            for v in (move.amount_untaxed, move.amount_tax, move.amount_total)
        )
        self.assertEqual(booked, stated)
        return move

    # -- tests ------------------------------------------------------------------------------
    def test_a_discount_is_booked_as_discount_lines_with_their_tax(self):
        record = self.invoice([line("1", "59.85", ("ST", "6.25"))], discount_value="10")
        self.assertEqual(record["amount"]["amount"], "57.23")
        move = self.assert_booked_as_stated(self.book(record), record)
        discount = move.invoice_line_ids.filtered(lambda ml: ml.price_unit < 0)
        self.assertEqual(discount.name, "Discount 10 % (ST)")
        self.assertEqual((discount.price_subtotal, discount.tax_ids), (-5.99, self.taxes["ST"]))
        self.assertEqual((move.amount_untaxed, move.amount_tax), (53.86, 3.37))

    def test_either_rounding_of_freshbooks_is_booked_exact_under_either_of_odoo(self):
        for odoo_rounding in ("round_per_line", "round_globally"):
            self.company.tax_calculation_rounding_method = odoo_rounding
            for rounding, total in (("invoice", "1.10"), ("line", "1.12")):
                with self.subTest(odoo=odoo_rounding, freshbooks=rounding):
                    self.sim.data.rounding = rounding
                    record = self.invoice([line("1", "0.15", ("GST", "5"))] * 7)
                    self.assertEqual(record["amount"]["amount"], total)
                    self.assert_booked_as_stated(self.book(record), record)

    def test_two_taxes_with_a_compound_one_negative_and_zero_rated_lines(self):
        self.sim.data.rounding = "invoice"
        record = self.invoice(
            [
                line("1", "100.00", ("GST", "5"), ("PST", "7"), compounded=True),
                line("3", "10.10", ("GST", "5"), ("PST", "7")),
                line("1", "-12.50", ("GST", "5"), name="Returned part"),
                line("4", "2.50", ("ZR", "0")),
            ],
            discount_value="5",
        )
        move = self.assert_booked_as_stated(self.book(record), record)
        pst = move.line_ids.filtered(lambda ml: ml.tax_line_id == self.taxes["PST"])
        # PST compounded on 95.00 + 4.75 GST, plus 7 % of 28.785: 6.9825 + 2.01495
        self.assertEqual(pst.amount_currency, -9.0)

    def test_a_fractional_quantity_and_a_four_decimal_unit_cost_stay_as_stated(self):
        record = self.invoice([line("2.75", "112.3456", ("GST", "5")), line("0.5", "44.21")])
        move = self.assert_booked_as_stated(self.book(record), record)
        first, second = move.invoice_line_ids
        self.assertEqual(
            (first.quantity, first.price_unit, first.price_subtotal), (2.75, 112.3456, 308.95)
        )
        self.assertEqual(
            (second.quantity, second.price_unit, second.price_subtotal), (0.5, 44.21, 22.11)
        )

    def test_freshbooks_number_names_the_move_in_the_backend_journal(self):
        record = self.invoice([line("1", "10.00")], invoice_number="INV-2025-0042")
        move = self.assert_booked_as_stated(self.book(record), record)
        self.assertEqual(move.name, "INV-2025-0042")
        self.assertEqual(move.journal_id, self.backend.invoice_journal_id)
        self.assertEqual(move.journal_id.freshbooks_backend_id, self.backend)
        # renumbered in FreshBooks: renamed
        self.sim.update("invoice", record["id"], {"invoice_number": "INV-2026-0001"})
        self.book(record)
        self.assertEqual((move.name, move.state), ("INV-2026-0001", "posted"))
        # another backend's number never meets this one's, nor Odoo's own sequence
        own = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": move.partner_id.id,
                "invoice_date": "2026-11-03",
                "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 1.0})],
            }
        )
        own.action_post()
        self.assertNotEqual(own.journal_id, move.journal_id)

    def test_a_foreign_currency_at_the_rate_of_its_date_never_at_one(self):
        eur = self.env.ref("base.EUR")
        record = self.invoice([line("1", "1725.85")], currency_code="EUR", create_date="2025-12-15")
        self.assertFalse(self.book(record))
        reason = self.failure(record)
        self.assertIn("is in EUR, and Odoo has no EUR rate on or before 2025-12-15", reason)
        self.assertIn("not booked at 1.0", reason)
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "name": "2025-12-01",
                "rate": 0.95,
                "company_id": self.company.id,
            }
        )
        move = self.assert_booked_as_stated(self.book(record), record)
        self.assertEqual(move.currency_id, eur)
        self.assertAlmostEqual(move.invoice_currency_rate, 0.95)
        self.assertEqual(move.amount_total_signed, round(1725.85 / 0.95, 2))
        gbp = self.invoice([line("2", "50.00")], currency_code="GBP")
        move = self.assert_booked_as_stated(self.book(gbp), gbp)
        self.assertAlmostEqual(move.invoice_currency_rate, RATES["GBP"])

    def test_a_total_no_rounding_explains_is_refused_with_its_cause(self):
        record = self.invoice([line("1", "10.00", ("GST", "5"))])
        record["amount"]["amount"] = "10.60"  # 0.60 of tax where 5 % of 10.00 is 0.50
        self.assertFalse(self.book(record))
        reason = self.failure(record)
        self.assertIn("FreshBooks invoice", reason)
        self.assertIn("0.60 of tax on 10.00 before tax", reason)
        self.assertIn("come to 0.50: the total does not add up", reason)
        self.assertNotIn("tax map", reason)

    def test_a_tax_mapped_to_another_rate_names_the_tax_map(self):
        record = self.invoice([line("1", "10.00", ("GST", "5"))])
        self.book(record)
        self.env["freshbooks.tax.map"].search(
            [("backend_id", "=", self.backend.id), ("name", "=", "GST")]
        ).tax_id = self.taxes["PST"]
        again = self.invoice([line("1", "20.00", ("GST", "5"))])
        self.assertFalse(self.book(again))
        self.assertIn("is mapped to the Odoo tax PST 7%", self.failure(again))
