# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a document's move points to, found or made before the document is mapped: the
other party (and a bill's IBAN as its bank account), the series of a document of the
company's own and its journal, the currency, the invoice a credit note credits."""

from odoo.addons.component.core import Component
from odoo.addons.connector_accounting_base.components.importer import retry_unique_violation
from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError

from ...components.mapper import country_for, state_for
from ..smartbill_series.common import WITHOUT_SERIES


class AccountMoveDependencies(Component):
    _inherit = "smartbill.account.move.importer"

    def _import_dependencies(self):
        """Found or made here, given to the mapper as its options."""
        doc, use = self.external_record, self.use
        partner = self._partner(doc.buyer if use == "sale" else doc.seller)
        purchase = use == "purchase"
        self.options = {
            "use": use,
            "external_id": self.external_id,
            "document": self.document,
            "partner": partner,
            "bank": self._supplier_bank(partner, doc) if purchase else partner.bank_ids.browse(),
            "non_deductible": purchase and partner.smartbill_vat_non_deductible,
            "series": self._series(doc, use),
            "currency": self._currency(doc.currency),
            "credited": self.credited,
            "original": self._original(),
        }

    def _series(self, doc, use):
        """The series of a document of the company's own (a bill's series is its
        supplier's), with its journal; made when SmartBill's list did not have it yet. A
        legal number with no series letters is in the series ``WITHOUT_SERIES``."""
        series = self.env["smartbill.series"]
        if use != "sale":
            return series
        backend = self.backend_record
        name = doc.series or WITHOUT_SERIES
        series = backend.series_ids.filtered(lambda s: s.name == name)[:1]
        if not series:
            with retry_unique_violation():
                series = series.create(
                    {
                        "backend_id": backend.id,
                        "external_id": name,
                        "name": name,
                        "series_type": "f",
                    }
                )
        series._ensure_journal()
        return series

    def _partner(self, party):
        """The SmartBill partner with this CUI, an Odoo partner with this VAT, else a new
        partner flagged "created from e-Factura"."""
        company = self.backend_record.company_id
        partners = self.env["res.partner"].with_context(active_test=False)
        if party.cui or party.vat:
            partner = partners._smartbill_find(company, party.cui, party.vat)
        else:  # a private person: by name
            partner = partners.search(
                [
                    ("name", "=", party.name),
                    ("vat", "=", False),
                    ("parent_id", "=", False),
                    ("company_id", "in", [False, company.id]),
                ],
                order="id",
                limit=1,
            )
        if partner:
            return partner
        country = country_for(self.env, party.country)
        return partners.with_context(no_vat_validation=True).create(
            {
                "name": party.name,
                "vat": party.vat or False,
                "is_company": bool(party.vat),
                "company_registry": party.registration or False,
                "street": party.street or False,
                "city": party.city or False,
                "country_id": country.id,
                "state_id": state_for(self.env, country, party.county).id,
                "email": party.email or False,
                "phone": party.phone or False,
                "smartbill_from_efactura": True,
            }
        )

    def _supplier_bank(self, partner, doc):
        """The supplier's IBAN from the bill, as its bank account."""
        if not doc.payee_ibans:
            return self.env["res.partner.bank"]
        return partner._smartbill_bank_account(doc.payee_ibans[0])

    def _currency(self, code):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if not currency:
            raise InvalidRecordError(self.env._("Unknown currency %s.", code))
        if not currency.active:
            currency.active = True
        return currency

    def _original(self):
        """The invoice this credit note credits, when it was imported; retried when
        another job imported it since this one started (its link would be missed)."""
        if not self.credited:
            return self.model
        original = self.binder.to_internal(self.credited)
        if not original and self._committed(external_id=[self.credited]):
            self._retry_concurrent()
        return original
