# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ConnectorBackendOwned(models.AbstractModel):
    """A record of one backend of any connector (an alert, a checkpoint, a sync run):
    it names the backend as ``mail.activity`` names its record, by model and id, so that
    one table serves every connector's backends."""

    _name = "connector.backend.owned.mixin"
    _description = "Record of a connector's backend"

    res_model = fields.Char("Backend model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        "Backend", model_field="res_model", required=True, readonly=True, index=True
    )

    def _backend(self):
        """The record's backend, a record of its connector's backend model."""
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id)

    @api.model
    def _owned_by(self, backends):
        """The domain of the records of ``backends`` (one backend model)."""
        return [("res_model", "=", backends._name), ("res_id", "in", backends.ids)]

    @api.model
    def _owner_values(self, backend):
        """The values that give a new record to ``backend``."""
        return {"res_model": backend._name, "res_id": backend.id}
