# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients, invoices and payments from the FreshBooks simulator into a US company on the
generic chart, over HTTP, through the queue jobs and the sync runs: amounts to the cent
(two taxes on a line, a foreign currency, FreshBooks' rounding of each tax once per
invoice), drafts left unposted until sent, edits, deletions, a second run that creates
nothing, partners matched and never merged, a 429 storm with nothing lost."""

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_accounting_base.tests.common import run_stored_jobs

from ..models.freshbooks_binding.backend import EASTERN, eastern_minus
from .common import FreshBooksHarness, compute_totals, money, settle


@tagged("post_install", "-at_install")
class TestSync(FreshBooksHarness, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_business()
        # Odoo rounds each line's tax, FreshBooks each tax of an invoice once
        cls.company.tax_calculation_rounding_method = "round_per_line"
        cls.backend = cls.connected_backend(cls.company)
        cls.data = cls.sim.data

    def setUp(self):
        super().setUp()
        self.restore_business_after_test()

    # -- helpers ----------------------------------------------------------------------------
    def bindings(self, model):
        return self.env[model].search([("backend_id", "=", self.backend.id)])

    def move_of(self, invoice_id):
        binding = self.env["freshbooks.account.move"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", str(invoice_id))]
        )
        return binding.odoo_id

    def special_invoice(self):
        """Two lines of 10.10 CAD with GST 5 % (FreshBooks: 1.01 on 20.20, Odoo line by
        line: 0.51 + 0.51), the first one with PST 7 % too."""
        client = next(c for c in self.data.clients.values() if c["currency_code"] == "CAD")
        invoice = copy.deepcopy(next(iter(self.data.invoices.values())))
        invoice_id = self.data.new_id("invoice")
        line = {
            "invoiceid": invoice_id,
            "type": 0,
            "name": "Review",
            "qty": "1",
            "unit_cost": money(Decimal("10.10"), "CAD"),
            "amount": money(Decimal("10.10"), "CAD"),
        }
        invoice.update(
            id=invoice_id,
            invoiceid=invoice_id,
            invoice_number="9000001",
            customerid=client["id"],
            currency_code="CAD",
            status=2,
            v3_status="sent",
            vis_state=0,
            lines=[
                {
                    **line,
                    "lineid": 1,
                    "description": "Review A",
                    "taxName1": "GST",
                    "taxAmount1": "5",
                    "taxName2": "PST",
                    "taxAmount2": "7",
                },
                {
                    **line,
                    "lineid": 2,
                    "description": "Review B",
                    "taxName1": "GST",
                    "taxAmount1": "5",
                },
            ],
        )
        compute_totals(invoice)
        self.data.invoices[invoice_id] = invoice
        settle(self.data, invoice)
        return invoice

    # -- tests ------------------------------------------------------------------------------
    def test_load_is_exact_and_a_second_run_creates_nothing(self):
        special = self.special_invoice()
        runs = self.sync()
        self.assertEqual(runs.mapped("state"), ["done"] * 4, runs.mapped("summary"))
        bindings = self.env["freshbooks.account.move"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(bindings), len(self.data.invoices))
        self.assertEqual(len(self.bindings("freshbooks.res.partner")), len(self.data.clients))
        # each record names the run that wrote it; its Odoo record shows its FreshBooks side
        first = {run.entity: run for run in runs}
        self.assertEqual(bindings.sync_run_id, first["invoices"])
        self.assertEqual(self.bindings("freshbooks.account.payment").sync_run_id, first["payments"])
        paid = self.bindings("freshbooks.account.payment")[:1]
        self.assertEqual(paid.odoo_id.freshbooks_bind_ids, paid)
        for binding in bindings:
            invoice = self.data.invoices[int(binding.external_id)]
            move = binding.odoo_id
            self.assertEqual(move.state, "draft" if invoice["status"] == 1 else "posted")
            self.assertEqual(move.currency_id.name, invoice["currency_code"])
            self.assertEqual(f"{move.amount_total:.2f}", invoice["amount"]["amount"], move.ref)
            self.assertEqual(f"{move.amount_untaxed:.2f}", f"{invoice['_untaxed']:.2f}")
        move = self.move_of(special["id"])
        self.assertEqual(
            (move.currency_id.name, move.amount_untaxed, move.amount_tax, move.amount_total),
            ("CAD", 20.20, 1.72, 21.92),
        )
        gst = move.line_ids.filtered(lambda line: line.tax_line_id == self.taxes["GST"])
        self.assertEqual(gst.amount_currency, -1.01)
        self.assertTrue(move.line_ids[0].tax_ids)
        self.assertEqual(len(move.invoice_line_ids[0].tax_ids), 2)
        payments = self.env["freshbooks.account.payment"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(payments), len(self.data.payments))
        for binding in payments:
            paid = self.data.payments[int(binding.external_id)]
            invoice = self.data.invoices[paid["invoiceid"]]
            move = self.move_of(invoice["id"])
            self.assertEqual(f"{binding.amount:.2f}", paid["amount"]["amount"])
            expected = (
                "not_paid"
                if invoice["outstanding"]["amount"] == invoice["amount"]["amount"]
                else None
            )
            self.assertNotEqual(move.payment_state, expected)
            self.assertEqual(f"{move.amount_residual:.2f}", invoice["outstanding"]["amount"])
        # the same window again: everything read, nothing written
        moves_before = self.env["account.move"].search_count([])
        again = self.sync(since="2026-01-01")  # the whole window again
        records = len(self.data.clients) + len(self.data.invoices) + len(self.data.payments)
        self.assertEqual(sum(again.mapped("read_count")), records)
        self.assertEqual(sum(again.mapped("unchanged_count")), records)
        self.assertEqual(sum(again.mapped("created_count")), 0)
        self.assertEqual(sum(again.mapped("updated_count")), 0)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(bindings.sync_run_id, first["invoices"])  # unchanged: not rewritten
        self.assertEqual(
            self.backend._checkpoint("invoices"),
            max(i for i in (r.checkpoint for r in again if r.entity == "invoices") if i),
        )

    def test_a_page_created_together_books_its_neighbours_when_one_cannot_post(self):
        """A page's new invoices are created by one create; one that Odoo then refuses to
        post (a negative total) fails alone, with Odoo's reason, and its page's other
        invoices are booked."""
        negative = self.special_invoice()
        for line in negative["lines"]:
            line.update(
                unit_cost=money(Decimal("-10.10"), "CAD"), amount=money(Decimal("-10.10"), "CAD")
            )
            line.pop("taxName1"), line.pop("taxAmount1"), line.pop("taxName2", None)
        compute_totals(negative)
        sizes = []  # how many invoice bindings each create makes
        binding_class = type(self.env["freshbooks.account.move"])
        create = binding_class.create

        def counted(model, vals_list):
            sizes.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return create(model, vals_list)

        with patch.object(binding_class, "create", counted):
            runs = self.sync()
        self.assertGreater(max(sizes), 1)  # a page's invoices made by one create
        invoices_run = runs.filtered(lambda r: r.entity == "invoices")
        self.assertEqual(invoices_run.state, "failed")
        self.assertEqual(invoices_run.created_count, len(self.data.invoices) - 1)
        failure = invoices_run.failure_ids.filtered(lambda f: f.state == "failed")
        self.assertEqual(failure.reference, str(negative["id"]))
        self.assertIn("negative total amount", failure.message)
        self.assertFalse(self.move_of(negative["id"]))
        self.assertEqual(len(self.bindings("freshbooks.account.move")), len(self.data.invoices) - 1)

    def test_line_amounts_exact_when_odoo_rounds_globally(self):
        self.company.tax_calculation_rounding_method = "round_globally"
        special = self.special_invoice()
        half = {
            "qty": "0.5",
            "taxName1": "GST",
            "taxAmount1": "5",
            "taxName2": "",
            "taxAmount2": "0",
        }
        for unit_cost, line in zip(("147.21", "44.21"), special["lines"], strict=True):
            line.update(half, unit_cost=money(Decimal(unit_cost), "CAD"))
            line["amount"] = money(Decimal(unit_cost) / 2, "CAD")  # 73.61 and 22.11
        compute_totals(special)
        settle(self.data, special)
        self.sync()
        move = self.move_of(special["id"])
        self.assertEqual((move.amount_untaxed, move.amount_total), (95.72, 100.51))
        self.assertEqual(move.invoice_line_ids.mapped("price_subtotal"), [73.61, 22.11])
        # quantity and unit cost as FreshBooks states them, the amounts still exact
        self.assertEqual(move.invoice_line_ids.mapped("price_unit"), [147.21, 44.21])
        self.assertEqual(move.invoice_line_ids.mapped("quantity"), [0.5, 0.5])

    def test_draft_is_posted_when_sent_and_an_edit_is_taken(self):
        self.sync()
        draft = next(i for i in self.data.invoices.values() if i["status"] == 1)
        self.assertEqual(self.move_of(draft["id"]).state, "draft")
        self.sim.change("invoice", draft["id"], notify=False, status=2, v3_status="sent")
        self.sync()
        move = self.move_of(draft["id"])
        self.assertEqual(move.state, "posted")
        # FreshBooks edits the posted invoice: three of its first line
        lines = copy.deepcopy(draft["lines"])
        lines[0]["qty"] = "3"
        lines[0]["amount"] = money(
            Decimal(lines[0]["unit_cost"]["amount"]) * 3, draft["currency_code"]
        )
        self.data.invoices[draft["id"]]["lines"] = lines
        compute_totals(self.data.invoices[draft["id"]])
        settle(self.data, self.data.invoices[draft["id"]])
        self.sim.change("invoice", draft["id"], notify=False)
        runs = self.sync()
        move = self.move_of(draft["id"])
        self.assertEqual(move.state, "posted")
        self.assertEqual(
            f"{move.amount_total:.2f}", self.data.invoices[draft["id"]]["amount"]["amount"]
        )
        self.assertEqual(sum(r.updated_count for r in runs if r.entity == "invoices"), 1)

    def test_deleted_invoice_is_cancelled_and_deleted_payment_removed(self):
        self.sync()
        paid = next(p for p in self.data.payments.values())
        invoice = self.data.invoices[paid["invoiceid"]]
        move = self.move_of(invoice["id"])
        self.assertNotEqual(move.payment_state, "not_paid")
        self.sim.change("payment", paid["id"], notify=False, vis_state=1)
        self.sync()
        self.assertFalse(
            self.env["freshbooks.account.payment"].search([("external_id", "=", str(paid["id"]))])
        )
        self.assertEqual(move.payment_state, "not_paid")
        self.assertEqual(f"{move.amount_residual:.2f}", invoice["amount"]["amount"])
        self.sim.change("invoice", invoice["id"], notify=False, vis_state=1)
        self.sync()
        self.assertEqual(move.state, "cancel")

    def test_partners_matched_by_email_and_never_merged(self):
        first, second = list(self.data.clients.values())[:2]
        existing = self.env["res.partner"].create(
            {"name": "Known customer", "email": first["email"].upper()}
        )
        second["email"] = first["email"]  # two FreshBooks clients, one email
        self.sim.change("client", second["id"], notify=False)
        self.sync()
        bindings = self.env["freshbooks.res.partner"].search(
            [("external_id", "in", [str(first["id"]), str(second["id"])])], order="external_id"
        )
        self.assertEqual(bindings[0].odoo_id, existing)
        self.assertFalse(bindings[0].review_reason)
        self.assertNotEqual(bindings[1].odoo_id, existing)
        self.assertIn("same email", bindings[1].review_reason)
        self.assertEqual(existing.name, "Known customer")  # Odoo masters customers

    def test_unmapped_tax_fails_its_invoice_alone(self):
        self.taxes["VAT"].amount = 19.0  # no Odoo tax of 20 % left
        runs = self.sync()
        with_vat = [
            i
            for i in self.data.invoices.values()
            if any(line.get(f"taxName{s}") == "VAT" for line in i["lines"] for s in (1, 2))
        ]
        self.assertTrue(with_vat)
        invoices_run = runs.filtered(lambda r: r.entity == "invoices")
        self.assertEqual(invoices_run.state, "failed")
        failures = invoices_run.failure_ids.filtered(lambda f: f.state == "failed")
        self.assertEqual(len(failures), len(with_vat))
        self.assertIn("FreshBooks tax VAT at 20 % is not mapped", failures[0].message)
        self.assertEqual(
            self.env["freshbooks.account.move"].search_count(
                [("backend_id", "=", self.backend.id)]
            ),
            len(self.data.invoices) - len(with_vat),
        )
        # the checkpoint stays where it was: the next poll reads the failed page again
        self.assertFalse(self.backend._checkpoint("invoices"))

    def test_an_unreachable_freshbooks_is_said_so_on_the_backend_and_its_runs(self):
        self.sim.inject("503", times=1000)
        run = self.backend._queue_poll("clients")
        run_stored_jobs(self.env, "root.freshbooks", max_rounds=1, until_done=False)
        run.refresh_from_jobs()
        self.assertEqual((run.state, run.read_count, run.retrying_count), ("waiting", 0, 1))
        self.assertIn("FreshBooks has not answered since", self.backend.outage_message)
        self.assertIn("503", self.backend.outage_detail)
        self.sim.faults.clear()
        run_stored_jobs(self.env, "root.freshbooks")
        run.refresh_from_jobs()
        self.assertEqual(run.state, "done")
        self.backend.invalidate_recordset(["outage_message"])
        self.assertFalse(self.backend.outage_message)

    def test_a_429_storm_loses_nothing(self):
        self.sim.inject("429", path="/accounting/", times=6)
        runs = self.sync()
        self.assertEqual(runs.mapped("state"), ["done"] * 4)
        self.assertEqual(
            self.env["freshbooks.account.move"].search_count(
                [("backend_id", "=", self.backend.id)]
            ),
            len(self.data.invoices),
        )
        self.assertEqual([fault[2] for fault in self.sim.faults], [0])  # all six were met

    def test_customer_pushed_once_despite_a_lost_answer_and_kept_odoo_s(self):
        account = self.data.account_id
        self.sim.inject("lost", path=f"POST /accounting/account/{account}/users/clients")
        partner = self.env["res.partner"].create(
            {
                "name": "Odoo Only Ltd",
                "is_company": True,
                "email": "odoo-only@example.com",
                "city": "Boston",
                "company_id": self.company.id,
                "freshbooks_push": True,
            }
        )
        run_stored_jobs(self.env, "root.freshbooks")
        made = [c for c in self.data.clients.values() if c.get("email") == partner.email]
        self.assertEqual(len(made), 1)  # the answer was lost, the client made once
        self.assertEqual([fault[2] for fault in self.sim.faults], [0])
        binding = partner.freshbooks_bind_ids
        self.assertEqual(binding.external_id, str(made[0]["id"]))
        self.assertEqual((made[0]["organization"], made[0]["p_city"]), ("Odoo Only Ltd", "Boston"))
        # a change made in FreshBooks: the poll sees it, Odoo's value goes back, logged
        self.sim.change("client", made[0]["id"], notify=False, p_city="Paris")
        self.sync()
        self.assertEqual(partner.city, "Boston")
        self.assertEqual(self.data.clients[made[0]["id"]]["p_city"], "Boston")
        logged = partner.message_ids.filtered(lambda m: "overwritten" in (m.body or ""))
        self.assertIn("Paris → Boston", logged[:1].body)
        # a change in Odoo is pushed; the next poll finds nothing to do
        partner.phone = "+1 617 555 0100"
        run_stored_jobs(self.env, "root.freshbooks")
        self.assertEqual(self.data.clients[made[0]["id"]]["bus_phone"], "+1 617 555 0100")
        runs = self.sync()
        clients_run = runs.filtered(lambda r: r.entity == "clients")
        self.assertEqual((clients_run.updated_count, clients_run.created_count), (0, 0))

    def test_health_alerts(self):
        self.sync()
        self.env["freshbooks.webhook"].create(
            {"backend_id": self.backend.id, "callback_id": 1, "event": "invoice", "verified": True}
        )
        self.sim.change("invoice", next(iter(self.data.invoices)), notify=False, notes="edited")
        runs = self.sync()
        self.assertEqual(sum(runs.mapped("updated_count")), 1)
        self.backend.check_health()
        alerts = self.backend.alert_ids
        self.assertEqual(alerts.mapped("kind"), ["webhooks"])
        polls = self.env["connector.sync.run"].search(self.backend._runs_domain())
        changes = sum(polls.mapped("created_count")) + sum(polls.mapped("updated_count"))
        self.assertIn(f"polling found {changes} changes and no webhook came", alerts.message)
        # every poll of clients failing for three hours: stale
        three_hours_ago = fields.Datetime.now() - timedelta(hours=3)
        self.env["connector.sync.run"].search(
            [*self.backend._runs_domain(), ("entity", "=", "clients")]
        ).write({"state": "failed", "started": three_hours_ago})
        self.backend.check_health()
        self.assertEqual(sorted(self.backend.alert_ids.mapped("kind")), ["stale", "webhooks"])
        stale = self.backend.alert_ids.filtered(lambda a: a.kind == "stale")
        self.assertIn("Clients: no successful poll since ever", stale.message)

    def test_reconciliation_per_month_and_client(self):
        self.sync()
        recon = self.env["freshbooks.reconciliation"]
        rows = recon.rebuild(self.backend)
        sent = [i for i in self.data.invoices.values() if i["status"] != 1]
        self.assertEqual(set(rows.mapped("state")), {"reconciled"})
        self.assertEqual(sum(rows.mapped("invoice_count")), len(sent))
        self.assertEqual(sum(rows.mapped("move_count")), len(sent))
        outstanding = sum(Decimal(i["outstanding"]["amount"]) for i in sent)
        self.assertEqual(f"{sum(rows.mapped('freshbooks_outstanding')):.2f}", f"{outstanding:.2f}")
        # money Odoo sees paid that FreshBooks does not: that client's month differs
        invoice = next(i for i in sent if Decimal(i["outstanding"]["amount"]) > 1)
        move = self.move_of(invoice["id"])
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": 1.0})._create_payments()
        rows = recon.rebuild(self.backend)
        different = rows.filtered(lambda r: r.state == "different")
        self.assertEqual(len(different), 1)
        self.assertEqual(different.client_ref, str(invoice["customerid"]))
        self.assertEqual((different.difference_count, different.outstanding_difference), (1, -1.0))

    def test_an_invoice_opens_in_freshbooks_by_the_link_its_api_gives(self):
        self.sync()
        invoice = next(i for i in self.data.invoices.values() if i["status"] != 1)
        binding = self.move_of(invoice["id"]).freshbooks_bind_ids
        asked = len(self.sim.requests)
        action = binding.action_open_in_freshbooks()
        self.assertEqual((action["type"], action["target"]), ("ir.actions.act_url", "new"))
        self.assertTrue(action["url"].startswith("https://my.freshbooks.com/#/link/"))
        path = f"/accounting/account/{self.data.account_id}/invoices/invoices/{invoice['id']}"
        self.assertEqual(self.sim.requests[asked:], [("GET", f"{path}/share_link")])
        # a link anywhere but on FreshBooks' web app, over https, is refused in words
        self.addCleanup(self.sim.share_links.clear)
        for hostile in (
            "javascript:alert(1)",
            "http://my.freshbooks.com/#/link/x",
            "https://my.freshbooks.com.example.net/#/link/x",
            "https://my.freshbooks.com/#/link/x\nSet-Cookie: a=b",
        ):
            self.sim.share_links[invoice["id"]] = hostile
            with self.assertRaisesRegex(UserError, "did not give a link to invoice"):
                binding.action_open_in_freshbooks()

    def test_an_edit_behind_the_lock_date_is_flagged_not_booked(self):
        self.sync()
        invoice = next(i for i in self.data.invoices.values() if i["status"] == 2)
        move = self.move_of(invoice["id"])
        total = move.amount_total
        self.company.sudo().fiscalyear_lock_date = move.invoice_date
        edited = self.data.invoices[invoice["id"]]
        edited["lines"][0]["unit_cost"] = money(Decimal("999.99"), edited["currency_code"])
        edited["lines"][0]["qty"] = "1"
        edited["lines"][0]["amount"] = money(Decimal("999.99"), edited["currency_code"])
        compute_totals(edited)
        settle(self.data, edited)
        self.sim.change("invoice", invoice["id"], notify=False)
        self.sync()
        binding = move.freshbooks_bind_ids
        self.assertEqual((move.state, move.amount_total), ("posted", total))
        self.assertEqual(f"{binding.freshbooks_total:.2f}", edited["amount"]["amount"])
        self.assertIn(f"total {edited['amount']['amount']}", binding.review_reason)
        self.assertIn(f"(total {total})", binding.review_reason)

    def test_checkpoint_overlap_across_daylight_saving(self):
        # spring forward: 02:00-03:00 does not exist; 5 minutes before 03:02 is 01:57
        self.assertEqual(eastern_minus("2026-03-08 03:02:00", 5), "2026-03-08 01:57:00")
        # fall back: 01:00-02:00 comes twice; read from its first occurrence, so a change
        # stamped in the second (a later instant with a smaller wall time) is not skipped
        self.assertEqual(eastern_minus("2026-11-01 01:30:00", 5), "2026-11-01 01:25:00")
        self.assertEqual(eastern_minus("2026-11-01 02:03:00", 5), "2026-11-01 01:58:00")
        self.sync()
        moved = self.backend._checkpoint("invoices")
        newest = max(i["_updated"] for i in self.data.invoices.values())
        self.assertEqual(moved, newest.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M:%S"))
        self.backend._move_checkpoint("invoices", "2020-01-01 00:00:00")
        self.assertEqual(self.backend._checkpoint("invoices"), moved)  # never back
        # shown as an instant (Odoo displays it in the user's zone), labelled
        row = self.backend.checkpoint_ids.filtered(lambda c: c.entity == "invoices")
        self.assertEqual(row.entity_label, "Invoices")
        self.assertEqual(row.stamp_time, newest.astimezone(UTC).replace(tzinfo=None, microsecond=0))

    def test_polling_by_day_misses_nothing_across_midnight_and_daylight_saving(self):
        """FreshBooks searches change times by day: the poll asks from the US/Eastern day
        of its checkpoint minus the overlap and re-reads that day."""
        self.sync()
        backend = self.backend
        self.env["connector.checkpoint"]._put(
            backend, "invoices", "2026-11-01 23:58:00"
        )  # the fall-back day, EST
        self.assertEqual(backend._polling_from("invoices"), "2026-11-01")
        first, second = list(self.data.invoices.values())[:2]
        # changed at 23:59 that evening and at 00:01 the next day (Eastern)
        for invoice, moment in (
            (first, datetime(2026, 11, 2, 4, 59, tzinfo=UTC)),
            (second, datetime(2026, 11, 2, 5, 1, tzinfo=UTC)),
        ):
            self.sim.change("invoice", invoice["id"], notify=False, notes="late change")
            invoice["_updated"] = moment
        runs = self.sync()
        invoices_run = runs.filtered(lambda r: r.entity == "invoices")
        self.assertEqual(invoices_run.updated_count, 2)
        self.assertEqual(backend._checkpoint("invoices"), "2026-11-02 00:01:00")
        # two minutes after midnight, five of overlap: the day before is read again
        self.assertEqual(backend._polling_from("invoices"), "2026-11-01")
        # spring forward: 03:02 EDT less five minutes is 01:57 EST, the same day
        self.env["connector.checkpoint"]._put(backend, "invoices", "2026-03-08 03:02:00")
        self.assertEqual(backend._polling_from("invoices"), "2026-03-08")
        self.env["connector.checkpoint"]._put(backend, "invoices", "2026-03-08 00:03:00")
        self.assertEqual(backend._polling_from("invoices"), "2026-03-07")

    def test_an_edit_of_a_paid_invoice_keeps_its_payment(self):
        self.sync()
        paid = next(p for p in self.data.payments.values())
        invoice = self.data.invoices[paid["invoiceid"]]
        extra = copy.deepcopy(invoice["lines"][0])
        extra.update(lineid=99, qty="1", taxName1="", taxAmount1="0", taxName2="", taxAmount2="0")
        extra["unit_cost"] = extra["amount"] = money(Decimal("10.00"), invoice["currency_code"])
        invoice["lines"].append(extra)
        compute_totals(invoice)
        settle(self.data, invoice)
        self.sim.change("invoice", invoice["id"], notify=False)
        self.sync()
        move = self.move_of(invoice["id"])
        self.assertEqual(move.state, "posted")
        self.assertEqual(f"{move.amount_total:.2f}", invoice["amount"]["amount"])
        self.assertEqual(f"{move.amount_residual:.2f}", invoice["outstanding"]["amount"])
        self.assertEqual(move.payment_state, "partial")
