# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ConnectorSyncRun(models.Model):
    """FreshBooks' runs in the base's table of every connector's sync runs (a poll's
    ``checkpoint`` is FreshBooks' US/Eastern wall clock)."""

    _inherit = "connector.sync.run"

    connector = fields.Selection(
        selection_add=[("freshbooks", "FreshBooks")], ondelete={"freshbooks": "cascade"}
    )
