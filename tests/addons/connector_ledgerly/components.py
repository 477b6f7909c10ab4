# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import AbstractComponent, Component
from odoo.addons.connector.components.mapper import mapping
from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError


class LedgerlyBase(AbstractComponent):
    _name = "ledgerly.base"
    _inherit = "base.connector"
    _collection = "ledgerly.backend"


class LedgerlyBinder(Component):
    _name = "ledgerly.binder"
    _inherit = ["base.binder", "ledgerly.base"]


class LedgerlyAdapter(Component):
    """``GET /contacts/<id>``; ``GET /contacts?since=&page=``: what changed since."""

    _name = "ledgerly.adapter"
    _inherit = ["base.backend.adapter", "ledgerly.base"]
    _usage = "backend.adapter"

    def read(self, external_id):  # pylint: disable=method-required-super
        return self.backend_record._api_client().request(f"contacts/{external_id}")[1]["contact"]

    def search(self, since=None):
        client, page, pages = self.backend_record._api_client(), 1, 1
        while page <= pages:
            body = client.request("contacts", {"since": since or "", "page": page})[1]
            yield from body["contacts"]
            page, pages = page + 1, body["pages"]


class LedgerlyImporter(Component):
    _name = "ledgerly.record.importer"
    _inherit = ["connector.record.importer", "ledgerly.base"]
    _source = "Ledgerly"


class LedgerlyPartnerMapper(Component):
    _name = "ledgerly.partner.mapper"
    _inherit = ["connector.import.mapper", "ledgerly.base"]
    _apply_on = "ledgerly.res.partner"
    direct = [("email", "email")]

    @mapping
    def name(self, record):
        if not record.get("name"):
            raise InvalidRecordError(f"Ledgerly contact {record['id']} has no name: name it there.")
        return {"name": record["name"]}
