"""The canonical e-Factura document: what an invoice says, typed, independent of UBL."""

import hashlib
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

INVOICE, CREDIT_NOTE, CORRECTION, SELF_BILLED = "380", "381", "384", "389"


class Canonical(BaseModel):
    model_config = ConfigDict(frozen=True)


class Party(Canonical):
    name: str
    vat: str | None = None  # as written: RO123, 123, DE123...
    cui: str | None = None  # Romanian CUI digits, when the party has one
    registration: str | None = None  # trade register number or legal id
    street: str | None = None
    city: str | None = None
    county: str | None = None  # ISO 3166-2, e.g. RO-CJ
    country: str | None = None  # ISO 3166-1 alpha-2
    email: str | None = None
    phone: str | None = None


class AllowanceCharge(Canonical):
    is_charge: bool
    amount: Decimal
    reason: str | None = None
    reason_code: str | None = None
    base_amount: Decimal | None = None
    percent: Decimal | None = None
    tax_category: str | None = None
    tax_percent: Decimal | None = None


class TaxSubtotal(Canonical):
    category: str
    percent: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str | None = None


class Line(Canonical):
    id: str
    name: str
    description: str | None = None
    seller_item_code: str | None = None
    quantity: Decimal
    unit_code: str
    unit_price: Decimal  # price of base_quantity units
    base_quantity: Decimal = Decimal(1)
    line_amount: Decimal  # LineExtensionAmount: net, after line allowances and charges
    tax_category: str
    tax_percent: Decimal
    allowances: list[AllowanceCharge] = Field(default_factory=list)

    @property
    def price_per_unit(self):
        return self.unit_price / self.base_quantity


class Document(Canonical):
    id: str
    series: str
    number: str
    type_code: str
    is_credit_note: bool  # a CreditNote root or type 381
    issue_date: date
    due_date: date | None = None
    currency: str
    tax_currency: str | None = None
    seller: Party
    buyer: Party
    payment_means_code: str | None = None
    payee_ibans: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    contract_ref: str | None = None
    order_ref: str | None = None
    billing_refs: list[str] = Field(default_factory=list)
    allowances: list[AllowanceCharge] = Field(default_factory=list)
    lines: list[Line]
    tax_subtotals: list[TaxSubtotal] = Field(default_factory=list)
    line_extension_amount: Decimal
    tax_exclusive_amount: Decimal
    tax_inclusive_amount: Decimal
    allowance_total: Decimal = Decimal(0)
    charge_total: Decimal = Decimal(0)
    prepaid_amount: Decimal = Decimal(0)
    rounding_amount: Decimal = Decimal(0)
    payable_amount: Decimal
    tax_amount: Decimal  # VAT in the document's currency
    tax_amount_ron: Decimal | None = None  # VAT in RON (BT-111) for foreign documents
    exchange_rate: Decimal | None = None  # RON per currency unit, when stated or derivable

    @property
    def is_refund(self):
        """Booked as a credit note: a credit note, or a storno invoice (380 with negative
        amounts), whose amounts are then booked positive."""
        return self.is_credit_note or self.payable_amount < 0

    @property
    def issuer_code(self):
        """The issuer's VAT code as written, else its CUI (a bill's supplier key)."""
        return self.seller.vat or self.seller.cui

    def digest(self):
        """A digest of what the document says (not of its bytes: a signed copy or a
        re-download of the same invoice has the same)."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    def summary(self):
        """The keys of ``odoo-bin smartbill_read`` (documented in README)."""
        data = self.model_dump(mode="json")
        data.update(type=self.type_code, seller_vat=self.seller.vat, buyer_vat=self.buyer.vat)
        return data
