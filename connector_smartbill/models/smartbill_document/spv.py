# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...efactura.spv import DEFAULT_URL as SPV_URL
from ...efactura.spv import SpvClient
from ...exceptions import job_errors
from ...jobs import JobOutcome, identity_without_run, smartbill_job
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
        copy=False,
        help="Leave empty to use the token of the company's ANAF connection (l10n_ro_edi).",
    )
    spv_since = fields.Date("SPV messages since")
    spv_imported_until = fields.Date(
        "SPV imported until",
        readonly=True,
        copy=False,
        help="Last day whose SPV messages were queued for import: the next run starts "
        "after it (a day whose job fails stays in its sync run until retried).",
    )

    def _spv_client(self):
        backend = self.sudo()
        token = backend.spv_token or backend.company_id.l10n_ro_edi_access_token
        return SpvClient(token, base_url=backend.spv_base_url or SPV_URL)

    def _sync_entities(self):
        return {**super()._sync_entities(), "spv": self.env._("ANAF SPV")}

    def _queue_spv(self, since=None, until=None, dry_run=False):
        """One job per day of the window (default: from the day after the last complete
        one, or *SPV messages since*, to today)."""
        self.ensure_one()
        start = since or (
            self.spv_imported_until + timedelta(days=1)
            if self.spv_imported_until
            else self.spv_since
        )
        end = until or fields.Date.context_today(self)
        if not start:
            raise UserError(self.env._("Set *SPV messages since* on backend %s.", self.name))
        run = self._new_run("spv", "spv", date_from=start, date_to=end, dry_run=dry_run)
        day = start
        while day <= end:
            self.with_delay(priority=15, identity_key=identity_without_run).import_spv_day(
                day, run=run
            )
            day += timedelta(days=1)
        # here, not in the day jobs: they run side by side and would write this row at once
        if not dry_run and (not self.spv_imported_until or end > self.spv_imported_until):
            self.spv_imported_until = end
        return run

    @smartbill_job
    def import_spv_day(self, day, run=None):
        """Job: store the SPV messages of ``day`` not stored yet (invoices sent, bills
        received, ANAF's refusals) and queue the import of each document."""
        self.ensure_one()
        documents = self.env["smartbill.document"]
        counts = {"read": 0, "unchanged": 0, "skipped": 0, "created": 0}
        dry_run = bool(run and run.dry_run)
        with job_errors():
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
                    continue
                if dry_run:
                    counts["created"] += 1
                    continue
                content = client.download(message["id"])
                ids = {"spv_message_id": message["id"], "spv_index": message["id_solicitare"]}
                if message["tip"] == "ERORI FACTURA":
                    documents.create_refusal(self, message, content)
                    counts["skipped"] += 1  # a refusal to read, not a document to import
                    continue
                documents |= documents.store_files(
                    self, f"{message['id_solicitare']}.zip", content, "spv", **ids
                )
        documents.enqueue_import(run=run)
        if dry_run:
            return JobOutcome(self.env._("Dry run: nothing stored or queued"), counts)
        return JobOutcome(f"{len(documents)} SPV documents stored on {day}", counts)

    @api.model
    def _cron_import_spv(self):
        """Daily: every backend with an SPV start date queues the days since its last
        complete one."""
        backends = self.search([("active", "=", True), ("spv_since", "!=", False)])
        for backend in backends:
            backend._queue_sync("spv")

    def action_import_spv(self):
        return self._action_queue("spv", self.env._("SPV import queued."))
