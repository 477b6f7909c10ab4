# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import AbstractComponent


class SmartBillAdapter(AbstractComponent):
    """Reads one kind of SmartBill record as plain dicts (snake_case keys).

    Concrete adapters set ``_apply_on`` and implement :meth:`search` and :meth:`read`;
    the API clients come from the backend, built once per adapter.
    """

    _name = "smartbill.adapter"
    _inherit = ["base.backend.adapter", "smartbill.base"]
    _usage = "backend.adapter"

    @property
    def v1(self):
        if not hasattr(self, "_v1"):
            self._v1 = self.backend_record._v1_client()
        return self._v1

    @property
    def v3(self):
        if not hasattr(self, "_v3"):
            self._v3 = self.backend_record._v3_client()
        return self._v3

    @staticmethod
    def as_record(model):
        """A pydantic answer as the JSON-safe dict importers and jobs carry."""
        return model.model_dump(mode="json")

    def search(self, **filters):
        """Every record to import, as dicts with an ``id`` key."""
        raise NotImplementedError

    def read(self, external_id):  # pylint: disable=method-required-super
        """One record by its SmartBill id; raises ``NotFoundError`` when gone."""
        raise NotImplementedError


class SmartBillV3Adapter(AbstractComponent):
    """Adapter for a V3 resource (``_resource``: clients, products, ...)."""

    _name = "smartbill.v3.adapter"
    _inherit = "smartbill.adapter"
    _resource = None

    def search(self, **filters):
        for model in self.v3.iterate(self._resource, **filters):
            yield self.as_record(model)

    def read(self, external_id):  # pylint: disable=method-required-super
        return self.as_record(self.v3.get(self._resource, external_id))
