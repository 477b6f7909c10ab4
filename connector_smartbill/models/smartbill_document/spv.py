# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.connector_accounting_base.jobs import (
    JobOutcome,
    connector_job,
    identity_without_run,
)

from ...efactura import EFacturaError
from ...efactura.spv import DEFAULT_URL as SPV_URL
from ...efactura.spv import SpvAccessError, SpvClient
from ...exceptions import job_errors
from ..smartbill_backend.common import MANAGER


class SmartBillBackend(models.Model):
    """ANAF's SPV: the company's e-Factura messages (invoices sent, bills received,
    ANAF's refusals), one job per day."""

    _inherit = "smartbill.backend"

    spv_base_url = fields.Char(
        "SPV URL",
        default=SPV_URL,
        groups=MANAGER,
        help="ANAF's e-Factura API; change it only for the SmartBill simulator.",
    )
    spv_token = fields.Char(
        "SPV access token",
        groups=MANAGER,
        compute="_compute_spv_token",
        inverse="_inverse_spv_token",
        help="Leave empty to use the token of the company's ANAF connection (l10n_ro_edi).",
    )
    spv_test_mode = fields.Boolean(
        "SPV test mode",
        groups=MANAGER,
        help="Allows an SPV URL on this machine (the SmartBill simulator, tests): ANAF's "
        "token is otherwise sent to ANAF's host only.",
    )
    spv_since = fields.Date("SPV messages since")
    spv_imported_until = fields.Date(
        "SPV imported until",
        compute="_compute_spv_imported_until",
        help="The last day from *SPV messages since* on whose messages are all stored (as "
        "documents, or failed ones with their reason): the next run starts after it, and "
        "lists yesterday and today again, whose messages keep coming.",
    )
    spv_day_ids = fields.One2many("smartbill.spv.day", "backend_id", "SPV days")

    def _spv_client(self):
        backend = self.sudo()
        token = self._secret("spv_token") or backend.company_id.l10n_ro_edi_access_token
        return SpvClient(
            token,
            base_url=backend.spv_base_url or SPV_URL,
            timeout=self._timeout(),
            test_mode=backend.spv_test_mode,
        )

    def _sync_entities(self):
        return {**super()._sync_entities(), "spv": self.env._("ANAF SPV")}

    @api.depends("spv_since", "spv_day_ids.done")
    def _compute_spv_imported_until(self):
        for backend in self:
            done = set(backend.spv_day_ids.filtered("done").mapped("day"))
            day, last = backend.spv_since, False
            while day and day in done:
                day, last = day + timedelta(days=1), day
            backend.spv_imported_until = last

    def _queue_spv(self, since=None, until=None, dry_run=False):
        """One job per day of the window (default: from the first day not done since
        *SPV messages since*, and at least yesterday, to today)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        end = until or today
        start = since
        if not start and self.spv_since:
            after = self.spv_imported_until and self.spv_imported_until + timedelta(days=1)
            start = min(after or self.spv_since, today - timedelta(days=1))
        if not start:
            raise UserError(self.env._("Set *SPV messages since* on backend %s.", self.name))
        run = self._new_run("spv", "spv", date_from=start, date_to=end, dry_run=dry_run)
        jobs, day = [], start
        while day <= end:
            delay = self.with_delay(priority=15, identity_key=identity_without_run)
            jobs.append(delay.import_spv_day(day, run=run))
            day += timedelta(days=1)
        return self._run_of(run, *jobs)

    @connector_job
    def import_spv_day(self, day, run=None):
        """Job: store the SPV messages of ``day`` not stored yet (invoices sent, bills
        received, ANAF's refusals) and queue the import of each document. A message that
        cannot be downloaded or read is a failed document with its reason (*Retry failed*
        downloads it again): the day is done when every message is stored."""
        self.ensure_one()
        documents = self.env["smartbill.document"]
        counts = {"read": 0, "unchanged": 0, "skipped": 0, "created": 0, "failed": 0}
        dry_run = bool(run and run.dry_run)
        with job_errors():  # the list, or ANAF refusing the token: the day's own failure
            client = self._spv_client()
            messages = list(client.messages(self.company_vat_code.removeprefix("RO"), day))
            # the day's messages already stored (not every document of the backend)
            stored = set(
                documents.search(
                    [
                        ("backend_id", "=", self.id),
                        ("spv_message_id", "in", [message["id"] for message in messages]),
                    ]
                ).mapped("spv_message_id")
            )
            for message in messages:
                counts["read"] += 1
                if message["id"] in stored:
                    counts["unchanged"] += 1
                elif dry_run:
                    counts["created"] += 1
                else:
                    new = self._store_spv_message(client, message)
                    counts[new] += 1
                    if new == "created":
                        documents |= documents.search(
                            [("backend_id", "=", self.id), ("spv_message_id", "=", message["id"])]
                        )
        if dry_run:
            return JobOutcome(self.env._("Dry run: nothing stored or queued"), counts)
        self.env["smartbill.spv.day"].record(self, day, len(messages))
        documents.enqueue_import(run=run)
        return JobOutcome(f"{len(documents)} SPV documents stored on {day}", counts)

    def _store_spv_message(self, client, message):
        """Store one SPV message; what it counts as: created, unchanged (its file came
        already, from the folder or an upload: that document now knows its SPV
        message), skipped (ANAF's refusal of an invoice), failed (it could not be
        downloaded or read: a failed document with the reason)."""
        documents = self.env["smartbill.document"]
        ids = {"spv_message_id": message["id"], "spv_index": message["id_solicitare"]}
        name = f"{message['id_solicitare']}.zip"
        try:
            content = client.download(message["id"])
        except SpvAccessError:
            raise  # the token: every message would fail the same, the day's job fails
        except EFacturaError as err:
            documents._store_unread(self, name, "spv", str(err), **ids)
            return "failed"
        if message["tip"] == "ERORI FACTURA":
            documents.create_refusal(self, message, content)
            return "skipped"  # a refusal to read, not a document to import
        stored = documents._store_all(self, name, content, "spv", **ids)
        if not all(document.attachment_id for document, _new in stored):
            return "failed"
        for document, new in stored:
            if not new and not document.spv_message_id:
                document.write(ids)
        return "created" if any(new for _document, new in stored) else "unchanged"

    def _fetch_again(self, document):
        if document.source == "spv":
            return self._spv_client().download(document.spv_message_id)
        return super()._fetch_again(document)

    @api.model
    def _cron_import_spv(self):
        """Every hour (its cron's interval): every backend with an SPV start date queues
        the days since its last complete one, yesterday and today at least."""
        backends = self.search([("active", "=", True), ("spv_since", "!=", False)])
        for backend in backends:
            backend._queue_sync("spv")

    def action_import_spv(self):
        return self._action_queue("spv", self.env._("SPV import queued."))
