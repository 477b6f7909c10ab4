# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo import api, fields, models
from odoo.tools import float_compare

from ...exceptions import InvalidRecordError

# Romania's VAT change of 1 August 2025: 19 % -> 21 %, 9 % and 5 % -> 11 %.
RATE_CHANGE = date(2025, 8, 1)
LAST_DAY_BEFORE = RATE_CHANGE - timedelta(days=1)
RATES_BEFORE = {19.0: "Normala", 9.0: "Redusa", 5.0: "Redusa locuinte"}
RATES_SINCE = {21.0, 11.0}


class SmartBillTaxMap(models.Model):
    """One SmartBill VAT rate, valid between two dates, and the Odoo taxes it means.

    SmartBill names its rates (Normala 21, Redusa 11, Taxare inversa 0...); a rate can
    be price-included. An unmapped rate stops the record that needs it: the connector
    never guesses a tax.
    """

    _name = "smartbill.tax.map"
    _description = "SmartBill VAT Mapping"
    _order = "backend_id, percentage desc, vat_included, date_from"

    backend_id = fields.Many2one("smartbill.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    name = fields.Char("SmartBill tax name", required=True)
    percentage = fields.Float(required=True, digits=(5, 2))
    vat_included = fields.Boolean("VAT included", help="Prices carry the VAT (retail).")
    non_deductible = fields.Boolean(
        "Non-deductible",
        help="Used for the bills of suppliers marked 'VAT not deductible' (fuel, "
        "restaurants...): map it to the purchase tax that books the VAT as a cost.",
    )
    date_from = fields.Date("Valid from")
    date_to = fields.Date("Valid until")
    sale_tax_id = fields.Many2one(
        "account.tax",
        domain="[('type_tax_use', '=', 'sale'), ('company_id', 'parent_of', company_id)]",
        check_company=True,
    )
    purchase_tax_id = fields.Many2one(
        "account.tax",
        domain="[('type_tax_use', '=', 'purchase'), ('company_id', 'parent_of', company_id)]",
        check_company=True,
    )

    _rate_uniq = models.Constraint(
        "unique(backend_id, name, percentage, vat_included, non_deductible, date_from)",
        "This SmartBill VAT rate is already mapped for this period.",
    )

    def _rate_label(self, percentage, vat_included):
        label = f"{percentage:g} %"
        return label + self.env._(" (VAT included)") if vat_included else label

    @api.model
    def tax_map_for(
        self, backend, on_date, percentage, vat_included=False, name=None, non_deductible=False
    ):
        """The mapping of ``percentage`` valid on ``on_date``; among rates of the same
        percentage (Taxare inversa, SDD and SFDD are all 0 %), the one named ``name``."""
        rows = self.search(
            [
                ("backend_id", "=", backend.id),
                ("vat_included", "=", vat_included),
                ("non_deductible", "=", non_deductible),
                "|",
                ("date_from", "=", False),
                ("date_from", "<=", on_date),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", on_date),
            ]
        )
        rows = rows.filtered(lambda r: not float_compare(r.percentage, percentage, 2))
        named = rows.filtered(lambda r: r.name.lower() == (name or "").lower())
        return (named or rows)[:1]

    @api.model
    def tax_for(
        self,
        backend,
        on_date,
        percentage,
        vat_included=False,
        use="sale",
        name=None,
        non_deductible=False,
    ):
        """The Odoo tax for a SmartBill rate, or :class:`InvalidRecordError` naming the
        rate and the date when the mapping has none."""
        row = self.tax_map_for(
            backend, on_date, float(percentage), vat_included, name, non_deductible
        )
        tax = row[f"{use}_tax_id"]
        if not tax:
            raise InvalidRecordError(
                self.env._(
                    "SmartBill VAT rate %(rate)s on %(date)s has no %(use)s tax in the VAT "
                    "mapping of backend %(backend)s: set it in SmartBill > Configuration > "
                    "VAT mapping.",
                    rate=self._rate_label(float(percentage), vat_included)
                    + (self.env._(" (non-deductible)") if non_deductible else ""),
                    date=on_date,
                    use=use,
                    backend=backend.name,
                )
            )
        return tax

    # -- pre-filling ----------------------------------------------------------------------
    @api.model
    def _guess_tax(self, backend, percentage, vat_included, use):
        """The company's only tax of that rate and kind, or nothing when there is not
        exactly one (then a person chooses)."""
        taxes = self.env["account.tax"].search(
            [
                ("company_id", "parent_of", backend.company_id.id),
                ("type_tax_use", "=", use),
                ("amount_type", "=", "percent"),
            ]
        )
        taxes = taxes.filtered(
            lambda t: not float_compare(t.amount, percentage, 2) and t.price_include == vat_included
        )
        return taxes if len(taxes) == 1 else taxes.browse()

    @api.model
    def prefill(self, backend, smartbill_taxes):
        """Make sure every SmartBill rate has its rows (excluded and included VAT, and the
        rates before 1 Aug 2025); returns the rows created."""
        # SmartBill lists today's rates: 21 % and 11 % start on 1 Aug 2025, and the rates
        # before still apply to documents issued until then
        wanted = [
            (tax.name, rate, RATE_CHANGE if rate in RATES_SINCE else False, False)
            for tax in smartbill_taxes
            for rate in [float(tax.percentage)]
        ] + [(name, rate, False, LAST_DAY_BEFORE) for rate, name in RATES_BEFORE.items()]
        existing = {
            (r.name, r.percentage, r.vat_included, r.date_from)
            for r in self.search([("backend_id", "=", backend.id)])
        }
        to_create = []
        for name, rate, date_from, date_to in wanted:
            for included in (False, True):
                if (name, rate, included, date_from) in existing:
                    continue
                to_create.append(
                    {
                        "backend_id": backend.id,
                        "name": name,
                        "percentage": rate,
                        "vat_included": included,
                        "date_from": date_from,
                        "date_to": date_to,
                        "sale_tax_id": self._guess_tax(backend, rate, included, "sale").id,
                        "purchase_tax_id": self._guess_tax(backend, rate, included, "purchase").id,
                    }
                )
        return self.create(to_create)
