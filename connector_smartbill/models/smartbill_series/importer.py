# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component

from ...api import NotFoundError


class SeriesAdapter(Component):
    """V1 ``/series``: the series name is its id."""

    _name = "smartbill.series.adapter"
    _inherit = "smartbill.adapter"
    _apply_on = "smartbill.series"

    def search(self, **filters):
        for series in self.v1.series(**filters):
            yield {"id": series.name, **self.as_record(series)}

    def read(self, external_id):  # pylint: disable=method-required-super
        for record in self.search():
            if record["id"] == external_id:
                return record
        raise NotFoundError(f"No series {external_id} in SmartBill")


class SeriesMapper(Component):
    _name = "smartbill.series.mapper"
    _inherit = "smartbill.import.mapper"
    _apply_on = "smartbill.series"

    direct = [("name", "name"), ("type", "series_type"), ("next_number", "next_number")]


class SeriesImporter(Component):
    _name = "smartbill.series.importer"
    _inherit = "smartbill.record.importer"
    _apply_on = "smartbill.series"

    def _after_import(self, binding):
        binding._ensure_journal()


class SeriesBatchImporter(Component):
    """A company has a few series: imported in the batch's own job."""

    _name = "smartbill.series.batch.importer"
    _inherit = "smartbill.direct.batch.importer"
    _apply_on = "smartbill.series"
