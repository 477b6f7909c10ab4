# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base_iban.models.res_partner_bank import normalize_iban, validate_iban


class SmartBillResPartner(models.Model):
    """A SmartBill client (``cus_...``) or supplier (``sup_...``). A company that is
    both has two bindings on one partner."""

    _name = "smartbill.res.partner"
    _inherit = "smartbill.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "SmartBill Partner"
    _sync_entity, _sync_label = "partners", "Partners"

    odoo_id = fields.Many2one(
        "res.partner", "Partner", required=True, ondelete="cascade", index=True
    )
    partner_kind = fields.Selection(
        [("client", "Client"), ("supplier", "Supplier")],
        compute="_compute_partner_kind",
        store=True,
    )
    smartbill_code = fields.Char("SmartBill code")

    @api.depends("external_id")
    def _compute_partner_kind(self):
        for binding in self:
            binding.partner_kind = (
                "supplier" if (binding.external_id or "").startswith("sup_") else "client"
            )


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "smartbill.bound.mixin"]

    smartbill_bind_ids = fields.One2many(
        "smartbill.res.partner", "odoo_id", "SmartBill bindings", readonly=True
    )
    smartbill_vat_non_deductible = fields.Boolean(
        "VAT not deductible",
        help="Bills from this supplier use the non-deductible rows of the VAT mapping.",
    )
    smartbill_from_efactura = fields.Boolean(
        "Created from e-Factura",
        readonly=True,
        help="Created from an invoice's XML: SmartBill's partner list did not have it.",
    )

    @api.model
    def _smartbill_vat_domain(self, cui=None, vat=None, field="vat"):
        """The domain of the partners (by ``field``) with Romanian CUI ``cui``, written
        with or without RO, else with VAT number ``vat``; None without either."""
        if cui:
            return [(field, "in", [cui, f"RO{cui}", f"RO {cui}"])]
        if vat:
            return [(field, "=", vat)]
        return None

    @api.model
    def _smartbill_find(self, company, cui=None, vat=None):
        """The commercial partner of ``company`` (or shared) with that CUI or VAT number,
        archived ones included: the oldest when there are several."""
        domain = self._smartbill_vat_domain(cui, vat)
        if domain is None:
            return self.browse()
        return self.with_context(active_test=False).search(
            [*domain, ("parent_id", "=", False), ("company_id", "in", [False, company.id])],
            order="id",
            limit=1,
        )

    def _smartbill_bank_account(self, iban, bank_name=None):
        """This partner's bank account of ``iban``, created when new; none when ``iban``
        fails Odoo's IBAN check (a document's IBAN is the supplier's word, not a fact)."""
        self.ensure_one()
        accounts = self.env["res.partner.bank"]
        iban = normalize_iban(iban).upper()
        try:
            validate_iban(iban)
        except ValidationError:
            return accounts
        known = self.bank_ids.filtered(lambda account: account.sanitized_acc_number == iban)
        if known:
            return known[:1]
        bank = self.env["res.bank"]
        if bank_name:
            bank = bank.search([("name", "=", bank_name)], limit=1) or bank.create(
                {"name": bank_name}
            )
        return accounts.create({"partner_id": self.id, "acc_number": iban, "bank_id": bank.id})
