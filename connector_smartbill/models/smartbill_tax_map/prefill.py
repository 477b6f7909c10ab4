# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A VAT mapping nobody has to fill: every row a backend needs, and its taxes.

With l10n_ro's chart the taxes are found by the chart's template ids (the xml id
``account.<company id>_<template>``), never by name or amount: each category on the tax
and tax grids Romania reports it on. On another chart a tax is chosen only when it is the
company's only tax of that rate and kind. A row that cannot be decided stays empty and
says why (``note``); a person's choice is never changed.
"""

from odoo import api, models
from odoo.tools import float_compare

from .common import DEFAULT_ROWS, RATE_CHANGE, RATES_SINCE

# l10n_ro's templates per category: (sale, purchase); {rate} is the standard rate of the
# row's dates for the self-assessed purchases, the row's own for the standard rate
RO_TEMPLATES = {
    "S": ("tvac_{rate:02d}", "tvad_{rate:02d}"),
    "AE": ("tvati", "tvatip{rate:02d}"),
    "Z": ("tvatiscded", "tvatiscdeda"),
    "E": ("tvatiscnoded", "tvatiscdeda"),
    "K": ("tvati_intrab", "tvati_intrap{rate}b"),
    "G": ("tvati_extra", "tvati_extrap0b"),
    "O": ("tvatine", "tvatinea"),
}


class SmartBillTaxMap(models.Model):
    _inherit = "smartbill.tax.map"

    @api.model
    @api.private
    def prefill(self, backend, smartbill_taxes=()):
        """Make sure ``backend`` has every row it needs (the default rows, each of
        SmartBill's rates ``smartbill_taxes``, a VAT-included twin of each standard
        rate), then give each row without taxes its taxes. Returns the rows created."""
        rows = self.search([("backend_id", "=", backend.id)])
        known = {(r.name.lower(), r.percentage, r.vat_included, r.date_from) for r in rows}
        wanted = [
            {"name": name, "category": cat, "percentage": rate, "date_from": start, "date_to": end}
            for name, cat, rate, start, end in DEFAULT_ROWS
        ]
        names = {(row["name"].lower(), row["percentage"]) for row in wanted}
        names |= {(r.name.lower(), r.percentage) for r in rows}
        for tax in smartbill_taxes:
            rate = float(tax.percentage)
            if (tax.name.lower(), rate) not in names:
                names.add((tax.name.lower(), rate))
                start = RATE_CHANGE if rate in RATES_SINCE else False
                wanted.append({"name": tax.name, "percentage": rate, "date_from": start})
        wanted += [{**row, "vat_included": True} for row in wanted if row["percentage"]]
        created = self.create(
            [
                {"backend_id": backend.id, **row}
                for row in wanted
                if (
                    row["name"].lower(),
                    row["percentage"],
                    row.get("vat_included", False),
                    row["date_from"],
                )
                not in known
            ]
        )
        (rows | created).filtered(lambda r: not r.sale_tax_id or not r.purchase_tax_id)._fill()
        return created

    def _fill(self):
        for row in self:
            company = row.backend_id.company_id
            if company.chart_template == "ro":
                sale, purchase, note = row._ro_taxes(company)
            else:
                sale, purchase = row._only_tax("sale"), row._only_tax("purchase")
                note = self.env._("The company has no single tax of this rate and kind.")
            sale, purchase = row.sale_tax_id or sale, row.purchase_tax_id or purchase
            row.write(
                {
                    "sale_tax_id": sale.id,
                    "purchase_tax_id": purchase.id,
                    "note": False if sale and purchase else note,
                }
            )

    def _ro_taxes(self, company):
        """l10n_ro's (sale, purchase) taxes of this row by template ids, and why not."""
        taxes = self.env["account.tax"]
        if self.non_deductible:
            return taxes, taxes, self.env._("Non-deductible VAT: choose the purchase tax.")
        if self.category not in RO_TEMPLATES:
            return taxes, taxes, self.env._("The name does not tell the VAT category.")
        rate = int(self.percentage)
        if self.category in ("AE", "K"):  # the VAT self-assessed: the standard rate
            if self.date_from and self.date_from >= RATE_CHANGE:
                rate = 21
            elif self.date_to and self.date_to < RATE_CHANGE:
                rate = 19
            else:
                note = self.env._("Valid before and after 1 August 2025: split it at that date.")
                return taxes, taxes, note
        templates = [template.format(rate=rate) for template in RO_TEMPLATES[self.category]]
        sale, purchase = (self._template_tax(company, template) for template in templates)
        if self.vat_included and sale:
            sale = self._included_twin(company, sale, templates[0])
        missing = [t for t, tax in zip(templates, (sale, purchase), strict=True) if not tax]
        note = self.env._("Romania's chart has no active tax %s here.", ", ".join(missing))
        return sale, purchase, note

    def _template_tax(self, company, template):
        tax = self.env.ref(f"account.{company.id}_{template}", raise_if_not_found=False)
        return tax if tax and tax.active else self.env["account.tax"]

    def _included_twin(self, company, tax, template):
        """The price-included copy of chart tax ``tax`` (made once, found by the xml id
        ``connector_smartbill.<company id>_<template>_incl``)."""
        xmlid = f"{company.id}_{template}_incl"
        twin = self.env.ref(f"connector_smartbill.{xmlid}", raise_if_not_found=False)
        if twin:
            return twin
        twin = tax.copy({"name": f"{tax.name} incl.", "price_include_override": "tax_included"})
        self.env["ir.model.data"].create(
            {
                "module": "connector_smartbill",
                "name": xmlid,
                "model": "account.tax",
                "res_id": twin.id,
                "noupdate": True,
            }
        )
        return twin

    def _only_tax(self, use):
        """The company's only tax of this row's rate and kind, or none when there is not
        exactly one (then a person chooses)."""
        if self.category != "S":
            return self.env["account.tax"]
        taxes = self.env["account.tax"].search(
            [
                ("company_id", "parent_of", self.backend_id.company_id.id),
                ("type_tax_use", "=", use),
                ("amount_type", "=", "percent"),
            ]
        )
        taxes = taxes.filtered(
            lambda t: not float_compare(t.amount, self.percentage, 2)
            and t.price_include == self.vat_included
        )
        return taxes if len(taxes) == 1 else taxes.browse()
