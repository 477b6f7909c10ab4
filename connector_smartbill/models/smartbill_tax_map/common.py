# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo import api, fields, models
from odoo.tools import float_compare

from odoo.addons.connector_accounting_base.exceptions import InvalidRecordError

from ...components.mapper import plain

# Romania's VAT change of 1 August 2025: 19 % -> 21 %, 9 % and 5 % -> 11 %.
RATE_CHANGE = date(2025, 8, 1)
LAST_DAY_BEFORE = RATE_CHANGE - timedelta(days=1)
RATES_SINCE = {21.0, 11.0}
# EN 16931's VAT categories (UNCL5305), as e-Factura lines state them
CATEGORIES = [
    ("S", "Standard rate"),
    ("AE", "Reverse charge (taxare inversa)"),
    ("Z", "Exempt with the right to deduct (SDD)"),
    ("E", "Exempt without the right to deduct (SFDD)"),
    ("K", "Intra-community supply"),
    ("G", "Export outside the EU"),
    ("O", "Not subject to VAT"),
]
# The rows every backend has: SmartBill's rates of today, those before 1 August 2025,
# and one per other category (reverse charge and intra-community purchases self-assess
# the VAT of the date, hence a row before and one since the change).
# (name, category, percentage, date_from, date_to)
DEFAULT_ROWS = [
    ("Normala", "S", 21.0, RATE_CHANGE, False),
    ("Redusa", "S", 11.0, RATE_CHANGE, False),
    ("Normala", "S", 19.0, False, LAST_DAY_BEFORE),
    ("Redusa", "S", 9.0, False, LAST_DAY_BEFORE),
    ("Redusa locuinte", "S", 5.0, False, LAST_DAY_BEFORE),
    ("Taxare inversa", "AE", 0.0, RATE_CHANGE, False),
    ("Taxare inversa", "AE", 0.0, False, LAST_DAY_BEFORE),
    ("SDD", "Z", 0.0, False, False),
    ("SFDD", "E", 0.0, False, False),
    ("Intracomunitar", "K", 0.0, RATE_CHANGE, False),
    ("Intracomunitar", "K", 0.0, False, LAST_DAY_BEFORE),
    ("Export", "G", 0.0, False, False),
    ("Neimpozabil", "O", 0.0, False, False),
]
# words of SmartBill's rate names that tell the category of a 0 % rate
CATEGORY_WORDS = [
    ("inversa", "AE"),
    ("sdd", "Z"),
    ("cu drept", "Z"),
    ("sfdd", "E"),
    ("fara drept", "E"),
    ("scutit", "E"),
    ("intracomunitar", "K"),
    ("export", "G"),
    ("neimpozabil", "O"),
    ("neinclus", "O"),
    ("not subject", "O"),
]


def category_of(name, percentage):
    """The VAT category of a SmartBill rate: standard when it has a rate, else told by
    its name; None when the name does not tell."""
    if percentage:
        return "S"
    key = plain(name)
    return next((category for word, category in CATEGORY_WORDS if word in key), None)


class SmartBillTaxMap(models.Model):
    """One SmartBill VAT rate, valid between two dates, and the Odoo taxes it means.

    SmartBill names its rates (Normala 21, Redusa 11, Taxare inversa 0...); a rate can
    be price-included. e-Factura lines state a category (S, AE, Z, E, K, G, O) and a
    percentage: each row has its category. An unmapped rate stops the record that needs
    it: the connector never guesses a tax.
    """

    _name = "smartbill.tax.map"
    _description = "SmartBill VAT Mapping"
    _order = "backend_id, percentage desc, category, vat_included, date_from"

    backend_id = fields.Many2one("smartbill.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    name = fields.Char("SmartBill tax name", required=True)
    category = fields.Selection(
        CATEGORIES,
        "VAT category",
        help="The e-Factura category of the rate: document lines are booked on the row "
        "of their category (and percentage, for the standard rate).",
    )
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
    note = fields.Char(readonly=True, help="Why the connector left a tax of this row empty.")

    _rate_uniq = models.Constraint(
        "unique(backend_id, name, percentage, vat_included, non_deductible, date_from)",
        "This SmartBill VAT rate is already mapped for this period.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "category" not in vals:
                vals["category"] = category_of(vals.get("name"), vals.get("percentage"))
        return super().create(vals_list)

    def _rate_label(self, percentage, vat_included):
        label = f"{percentage:g} %"
        return label + self.env._(" (VAT included)") if vat_included else label

    @api.model
    @api.private
    def tax_map_for(
        self,
        backend,
        on_date,
        percentage,
        vat_included=False,
        name=None,
        non_deductible=False,
        category=None,
    ):
        """The mapping valid on ``on_date`` of a rate: by its ``category`` when given (an
        e-Factura line; the percentage matters for the standard rate only), else by its
        ``percentage``, the one named ``name`` among rates of the same percentage
        (Taxare inversa, SDD and SFDD are all 0 %)."""
        domain = [("backend_id", "=", backend.id), ("non_deductible", "=", non_deductible)]
        valid = [
            "|",
            ("date_from", "=", False),
            ("date_from", "<=", on_date),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", on_date),
        ]
        rows = self._rows(self.search(domain + valid), percentage, name, category)
        if not rows and category:
            # the document states the rate: 19 % after 1 August 2025 still is 19 %
            # (deliveries before, advances), on the row of that rate of any date
            rows = self._rows(self.search(domain, order="date_to desc"), percentage, name, category)
        # a rate of 0 % is the same tax, prices with or without VAT
        exact = rows.filtered(lambda r: r.vat_included == vat_included)
        return (exact if exact or percentage else rows)[:1]

    @api.model
    def _rows(self, rows, percentage, name, category):
        same_rate = rows.filtered(lambda r: not float_compare(r.percentage, percentage, 2))
        if category:
            return (same_rate if category == "S" else rows).filtered(
                lambda r: r.category == category
            )
        named = same_rate.filtered(lambda r: r.name.lower() == (name or "").lower())
        return named or same_rate

    @api.model
    @api.private
    def tax_for(self, backend, on_date, percentage, vat_included=False, use="sale", **row):
        """The Odoo tax for a SmartBill rate or an e-Factura category (``row``: the
        ``name``, ``non_deductible`` and ``category`` of :meth:`tax_map_for`), or
        :class:`InvalidRecordError` naming the rate and the date when the mapping has
        none."""
        mapping = self.tax_map_for(backend, on_date, float(percentage), vat_included, **row)
        tax = mapping[f"{use}_tax_id"]
        if not tax:
            category = dict(CATEGORIES).get(row.get("category"))
            rate = self._rate_label(float(percentage), vat_included)
            raise InvalidRecordError(
                self.env._(
                    "SmartBill VAT rate %(rate)s on %(date)s has no %(use)s tax in the VAT "
                    "mapping of backend %(backend)s: set it in SmartBill > Configuration > "
                    "VAT mapping.%(note)s",
                    rate=(f"{category}, {rate}" if category else rate)
                    + (self.env._(" (non-deductible)") if row.get("non_deductible") else ""),
                    date=on_date,
                    use=use,
                    backend=backend.name,
                    note=f" {mapping.note}" if mapping.note else "",
                )
            )
        return tax
