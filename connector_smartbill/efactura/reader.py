"""Read UBL 2.1 CIUS-RO (e-Factura) XML into a :class:`~.schemas.Document`.

Strict where the books depend on it: a missing mandatory element, a wrong root, an
amount that is not a number give :class:`EFacturaError` naming the element, never a
half-read document. The parser refuses DTDs and entities (no XML bomb) and files larger
than :data:`MAX_BYTES`.
"""

import io
import re
from datetime import date
from decimal import Decimal

from lxml import etree
from pydantic import ValidationError as PydanticError

from .errors import MAX_BYTES, AnafRefusalError, EFacturaError
from .schemas import CREDIT_NOTE, AllowanceCharge, Document, Line, Party, TaxSubtotal

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
# ANAF's answer to an upload it refused: the file an SPV "ERORI FACTURA" message holds
ANAF_NS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"
ANAF_ERRORS = f"{{{ANAF_NS}}}header"
ANAF_ERROR = f"{{{ANAF_NS}}}Error"
ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "CreditNote",
}
NS = {"cac": CAC, "cbc": CBC}
# "Curs valutar BNR: 1 EUR = 4.9771 RON", "curs 4,9771": bounded, so linear in the note
_RATE_NOTE = re.compile(
    r"curs\D{0,40}?(?:1\s{0,3}[A-Z]{3}\s{0,3}=\s{0,3})?(\d{1,6}[.,]\d{1,8})",
    re.IGNORECASE | re.ASCII,
)
# XML Schema's lexical forms, ASCII digits only: no exponent, no separators
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
MAX_DIGITS = 18  # of an amount or a quantity: more is not an invoice's
MAX_TEXT = 1000  # characters of an identifier, a name or a code
MAX_NOTE = 100_000  # characters of a note or an item's description


def is_placeholder(value):
    """Whether an identifier stands for none: empty, ``-``, ``0`` or zeros (the CNP
    ``0000000000000`` of a private buyer), which must not be stored as one."""
    text = (value or "").strip()
    return not text.strip("-0 ")


def split_id(document_id, known_series=()):
    """``FCT0023`` -> (``FCT``, ``0023``): by the longest known series that prefixes
    the id, else letters then trailing digits."""
    for series in sorted(known_series, key=len, reverse=True):
        rest = document_id[len(series) :].lstrip(" -/")
        if document_id.startswith(series) and rest:
            return series, rest
    document_id = document_id.strip()
    series = document_id.rstrip("0123456789")
    if series == document_id:  # no trailing number
        return "", document_id
    return series.strip(" -/"), document_id[len(series) :]


class _Node:
    """An element and its path, for messages that say where a problem is."""

    def __init__(self, element, path):
        self.element = element
        self.path = path

    def all(self, xpath):
        return [
            _Node(e, f"{self.path}/{xpath}[{i}]")
            for i, e in enumerate(self.element.findall(xpath, NS), start=1)
        ]

    def one(self, xpath):
        found = self.element.find(xpath, NS)
        return _Node(found, f"{self.path}/{xpath}") if found is not None else None

    def must(self, xpath):
        node = self.one(xpath)
        if node is None:
            raise EFacturaError(f"Missing mandatory element {self.path}/{xpath}")
        return node

    def value(self, limit=MAX_TEXT):
        """This element's whole text: refused when it is not a single text value (a
        comment or an element inside would hide part of it) or longer than ``limit``."""
        if len(self.element):
            raise EFacturaError(f"{self.path} is not a single text value")
        value = (self.element.text or "").strip()
        if len(value) > limit:
            raise EFacturaError(f"{self.path} is longer than {limit} characters")
        return value or None

    def text(self, xpath, required=False, limit=MAX_TEXT):
        node = self.must(xpath) if required else self.one(xpath)
        value = node.value(limit) if node is not None else None
        if required and not value:
            raise EFacturaError(f"Empty mandatory element {node.path}")
        return value

    def texts(self, xpath, limit=MAX_TEXT):
        """The non-empty values of every ``xpath`` element."""
        return [value for node in self.all(xpath) if (value := node.value(limit))]

    def amount(self, xpath, required=False):
        """A decimal in XML Schema's form (``1234.56``: ASCII digits, no exponent)."""
        value = self.text(xpath, required)
        if value is None:
            return None
        digits = sum(c.isdigit() for c in value)
        if not _DECIMAL.fullmatch(value) or digits > MAX_DIGITS:
            raise EFacturaError(f"{self.path}/{xpath} is not a decimal number: {value[:40]!r}")
        return Decimal(value)

    def money(self, xpath, required=False, currency=None):
        """An amount of money in ``currency`` (its currencyID must say so): at most 2
        decimals (CIUS-RO / EN 16931 BR-DEC rules)."""
        result = self.amount(xpath, required)
        if result is None:
            return None
        if currency:
            self._in(xpath, currency)
        if result.as_tuple().exponent < -2:
            raise EFacturaError(
                f"{self.path}/{xpath} = {result} has more than 2 decimals; e-Factura "
                "amounts have at most 2"
            )
        return result

    def price(self, xpath, currency):
        """A unit price in ``currency``: any number of decimals."""
        result = self.amount(xpath, True)
        self._in(xpath, currency)
        return result

    def _in(self, xpath, currency):
        stated = self.one(xpath).element.get("currencyID")
        if stated != currency:
            raise EFacturaError(
                f"{self.path}/{xpath} is in {stated!r}, not in the document's {currency}"
            )

    def date(self, xpath, required=False):
        value = self.text(xpath, required)
        if value is None:
            return None
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise EFacturaError(f"{self.path}/{xpath} is not a date: {value[:40]!r}") from None


def _identifier(node, xpath):
    value = node.text(xpath)
    return None if is_placeholder(value) else value


def _party(node):
    party = node.must("cac:Party")
    vat = _identifier(party, "cac:PartyTaxScheme/cbc:CompanyID")
    legal = _identifier(party, "cac:PartyLegalEntity/cbc:CompanyID")
    ident = _identifier(party, "cac:PartyIdentification/cbc:ID")
    candidates = [v.replace(" ", "").upper() for v in (vat, ident, legal) if v]
    cui = next(
        (
            c.removeprefix("RO")
            for c in candidates
            if c.removeprefix("RO").isdigit() and 2 <= len(c.removeprefix("RO")) <= 10
        ),
        None,
    )
    name = party.text("cac:PartyLegalEntity/cbc:RegistrationName") or party.text(
        "cac:PartyName/cbc:Name"
    )
    if not name:
        raise EFacturaError(
            f"Missing mandatory element {party.path}/cac:PartyLegalEntity/" "cbc:RegistrationName"
        )
    return Party(
        name=name,
        vat=vat or (ident if cui else None),
        cui=cui,
        registration=legal if legal and legal != vat else None,
        street=party.text("cac:PostalAddress/cbc:StreetName"),
        city=party.text("cac:PostalAddress/cbc:CityName"),
        county=party.text("cac:PostalAddress/cbc:CountrySubentity"),
        country=party.text("cac:PostalAddress/cac:Country/cbc:IdentificationCode", True),
        email=party.text("cac:Contact/cbc:ElectronicMail"),
        phone=party.text("cac:Contact/cbc:Telephone"),
    )


def _allowance(node, currency):
    indicator = node.text("cbc:ChargeIndicator", True)
    if indicator not in ("true", "false"):
        raise EFacturaError(f"{node.path}/cbc:ChargeIndicator is not true or false")
    return AllowanceCharge(
        is_charge=indicator == "true",
        amount=node.money("cbc:Amount", True, currency),
        reason=node.text("cbc:AllowanceChargeReason"),
        reason_code=node.text("cbc:AllowanceChargeReasonCode"),
        base_amount=node.money("cbc:BaseAmount", False, currency),
        percent=node.amount("cbc:MultiplierFactorNumeric"),
        tax_category=node.text("cac:TaxCategory/cbc:ID"),
        tax_percent=node.amount("cac:TaxCategory/cbc:Percent"),
    )


def _line(node, credit, currency):
    quantity = node.must("cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity")
    unit_code = quantity.element.get("unitCode")
    if not unit_code:
        raise EFacturaError(f"Missing attribute unitCode on {quantity.path}")
    price = node.must("cac:Price")
    return Line(
        id=node.text("cbc:ID", True),
        name=node.text("cac:Item/cbc:Name", True),
        description=node.text("cac:Item/cbc:Description", limit=MAX_NOTE),
        seller_item_code=node.text("cac:Item/cac:SellersItemIdentification/cbc:ID"),
        quantity=node.amount("cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity", True),
        unit_code=unit_code,
        unit_price=price.price("cbc:PriceAmount", currency),
        base_quantity=_base_quantity(price),
        line_amount=node.money("cbc:LineExtensionAmount", True, currency),
        tax_category=node.text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", True),
        tax_percent=node.amount("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") or Decimal(0),
        allowances=[_allowance(a, currency) for a in node.all("cac:AllowanceCharge")],
    )


def _base_quantity(price):
    quantity = price.amount("cbc:BaseQuantity")
    if quantity is not None and quantity <= 0:
        raise EFacturaError(f"{price.path}/cbc:BaseQuantity is not a positive quantity")
    return quantity or Decimal(1)


def root_of(xml):
    """The root element of ``xml`` (bytes), read with no DTD, entity or network: an
    e-Factura Invoice or CreditNote, or ANAF's refusal; anything else is refused."""
    if len(xml) > MAX_BYTES:
        raise EFacturaError(f"File too large ({len(xml)} bytes, at most {MAX_BYTES})")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.parse(io.BytesIO(xml), parser)
    except etree.XMLSyntaxError as err:
        raise EFacturaError(f"Not well-formed XML: {err}") from None
    if tree.docinfo.doctype:
        raise EFacturaError("XML with a DOCTYPE is refused (e-Factura files have none)")
    root = tree.getroot()
    if root.tag != ANAF_ERRORS and root.tag not in ROOTS:
        raise EFacturaError(f"Not a UBL Invoice or CreditNote: root element is {root.tag}")
    return root


def parse(xml, known_series=()):
    """The :class:`Document` in ``xml`` (bytes)."""
    root = root_of(xml)
    if root.tag == ANAF_ERRORS:
        errors = (" ".join(e.get("errorMessage", "").split()) for e in root.iter(ANAF_ERROR))
        raise AnafRefusalError(root.get("Index_incarcare"), [error for error in errors if error])
    kind = ROOTS[root.tag]
    doc = _Node(root, f"/{kind}")
    credit_root = kind == "CreditNote"
    type_code = doc.text("cbc:CreditNoteTypeCode" if credit_root else "cbc:InvoiceTypeCode", True)
    document_id = doc.text("cbc:ID", True)
    series, number = split_id(document_id, known_series)
    currency = doc.text("cbc:DocumentCurrencyCode", True)
    tax_currency = doc.text("cbc:TaxCurrencyCode")
    totals = {}  # the TaxTotal of each currency: one each
    for total in doc.all("cac:TaxTotal"):
        stated = total.must("cbc:TaxAmount").element.get("currencyID")
        if stated not in (currency, tax_currency or currency):
            raise EFacturaError(
                f"{total.path}/cbc:TaxAmount is in {stated!r}, neither the document's "
                f"currency nor its VAT currency"
            )
        if stated in totals:
            raise EFacturaError(f"{total.path}: a second cac:TaxTotal in {stated}")
        totals[stated] = total
    if currency not in totals:
        raise EFacturaError(f"No {doc.path}/cac:TaxTotal/cbc:TaxAmount in {currency}")
    tax_amounts = {code: t.money("cbc:TaxAmount", True, code) for code, t in totals.items()}
    lines = [
        _line(n, credit_root, currency)
        for n in doc.all("cac:CreditNoteLine" if credit_root else "cac:InvoiceLine")
    ]
    if not lines:
        raise EFacturaError(
            f"Missing mandatory element {doc.path}/cac:"
            f"{'CreditNoteLine' if credit_root else 'InvoiceLine'}"
        )
    monetary = doc.must("cac:LegalMonetaryTotal")
    notes = doc.texts("cbc:Note", MAX_NOTE)
    tax_ron = tax_amounts.get("RON") if currency != "RON" else None
    try:
        return _document(doc, locals())
    except (ArithmeticError, PydanticError) as err:
        raise EFacturaError(f"{doc.path}: {err}") from None


def _document(doc, read):
    """The :class:`Document` of ``doc``, with what :func:`parse` has ``read``."""
    currency, monetary = read["currency"], read["monetary"]
    tax_amounts, tax_ron, notes = read["tax_amounts"], read["tax_ron"], read["notes"]
    return Document(
        id=read["document_id"],
        series=read["series"],
        number=read["number"],
        type_code=read["type_code"],
        is_credit_note=read["credit_root"] or read["type_code"] == CREDIT_NOTE,
        issue_date=doc.date("cbc:IssueDate", True),
        due_date=doc.date("cbc:DueDate") or doc.date("cac:PaymentMeans/cbc:PaymentDueDate"),
        currency=currency,
        tax_currency=read["tax_currency"],
        seller=_party(doc.must("cac:AccountingSupplierParty")),
        buyer=_party(doc.must("cac:AccountingCustomerParty")),
        payment_means_code=doc.text("cac:PaymentMeans/cbc:PaymentMeansCode"),
        payee_ibans=doc.texts("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
        notes=notes,
        contract_ref=doc.text("cac:ContractDocumentReference/cbc:ID"),
        order_ref=doc.text("cac:OrderReference/cbc:ID"),
        billing_refs=doc.texts("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
        allowances=[_allowance(a, currency) for a in doc.all("cac:AllowanceCharge")],
        lines=read["lines"],
        tax_subtotals=[
            TaxSubtotal(
                category=s.text("cac:TaxCategory/cbc:ID", True),
                percent=s.amount("cac:TaxCategory/cbc:Percent") or Decimal(0),
                taxable_amount=s.money("cbc:TaxableAmount", True, currency),
                tax_amount=s.money("cbc:TaxAmount", True, currency),
                exemption_reason=s.text("cac:TaxCategory/cbc:TaxExemptionReasonCode")
                or s.text("cac:TaxCategory/cbc:TaxExemptionReason"),
            )
            for s in read["totals"][currency].all("cac:TaxSubtotal")
        ],
        line_extension_amount=monetary.money("cbc:LineExtensionAmount", True, currency),
        tax_exclusive_amount=monetary.money("cbc:TaxExclusiveAmount", True, currency),
        tax_inclusive_amount=monetary.money("cbc:TaxInclusiveAmount", True, currency),
        allowance_total=monetary.money("cbc:AllowanceTotalAmount", False, currency) or Decimal(0),
        charge_total=monetary.money("cbc:ChargeTotalAmount", False, currency) or Decimal(0),
        prepaid_amount=monetary.money("cbc:PrepaidAmount", False, currency) or Decimal(0),
        rounding_amount=monetary.money("cbc:PayableRoundingAmount", False, currency) or Decimal(0),
        payable_amount=monetary.money("cbc:PayableAmount", True, currency),
        tax_amount=tax_amounts[currency],
        tax_amount_ron=tax_ron,
        exchange_rate=_exchange_rate(notes, tax_amounts[currency], tax_ron)
        if currency != "RON"
        else None,
    )


def _exchange_rate(notes, tax, tax_ron):
    """RON per unit of the document's currency: the rate the note states (SmartBill
    prints the BNR rate it used), else RON VAT / VAT, else unknown."""
    for note in notes:
        match = _RATE_NOTE.search(note)
        if match:
            return Decimal(match[1].replace(",", "."))
    if tax_ron and tax:
        return (tax_ron / tax).quantize(Decimal("0.0001"))
    return None
