# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .common import MANAGER

SOURCES = {
    "v1": "SmartBill API V1",
    "v3": "SmartBill API V3",
    "folder": "e-Factura folder",
    "upload": "Upload",
    "spv": "ANAF SPV",
    "bnr": "BNR",
}


class SmartBillBackend(models.Model):
    """A backend's sync runs are the base's ``connector.sync.run`` of connector
    ``smartbill``; SmartBill managers may synchronise. A binding declares its entity
    (``_sync_entity``); each capability adds its own entity to ``_sync_entities``
    and a ``_queue_<entity>(since, until, dry_run)`` method."""

    _inherit = "smartbill.backend"
    _connector_code = "smartbill"
    _user_group = "connector_smartbill.group_smartbill_user"
    _manager_group = MANAGER

    def _sync_sources(self):
        return {**super()._sync_sources(), **SOURCES}
