# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""FreshBooks' components: every one works on a ``freshbooks.backend`` collection. The
binder, the adapter and the record importer serve every binding model; each entity's
folder brings its mapper and, where it does more, its own importer."""

from odoo.addons.component.core import AbstractComponent, Component
from odoo.addons.connector.components.mapper import mapping
from odoo.addons.connector_accounting_base.api import errors

DELETED = 1  # FreshBooks' vis_state of a deleted record


class FreshBooksBaseComponent(AbstractComponent):
    _name = "freshbooks.base"
    _inherit = "base.connector"
    _collection = "freshbooks.backend"


class FreshBooksBinder(Component):
    """FreshBooks ids (as text) to Odoo records through the ``freshbooks.*`` bindings."""

    _name = "freshbooks.binder"
    _inherit = ["base.binder", "freshbooks.base"]


class FreshBooksAdapter(Component):
    """Reads the binding model's FreshBooks resource (``_freshbooks_resource``) as the
    API gives it, with its lines where the model asks for them."""

    _name = "freshbooks.adapter"
    _inherit = ["base.backend.adapter", "freshbooks.base"]
    _usage = "backend.adapter"

    @property
    def client(self):
        if not hasattr(self, "_client"):
            self._client = self.backend_record._api_client()
        return self._client

    def read(self, external_id):  # pylint: disable=method-required-super
        model = self.model
        return self.client.get(
            model._freshbooks_resource, external_id, lines=model._freshbooks_lines
        )

    def search(self, updated_min=None):
        """Every record changed since the day ``updated_min`` (all of them without it),
        page after page: the active and archived ones FreshBooks lists, then the deleted
        ones it lists only when asked."""
        for vis_state in (None, DELETED):
            page, pages = 1, 1
            while page <= pages:
                records, pages = self.client.page(
                    self.model._freshbooks_resource,
                    page,
                    updated_min=updated_min,
                    lines=self.model._freshbooks_lines,
                    vis_state=vis_state,
                )
                yield from records
                page += 1


class FreshBooksRecordImporter(Component):
    """Import one FreshBooks record (the base's record importer)."""

    _name = "freshbooks.record.importer"
    _inherit = ["connector.record.importer", "freshbooks.base"]
    _source = "FreshBooks"

    def _import_dependency(self, external_id, model_name):
        """The binding of ``external_id`` in ``model_name``, imported now if missing."""
        binder = self.binder_for(model_name)
        binding = binder.to_internal(str(external_id))
        if not binding:
            self.env[model_name]._import_record(self.backend_record, str(external_id))
            binding = binder.to_internal(str(external_id))
        return binding

    def _binding(self):
        return self.binder.to_internal(self.external_id)

    def _peek(self, external_id, record=None):
        """``record``, else the record read now (None when FreshBooks has it no more:
        the base's run then tells it gone)."""
        if record is not None:
            return record
        with self._job_errors():
            try:
                return self.backend_adapter.read(external_id)
            except errors.NotFoundError:
                return None


class FreshBooksImportMapper(AbstractComponent):
    _name = "freshbooks.import.mapper"
    _inherit = ["connector.import.mapper", "freshbooks.base"]

    @mapping
    def freshbooks_updated(self, record):
        return {"freshbooks_updated": record.get("updated") or False}
