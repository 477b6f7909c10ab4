# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector.components.mapper import mapping


class ConnectorImportMapper(AbstractComponent):
    """The import mapper a connector's mappers build on: what it maps is bound to the
    backend it works for."""

    _name = "connector.import.mapper"
    _inherit = "base.import.mapper"
    _usage = "import.mapper"

    @mapping
    def backend_id(self, record):
        return {"backend_id": self.backend_record.id}
