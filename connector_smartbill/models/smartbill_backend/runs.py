# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .common import MANAGER


class SmartBillBackend(models.Model):
    """A backend's sync runs are ``smartbill.sync.run`` (the mechanism is the base's:
    ``connector.accounting.backend``'s runs); SmartBill managers may synchronise. A binding declares
    its entity (``_smartbill_entity``); each capability adds its own entity to
    ``_sync_entities`` and a ``_queue_<entity>(since, until, dry_run)`` method."""

    _inherit = "smartbill.backend"
    _sync_run_model = "smartbill.sync.run"
    _manager_group = MANAGER
