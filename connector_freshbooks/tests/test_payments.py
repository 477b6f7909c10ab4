# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payments and credits as FreshBooks records them, made through the simulator's API:
each payment type in its journal, an overpayment leaving the client's credit (not an
invoice overpaid), a payment made from that credit booked as the credit applied (no money
that day), a credit note booked under its number and settling what FreshBooks says it
settles, and such a payment deleted undoing what it settled."""

from decimal import Decimal

from odoo.tests import TransactionCase, tagged

from .common import FreshBooksHarness


@tagged("post_install", "-at_install")
class TestPayments(FreshBooksHarness, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_business()
        cls.cash = cls.env["account.journal"].create(
            {"name": "Cash", "code": "CSH", "type": "cash", "company_id": cls.company.id}
        )
        cls.backend = cls.connected_backend(cls.company)
        cls.data = cls.sim.data
        cls.client = next(c for c in cls.data.clients.values() if c["currency_code"] == "USD")

    def setUp(self):
        super().setUp()
        self.restore_business_after_test()

    def invoice(self, unit="200.00"):
        record, _events = self.sim.create(
            "invoice",
            {
                "customerid": self.client["id"],
                "currency_code": "USD",
                "lines": [{"qty": 1, "unit_cost": unit, "taxName1": "GST", "taxAmount1": "5"}],
                "action_mark_as_sent": True,
            },
        )
        return record

    def pay(self, invoice, paid, **values):
        record, _events = self.sim.create(
            "payment", {"invoiceid": invoice["id"], "amount": {"amount": paid}, **values}
        )
        return record

    def move_of(self, model, record):
        return self.env[model].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", str(record["id"]))]
        )

    def test_payment_types_are_mapped_to_journals(self):
        types = self.backend.payment_type_ids
        self.assertIn("PayPal", types.mapped("name"))
        cash = types.filtered(lambda t: t.name == "Cash").journal_id
        self.assertEqual(cash, self.cash)
        paypal = self.env["account.journal"].create(
            {"name": "PayPal", "code": "PPL", "type": "bank", "company_id": self.company.id}
        )
        types.filtered(lambda t: t.name == "PayPal").journal_id = paypal
        first, second = self.invoice(), self.invoice()
        by_cash = self.pay(first, "210.00", type="Cash")
        by_paypal = self.pay(second, "100.00", type="PayPal")
        self.sync()
        self.assertEqual(self.move_of("freshbooks.account.payment", by_cash).journal_id, cash)
        self.assertEqual(self.move_of("freshbooks.account.payment", by_paypal).journal_id, paypal)

    def test_an_invoice_paid_twice_in_one_page_is_settled_by_both(self):
        invoice = self.invoice()  # 210.00
        first, second = self.pay(invoice, "80.00"), self.pay(invoice, "130.00")
        self.sync()
        move = self.move_of("freshbooks.account.move", invoice).odoo_id
        payments = self.move_of("freshbooks.account.payment", first) | self.move_of(
            "freshbooks.account.payment", second
        )
        self.assertEqual((move.payment_state, move.amount_residual), ("paid", 0.0))
        self.assertEqual(sorted(payments.mapped("amount")), [80.0, 130.0])
        self.assertEqual(move.matched_payment_ids, payments.odoo_id)
        received = payments.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(received.mapped("reconciled"), [True, True])

    def test_an_overpayment_leaves_a_credit_which_pays_another_invoice(self):
        first, second = self.invoice(), self.invoice("50.00")  # 210.00 and 52.50
        paid = self.pay(first, "250.00", type="Check")  # 40.00 over
        self.assertTrue(paid["overpaymentid"])
        runs = self.sync()
        move = self.move_of("freshbooks.account.move", first).odoo_id
        payment = self.move_of("freshbooks.account.payment", paid)
        self.assertEqual((move.payment_state, payment.amount), ("paid", 250.0))
        self.assertEqual(payment.overpayment_ref, str(paid["overpaymentid"]))
        open_credit = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(open_credit.amount_residual, -40.0)  # the client's credit
        credits_run = runs.filtered(lambda r: r.entity == "credit_notes")
        overpaid = self.move_of("freshbooks.credit.note", {"id": paid["overpaymentid"]})
        self.assertFalse(overpaid)  # not a credit note: the payment holds the money
        self.assertIn("1 skipped", credits_run.summary or credits_run.job_ids.mapped("result")[0])
        # FreshBooks applies that credit to the second invoice: no money that day
        from_credit = self.pay(second, "40.00", from_credit=True, creditid=paid["overpaymentid"])
        self.assertEqual(from_credit["type"], "Credit")
        self.sync()
        second_move = self.move_of("freshbooks.account.move", second).odoo_id
        self.assertEqual(
            (second_move.payment_state, second_move.amount_residual), ("partial", 12.5)
        )
        self.assertEqual(open_credit.amount_residual, 0.0)
        applied = self.move_of("freshbooks.credit.application", from_credit)
        self.assertEqual(
            (applied.odoo_id.journal_id.type, applied.applied_amount), ("general", 40.0)
        )
        self.assertFalse(
            self.env["account.payment"].search([("memo", "like", str(from_credit["id"]))])
        )
        # deleted in FreshBooks: the credit is the client's again
        self.sim.update("payment", from_credit["id"], {"vis_state": 1})
        self.sync()
        self.assertEqual(second_move.amount_residual, 52.5)
        self.assertEqual(open_credit.amount_residual, -40.0)
        self.assertFalse(applied.exists())

    def test_a_credit_note_is_booked_and_settles_what_freshbooks_says(self):
        credit, _events = self.sim.create(
            "credit_note",
            {
                "clientid": self.client["id"],
                "currency_code": "USD",
                "credit_type": "goodwill",
                "lines": [{"qty": 2, "unit_cost": "50.00", "taxName1": "GST", "taxAmount1": "5"}],
            },
        )
        invoice = self.invoice()
        self.sync()
        refund = self.move_of("freshbooks.credit.note", credit).odoo_id
        self.assertEqual(
            (refund.move_type, refund.name, refund.state, refund.amount_total),
            ("out_refund", credit["credit_number"], "posted", 105.0),
        )
        self.assertEqual(refund.journal_id, self.backend.credit_note_journal_id)
        self.pay(invoice, "60.00", from_credit=True, creditid=credit["id"])
        self.sync()
        move = self.move_of("freshbooks.account.move", invoice).odoo_id
        self.assertEqual(move.amount_residual, 150.0)
        self.assertEqual(refund.amount_residual, 45.0)  # FreshBooks applied 60 of 105
        self.assertEqual(
            Decimal(self.data.invoices[invoice["id"]]["outstanding"]["amount"]), Decimal("150.00")
        )
