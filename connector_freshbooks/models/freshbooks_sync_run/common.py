# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ConnectorSyncRun(models.Model):
    """FreshBooks' runs in the base's table of every connector's sync runs. A polling
    run carries the newest change time it read (``checkpoint``, FreshBooks' US/Eastern
    wall clock): its entity's checkpoint moves to it only when every job of the run is
    done (``_run_closed``), so a page that failed is read again by the next poll."""

    _inherit = "connector.sync.run"

    connector = fields.Selection(
        selection_add=[("freshbooks", "FreshBooks")], ondelete={"freshbooks": "cascade"}
    )
    checkpoint = fields.Char(
        readonly=True, help="The newest change time read (US/Eastern, as FreshBooks gives it)."
    )
