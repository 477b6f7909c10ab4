# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ConnectorCheckpoint(models.Model):
    """Where a backend's reading of an entity's changes stands: a row per backend and
    entity (a connector adds an entity without adding a field), the stamp as the source
    writes it (its own zone and format: the connector compares them)."""

    _name = "connector.checkpoint"
    _description = "Connector checkpoint"
    _order = "res_model, res_id, entity"

    res_model = fields.Char("Backend model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        "Backend", model_field="res_model", required=True, readonly=True, index=True
    )
    entity = fields.Char(required=True, readonly=True)
    stamp = fields.Char(
        readonly=True, help="The newest change read, as the source writes it: what came "
        "after it was not read yet."
    )  # fmt: skip

    _checkpoint_uniq = models.Constraint(
        "unique(res_model, res_id, entity)", "One checkpoint per backend and entity."
    )

    @api.model
    def _of(self, backend, entity):
        """The checkpoint row of ``backend``'s ``entity`` (none: an empty recordset)."""
        return self.sudo().search(
            [
                ("res_model", "=", backend._name),
                ("res_id", "=", backend.id),
                ("entity", "=", entity),
            ],
            limit=1,
        )

    @api.model
    def _put(self, backend, entity, stamp):
        """``backend``'s ``entity`` checkpoint set to ``stamp`` (the row made the first
        time)."""
        row = self._of(backend, entity)
        if row:
            row.stamp = stamp
        else:
            self.sudo().create(
                {"res_model": backend._name, "res_id": backend.id, "entity": entity, "stamp": stamp}
            )
