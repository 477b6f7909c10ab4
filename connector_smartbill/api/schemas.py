"""Typed SmartBill answers (pydantic v2).

Tolerant where SmartBill varies (``nextNumber`` as "0117" or 117, booleans as 1/0,
missing optional fields, unknown fields), strict where a wrong value would corrupt the
books: amounts and quantities are :class:`~decimal.Decimal` built from the JSON text
(the clients parse JSON with ``parse_float=Decimal``), never binary floats.
"""

from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel


def _to_decimal(value):
    if isinstance(value, bool):
        raise ValueError("an amount cannot be a boolean")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError) as err:
        raise ValueError(f"not an amount: {value!r}") from err
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return result


Amount = Annotated[Decimal, BeforeValidator(_to_decimal)]


class SmartBillModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
        coerce_numbers_to_str=True,
    )


# --------------------------------------------------------------------------- V1
class Tax(SmartBillModel):
    """A VAT rate defined in the company (``GET /tax``)."""

    name: str
    percentage: Amount


SeriesType = Literal["f", "p", "c"]
SERIES_TYPES = {"f": "invoice", "p": "proforma", "c": "receipt"}


class Series(SmartBillModel):
    """A document series and the number SmartBill will issue next (``GET /series``).

    ``next_number`` keeps SmartBill's text ("0117") because the zero padding is part of
    the document number printed on invoices; ``next_number_int`` is for arithmetic.
    """

    name: str
    next_number: str
    type: SeriesType

    @field_validator("type", mode="before")
    @classmethod
    def _lower_type(cls, value):
        return value.lower() if isinstance(value, str) else value

    @property
    def next_number_int(self):
        return int(self.next_number)


class StockProduct(SmartBillModel):
    product_name: str
    product_code: str | None = None
    measuring_unit: str | None = None
    quantity: Amount


class StockWarehouse(SmartBillModel):
    """A gestiune (stock location); ``warehouse_type`` is "en gros" or "en detail"."""

    warehouse_name: str
    warehouse_type: str | None = None


class WarehouseStock(SmartBillModel):
    warehouse: StockWarehouse
    products: list[StockProduct] = Field(default_factory=list)


class PaymentStatus(SmartBillModel):
    """Paid and unpaid amounts of one invoice, in the invoice's currency."""

    series: str | None = None
    number: str | None = None
    invoice_total_amount: Amount
    paid_amount: Amount
    unpaid_amount: Amount
    paid: bool | None = None

    @property
    def is_paid(self):
        return self.paid if self.paid is not None else self.unpaid_amount <= 0


class DocumentRef(SmartBillModel):
    """A document's series and number, as SmartBill names them in lists."""

    series: str = Field(validation_alias=AliasChoices("series", "seriesName"))
    number: str


class EstimateInvoices(SmartBillModel):
    """Invoices issued from a proforma (``GET /estimate/invoices``)."""

    are_invoices_created: bool = False
    invoices: list[DocumentRef] = Field(default_factory=list)


# --------------------------------------------------------------------------- V3
class DeliveryAddress(SmartBillModel):
    description: str | None = None
    address: str | None = None
    address_additional_info: str | None = None
    address_line3: str | None = None
    city: str | None = None
    county: str | None = None
    country: str | None = None
    zip_code: str | None = None
    default_address: bool = False


class Supplier(SmartBillModel):
    id: str
    name: str
    vat_code: str | None = None
    reg_com: str | None = None
    code: str | None = None
    address: str | None = None
    city: str | None = None
    county: str | None = None
    country: str | None = None
    bank: str | None = None
    iban: str | None = None
    email: str | None = None
    contact: str | None = None
    phone: str | None = None
    is_vat_payer: bool = False


class Client(Supplier):
    brand: str | None = None
    delivery_addresses: list[DeliveryAddress] = Field(default_factory=list)


class ContainerDeposit(SmartBillModel):
    type: str
    quantity: Amount


class Product(SmartBillModel):
    id: str
    name: str
    description: str | None = None
    code: str | None = None
    is_service: bool = False
    price: Amount | None = None
    measuring_unit_name: str | None = None
    currency: str = "RON"
    vat_percentage: Amount | None = None
    vat_name: str | None = None
    is_vat_included: bool = False
    cn_code: str | None = None
    cpv_code: str | None = None
    country_of_origin: str | None = None
    container_deposits: list[ContainerDeposit] = Field(default_factory=list)


class Warehouse(SmartBillModel):
    id: str
    name: str
    description: str | None = None
    type: str | None = None
    keeper: str | None = None
    address: str | None = None
    city: str | None = None
    county: str | None = None
    country: str | None = None
    is_custody: bool = False
