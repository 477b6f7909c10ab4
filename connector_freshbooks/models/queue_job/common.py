# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class QueueJob(models.Model):
    """A FreshBooks job knows its sync run (the rest is the base's ``connector_*``)."""

    _inherit = "queue.job"

    freshbooks_run_id = fields.Many2one(
        "freshbooks.sync.run", "FreshBooks sync run", index="btree_not_null", readonly=True
    )
