# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FreshBooksBinding(models.AbstractModel):
    """Link between a FreshBooks record and an Odoo record, one per backend.

    Concrete bindings add ``odoo_id`` (``_inherits``) and name their FreshBooks resource
    (``_freshbooks_resource``), whether it is read with its lines, their place in the
    queue (``_import_priority``: clients before invoices before payments) and, when they
    are an entity of their own, the base's declarations (``_sync_entity``,
    ``_sync_label``, ``_webhook_noun``, ``_oauth_scope``)."""

    _name = "freshbooks.binding"
    _inherit = "connector.binding"
    _description = "FreshBooks Binding (abstract)"
    _freshbooks_resource = None  # e.g. "users/clients"
    _freshbooks_lines = False

    backend_id = fields.Many2one(
        "freshbooks.backend", "FreshBooks backend", required=True, ondelete="restrict", index=True
    )
    external_id = fields.Char("FreshBooks id", index=True, readonly=True)
    freshbooks_updated = fields.Char(
        "Changed in FreshBooks", readonly=True, help="FreshBooks' time stamp (US/Eastern)."
    )
    freshbooks_company_id = fields.Many2one(
        related="backend_id.company_id", string="FreshBooks company", store=True, index=True
    )
    review_reason = fields.Text(
        "To review",
        readonly=True,
        help="Why a person should look at this record (set by the import, cleared when a "
        "later import finds nothing to say).",
    )

    _freshbooks_uniq = models.Constraint(
        "unique(backend_id, external_id)",
        "A FreshBooks record can be bound only once per backend.",
    )
