# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo masters customers: a partner to push is created or updated in FreshBooks by a
job. Before creating, the job looks the client up by email, so a retry after an answer
lost on the way (the client made, the job not told) binds that client and never makes a
second one. A value changed in FreshBooks is overwritten by Odoo's, and the partner's
chatter tells which."""

from odoo import api, models

from odoo.addons.component.core import Component
from odoo.addons.connector_accounting_base.api import errors
from odoo.addons.connector_accounting_base.components.importer import payload_hash
from odoo.addons.connector_accounting_base.exceptions import job_errors
from odoo.addons.connector_accounting_base.jobs import JobOutcome, connector_job

CLIENTS = "users/clients"


def stamp(record):
    """What a binding keeps of the client FreshBooks answered with: the next poll finds
    it unchanged."""
    return {"payload_hash": payload_hash(record), "freshbooks_updated": record.get("updated")}


class FreshBooksPartnerExporter(Component):
    _name = "freshbooks.res.partner.exporter"
    _inherit = ["base.exporter", "freshbooks.base"]
    _apply_on = "freshbooks.res.partner"
    _usage = "record.exporter"

    def _client_values(self, partner):
        person = partner if not partner.is_company else partner.child_ids[:1]
        first, _space, last = (person.name or "").partition(" ")
        return {
            "organization": partner.name if partner.is_company else "",
            "fname": first if person else "",
            "lname": last if person else "",
            "email": partner.email or "",
            "bus_phone": partner.phone or "",
            "p_street": partner.street or "",
            "p_city": partner.city or "",
            "p_code": partner.zip or "",
            "p_province": partner.state_id.code or "",
            "p_country": partner.country_id.name or "",
            "vat_number": partner.vat or "",
            "currency_code": (
                partner.property_product_pricelist.currency_id
                or self.backend_record.company_id.currency_id
            ).name,
        }

    def run(self, partner):
        """Push ``partner``; returns ``(status, text)``."""
        backend = self.backend_record
        client = backend._api_client()
        values = self._client_values(partner)
        binding = self.model.search(
            [("backend_id", "=", backend.id), ("odoo_id", "=", partner.id)], limit=1
        )
        with job_errors("FreshBooks"):
            if binding:
                theirs = client.get(CLIENTS, binding.external_id)
                differing = {
                    key: theirs.get(key)
                    for key, value in values.items()
                    if str(theirs.get(key) or "") != str(value or "")
                }
                if not differing:
                    return "unchanged", f"{partner.display_name}: FreshBooks has Odoo's values."
                record = client.update_record(CLIENTS, "client", binding.external_id, values)
                self._log_overwritten(partner, differing, values)
                binding.write(
                    {
                        "payload_hash": payload_hash(record),
                        "freshbooks_updated": record.get("updated"),
                    }
                )
                return "updated", f"{partner.display_name} updated in FreshBooks."
            record = self._existing(client, values["email"])
            status = "bound"
            if not record:
                try:
                    record = client.create_record(CLIENTS, "client", values)
                    status = "created"
                except errors.TransientError:
                    # the client may have been made: look again, else retry the job later
                    record = self._existing(client, values["email"])
                    if not record:
                        raise
            self.model.create(
                {
                    "backend_id": backend.id,
                    "odoo_id": partner.id,
                    "external_id": str(record["id"]),
                    **stamp(record),
                }
            )
        return status, f"{partner.display_name} {status} as FreshBooks client {record['id']}."

    def _existing(self, client, email):
        if not email:
            return None
        found = client.clients_with_email(email)
        bound = set(
            self.model.search(
                [
                    ("backend_id", "=", self.backend_record.id),
                    ("external_id", "in", [str(c["id"]) for c in found]),
                ]
            ).mapped("external_id")
        )
        return next((c for c in found if str(c["id"]) not in bound), None)

    def _log_overwritten(self, partner, differing, values):
        changes = "\n".join(
            f"• {key}: {theirs or '-'} → {values[key] or '-'}" for key, theirs in differing.items()
        )
        partner.message_post(
            body=self.env._(
                "Pushed to FreshBooks; Odoo masters customers, so these FreshBooks values "
                "were overwritten:\n%s",
                changes,
            ),
            subtype_xmlid="mail.mt_note",
        )


class FreshBooksResPartner(models.Model):
    _inherit = "freshbooks.res.partner"

    @api.model
    @connector_job
    def export_partner(self, backend, partner, run=None):
        """Job: create or update ``partner`` as a FreshBooks client of ``backend``."""
        with backend.work_on(self._name) as work:
            status, text = work.component(usage="record.exporter").run(partner)
        count = {"unchanged": "unchanged", "updated": "updated"}.get(status, "created")
        return JobOutcome(text, {count: 1})
