# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ConnectorCheckpoint(models.Model):
    """Where a backend's reading of an entity's changes stands: a row per backend and
    entity (a connector adds an entity without adding a field), the stamp as the source
    writes it (its own zone and format: the connector compares them)."""

    _name = "connector.checkpoint"
    _inherit = "connector.backend.owned.mixin"
    _description = "Connector checkpoint"
    _order = "res_model, res_id, entity"

    entity = fields.Char("Entity code", required=True, readonly=True)
    stamp = fields.Char(
        "As the source writes it", readonly=True, help="The newest change read, in the "
        "source's own zone and format: what came after it was not read yet."
    )  # fmt: skip
    entity_label = fields.Char("Entity", compute="_compute_stamp_time")
    stamp_time = fields.Datetime(
        "Newest change read",
        compute="_compute_stamp_time",
        help="What came after it was not read yet (shown in your time zone).",
    )

    @api.depends("res_model", "res_id", "entity", "stamp")
    def _compute_stamp_time(self):
        for row in self:
            backend = row._backend()
            row.entity_label = backend._sync_entities().get(row.entity, row.entity)
            row.stamp_time = backend._checkpoint_time(row.stamp) if row.stamp else False

    _checkpoint_uniq = models.Constraint(
        "unique(res_model, res_id, entity)", "One checkpoint per backend and entity."
    )

    @api.model
    def _of(self, backend, entity):
        """The checkpoint row of ``backend``'s ``entity`` (none: an empty recordset)."""
        return self.sudo().search([*self._owned_by(backend), ("entity", "=", entity)], limit=1)

    @api.model
    def _put(self, backend, entity, stamp):
        """``backend``'s ``entity`` checkpoint set to ``stamp`` (the row made the first
        time)."""
        row = self._of(backend, entity)
        if row:
            row.stamp = stamp
        else:
            self.sudo().create({**self._owner_values(backend), "entity": entity, "stamp": stamp})
