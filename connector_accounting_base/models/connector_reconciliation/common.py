# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ConnectorReconciliation(models.AbstractModel):
    """The frame of a reconciliation: rows of one month (and what else a connector keys
    them by, ``_key_fields``), the source's figures next to Odoo's, their differences and
    a state; rebuilt as a whole for a backend (:meth:`_write_rows`), under a lock.

    A connector's model inherits this and declares ``backend_id``, its figures, and
    :meth:`_row_values` (a row's figures from what was gathered for its key). Odoo's
    side of every row counts its posted moves and their total, and what differs."""

    _name = "connector.reconciliation.mixin"
    _description = "Connector reconciliation of a month"
    _key_fields = ("month", "currency_id")

    month = fields.Date("Month start", required=True, readonly=True, help="The month's first day.")
    month_label = fields.Char("Month", compute="_compute_month_label", store=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    state = fields.Selection(
        [("reconciled", "Reconciled"), ("different", "Differences")], readonly=True, index=True
    )
    checked_at = fields.Datetime("Checked", readonly=True)
    move_count = fields.Integer("Posted in Odoo", readonly=True)
    move_total = fields.Monetary("Total (Odoo)", readonly=True)
    total_difference = fields.Monetary("Total difference", readonly=True)
    difference_count = fields.Integer(
        "Differences", readonly=True, help="What differs between the source and Odoo."
    )

    @api.depends("month")
    def _compute_month_label(self):
        for row in self:
            row.month_label = row.month.strftime("%Y-%m") if row.month else False

    def _lock_backend(self, backend):
        """One rebuild of a backend's rows at a time (until the transaction ends)."""
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{self._name}({backend.id})"]
        )

    def _row_values(self, gathered):
        """The figures of a row from what was gathered for its key."""
        raise NotImplementedError

    def _after_row(self, row, gathered):
        """What else a row's rebuild does (e.g. mark the documents it compared)."""

    def _write_rows(self, backend, rows):
        """Write ``rows`` (``{key: gathered}``, a key being the values of
        ``_key_fields``, records for relations) as ``backend``'s rows: the rows of keys
        seen before are updated, the others created, those of keys gone deleted."""
        existing = {
            tuple(row[name] for name in self._key_fields): row
            for row in self.search([("backend_id", "=", backend.id)])
        }
        now = fields.Datetime.now()
        kept = self.browse()
        for key, gathered in rows.items():
            values = {**self._row_values(gathered), "checked_at": now}
            row = existing.pop(key, None)
            if row:
                row.write(values)
            else:
                keys = {
                    name: value.id if isinstance(value, models.BaseModel) else value
                    for name, value in zip(self._key_fields, key, strict=True)
                }
                row = self.create({**values, **keys, "backend_id": backend.id})
            self._after_row(row, gathered)
            kept |= row
        for row in existing.values():
            row.unlink()
        return kept
