# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Polling: each entity is asked for what changed since its checkpoint minus an overlap.

FreshBooks searches ``updated`` by day only: ``search[updated_min]`` is a date,
YYYY-MM-DD, "greater than or equal to" (freshbooks.com/api/parameters, /api/payments),
and its change times are zone-naive US/Eastern wall clock. The checkpoint is kept as
FreshBooks wrote the newest change read; the next poll asks from the Eastern date of the
checkpoint minus the overlap (subtracted on the real time line, so a daylight-saving
switch skips nothing), re-reads that day, and skips the unchanged records by their hash.
Deleted records are not listed unless asked (freshbooks.com/api/active_deleted): each
poll asks for them too.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models

EASTERN = ZoneInfo("America/New_York")
STAMP = "%Y-%m-%d %H:%M:%S"


def eastern_minus(stamp, minutes):
    """``stamp`` (FreshBooks' US/Eastern wall clock) ``minutes`` earlier, as FreshBooks
    reads it. In the hour a clock goes back, a wall time is read as its first
    occurrence: the earlier one, so nothing is skipped."""
    # arithmetic on the real time line: within one zone Python subtracts wall times
    earlier = real_time(stamp) - timedelta(minutes=minutes)
    return earlier.astimezone(EASTERN).strftime(STAMP)


def real_time(stamp):
    """FreshBooks' wall time ``stamp`` as an instant (UTC), its first occurrence."""
    return datetime.strptime(stamp, STAMP).replace(tzinfo=EASTERN, fold=0).astimezone(UTC)


class FreshBooksBackend(models.Model):
    _inherit = "freshbooks.backend"
    _connector_code = "freshbooks"
    _user_group = "connector_freshbooks.group_freshbooks_user"
    _manager_group = "connector_freshbooks.group_freshbooks_manager"

    import_since = fields.Date(
        "Import since",
        help="The first load reads what changed since this day (everything when empty).",
    )
    polling_overlap = fields.Integer(
        "Polling overlap (minutes)",
        default=5,
        help="Each poll reads again what changed this long before its checkpoint: a change "
        "FreshBooks stamped late is not missed (it is skipped by its hash if unchanged).",
    )
    push_customers = fields.Selection(
        [("marked", "Partners marked Sync to FreshBooks"), ("customers", "Every customer")],
        default="marked",
        required=True,
        help="Which of the company's partners Odoo creates and keeps as FreshBooks clients.",
    )
    payment_journal_id = fields.Many2one(
        "account.journal",
        "Payment journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Where FreshBooks payments are booked (the company's first bank journal when "
        "empty).",
    )

    def _pushes(self, partner):
        """Whether this backend keeps ``partner`` as a FreshBooks client."""
        if partner.company_id and partner.company_id != self.company_id:
            return False
        return partner.freshbooks_push or (
            self.push_customers == "customers" and partner.customer_rank > 0
        )

    def _payment_journal(self):
        return self.payment_journal_id or self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company_id.id)], limit=1
        )

    def _polling_from(self, entity):
        """``search[updated_min]`` of the next poll of ``entity``: the US/Eastern day of
        its checkpoint minus the overlap (None: everything)."""
        checkpoint = self._checkpoint(entity)
        if checkpoint:
            return eastern_minus(checkpoint, self.polling_overlap or 0)[:10]
        if self.import_since:
            return str(self.import_since)
        return None

    @staticmethod
    def _checkpoint_time(stamp):
        """FreshBooks' wall time as an instant: compared on the real time line."""
        return real_time(stamp).replace(tzinfo=None)

    def _polling_domain(self):
        return [("state", "=", "connected")]

    def _sync_sources(self):
        return {**super()._sync_sources(), "push": self.env._("Customers pushed")}

    def action_retry_failed(self):
        """Requeue every failed job of these backends."""
        count = self._retry_failed_jobs()
        return self._notify_queued(self.env._("%s failed jobs queued again.", count))

    def action_reconcile(self):
        """Compare FreshBooks with Odoo now (what the daily cron does)."""
        self._check_manager()
        for backend in self:
            self.env["freshbooks.reconciliation"].rebuild(backend)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "connector_freshbooks.freshbooks_reconciliation_action"
        )

    @api.model
    def _cron_reconcile(self):
        for backend in self.search([("state", "=", "connected")]):
            self.env["freshbooks.reconciliation"].rebuild(backend)
