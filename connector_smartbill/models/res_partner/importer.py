# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping, only_create

from ...components.mapper import split_vat
from ...efactura import is_placeholder

RESOURCES = {"cus_": "clients", "sup_": "suppliers"}


class PartnerAdapter(Component):
    """SmartBill clients, then suppliers (V3)."""

    _name = "smartbill.res.partner.adapter"
    _inherit = "smartbill.adapter"
    _apply_on = "smartbill.res.partner"

    def search(self, **filters):
        for resource in RESOURCES.values():
            for model in self.v3.iterate(resource, **filters):
                yield self.as_record(model)

    def read(self, external_id):  # pylint: disable=method-required-super
        return self.as_record(self.v3.get(RESOURCES[external_id[:4]], external_id))


class PartnerMapper(Component):
    _name = "smartbill.res.partner.mapper"
    _inherit = "smartbill.import.mapper"
    _apply_on = "smartbill.res.partner"

    direct = [("name", "name"), ("email", "email"), ("phone", "phone"), ("code", "smartbill_code")]

    @mapping
    def address(self, record):
        return self._address(record)

    @mapping
    def vat(self, record):
        vat, _cui = split_vat(record.get("vat_code"))
        return {"vat": vat, "is_company": bool(vat)}

    @mapping
    def company_registry(self, record):
        reg_com = record.get("reg_com")
        values = {"company_registry": False if is_placeholder(reg_com) else reg_com}
        if "nrc" in self.env["res.partner"]._fields:  # l10n_ro's own field
            values["nrc"] = values["company_registry"]
        return values

    @mapping
    def listed(self, record):
        """A partner first created from an invoice's XML is in SmartBill's list now."""
        return {"smartbill_from_efactura": False}

    @only_create
    @mapping
    def odoo_id(self, record):
        """Bind to the partner that already has this CUI (created in Odoo, or by the
        other SmartBill list: a client that is also a supplier) instead of a duplicate."""
        _vat, cui = split_vat(record.get("vat_code"))
        if not cui:
            return {}
        partner = self.env["res.partner"]._smartbill_find(self.backend_record.company_id, cui)
        return {"odoo_id": partner.id} if partner else {}


class PartnerImporter(Component):
    _name = "smartbill.res.partner.importer"
    _inherit = "smartbill.record.importer"
    _apply_on = "smartbill.res.partner"

    def _lock_names(self):
        # a client and a supplier with the same CUI must not create two partners
        _vat, cui = split_vat(self.external_record.get("vat_code"))
        names = super()._lock_names()
        if cui:
            names.append(f"smartbill.partner.cui({self.backend_record.id}, {cui})")
        return names

    def _create_context(self):
        return {**super()._create_context(), "no_vat_validation": True}

    def _after_import(self, binding):
        partner = binding.odoo_id.with_context(**self._create_context())
        record = self.external_record
        rank = "supplier_rank" if binding.partner_kind == "supplier" else "customer_rank"
        if not partner[rank]:
            partner[rank] = 1
        if record.get("iban"):
            partner._smartbill_bank_account(record["iban"], record.get("bank"))
        self._import_delivery_addresses(partner, record.get("delivery_addresses") or [])

    def _import_delivery_addresses(self, partner, addresses):
        mapper = self.mapper
        for address in addresses:
            values = mapper._address(address)
            known = partner.child_ids.filtered(
                lambda c, v=values: c.type == "delivery"
                and (c.street or False, c.city or False) == (v["street"], v["city"])
            )
            if known:
                continue
            partner.create(
                {
                    **values,
                    "parent_id": partner.id,
                    "type": "delivery",
                    "name": address.get("description") or partner.name,
                    "zip": address.get("zip_code") or False,
                }
            )
