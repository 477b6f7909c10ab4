# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A FreshBooks client becomes a partner, or is bound to the partner it already is: the
one bound before (its external id), else the one with its email, else the company with
its organisation and VAT number. Two clients with one email are never merged: the
second gets a partner of its own, flagged for a person."""

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping, only_create

BINDING_FIELDS = {"backend_id", "external_id", "payload_hash", "freshbooks_updated"}


class FreshBooksPartnerMapper(Component):
    _name = "freshbooks.res.partner.mapper"
    _inherit = "freshbooks.import.mapper"
    _apply_on = "freshbooks.res.partner"

    @only_create
    @mapping
    def identity(self, record):
        organization = (record.get("organization") or "").strip()
        person = " ".join(p for p in (record.get("fname"), record.get("lname")) if p).strip()
        return {
            "name": organization or person or record.get("email") or f"Client {record['id']}",
            "is_company": bool(organization),
            "email": (record.get("email") or "").strip() or False,
            "phone": record.get("bus_phone") or False,
            "vat": record.get("vat_number") or False,
            "customer_rank": 1,
            "company_id": self.backend_record.company_id.id,
        }

    @only_create
    @mapping
    def address(self, record):
        countries = self.env["res.country"]
        name = (record.get("p_country") or "").strip()
        country = name and (
            countries.search([("code", "=ilike", name)], limit=1)
            if len(name) == 2
            else countries.search([("name", "=ilike", name)], limit=1)
        )
        state = country and self.env["res.country.state"].search(
            [("country_id", "=", country.id), ("code", "=ilike", record.get("p_province") or "")],
            limit=1,
        )
        return {
            "street": record.get("p_street") or False,
            "city": record.get("p_city") or False,
            "zip": record.get("p_code") or False,
            "country_id": country.id if country else False,
            "state_id": state.id if state else False,
        }


class FreshBooksPartnerImporter(Component):
    _name = "freshbooks.res.partner.importer"
    _inherit = "freshbooks.record.importer"
    _apply_on = "freshbooks.res.partner"

    def _values_for_create(self, map_record):
        values = super()._values_for_create(map_record)
        partner, reason = self._match(self.external_record)
        if partner:
            values = {key: value for key, value in values.items() if key in BINDING_FIELDS}
            values["odoo_id"] = partner.id
        values["review_reason"] = reason
        return values

    def _match(self, record):
        """``(partner, reason)``: the partner this client already is (or none), and why
        a person should look at the new one."""
        backend = self.backend_record
        partners = self.env["res.partner"].with_context(active_test=False)
        scope = [("company_id", "in", (False, backend.company_id.id))]
        email = (record.get("email") or "").strip()
        if email:
            found = partners.search([*scope, ("email", "=ilike", email)], order="id")
            free = self._free(found)
            if free:
                return free[:1], False
            if found:
                return partners, self.env._(
                    "Another FreshBooks client has the same email (%(email)s), bound to "
                    "%(partner)s: two records were kept; merge them if they are one customer.",
                    email=email,
                    partner=found[:1].display_name,
                )
        organization = (record.get("organization") or "").strip()
        vat = (record.get("vat_number") or "").strip()
        if organization and vat:
            found = partners.search(
                [
                    *scope,
                    ("is_company", "=", True),
                    ("name", "=ilike", organization),
                    ("vat", "=", vat),
                ],
                order="id",
            )
            free = self._free(found)
            if free:
                return free[:1], False
        return partners, False

    def _free(self, partners):
        """Those of ``partners`` not bound to a client of this backend yet."""
        return (
            partners
            - self.model.search(
                [("backend_id", "=", self.backend_record.id), ("odoo_id", "in", partners.ids)]
            ).odoo_id
        )

    def _after_import(self, binding):
        if self.status == "updated" and self.backend_record._pushes(binding.odoo_id):
            binding.odoo_id._queue_freshbooks_push()  # Odoo's values go back
        if self.status == "updated":
            binding.odoo_id.message_post(
                body=self.env._(
                    "FreshBooks client %(client)s changed in FreshBooks; Odoo masters "
                    "customers, so the partner keeps Odoo's values.",
                    client=self.external_id,
                ),
                subtype_xmlid="mail.mt_note",
            )
