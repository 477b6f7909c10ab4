"""Read UBL 2.1 CIUS-RO (e-Factura) XML into a :class:`~.schemas.Document`.

Strict where the books depend on it: a missing mandatory element, a wrong root, an
amount that is not a number give :class:`EFacturaError` naming the element, never a
half-read document. The parser refuses DTDs and entities (no XML bomb) and files larger
than :data:`MAX_BYTES`.
"""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from .schemas import CREDIT_NOTE, AllowanceCharge, Document, Line, Party, TaxSubtotal

MAX_BYTES = 20 * 1024 * 1024
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
# "Curs valutar BNR: 1 EUR = 4.9771 RON", "curs 4,9771"
_RATE_NOTE = re.compile(r"curs\D*?(?:1\s*[A-Z]{3}\s*=\s*)?(\d+[.,]\d+)", re.IGNORECASE)
_ID = re.compile(r"^(?P<series>.*?)(?P<number>\d+)$")


class EFacturaError(ValueError):
    """The file is not a readable e-Factura invoice; the message says why and where."""

    retryable = False  # the same file gives the same error


class AnafRefusalError(EFacturaError):
    """ANAF's error file for an invoice it refused: ``index`` (ANAF's upload index) and
    ``errors`` (ANAF's messages) say which and why."""

    def __init__(self, index, errors):
        self.index = index
        self.errors = errors
        super().__init__(f"ANAF refused the invoice uploaded as {index}: {'; '.join(errors)}")


class SourceError(EFacturaError):
    """A source of documents (ANAF's SPV, a web folder) failed or refused; ``retryable``
    when trying later can help."""

    def __init__(self, message, retryable=False):
        super().__init__(message)
        self.retryable = retryable


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
    match = _ID.match(document_id.strip())
    if not match:
        return "", document_id.strip()
    return match["series"].strip(" -/"), match["number"]


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

    def text(self, xpath, required=False):
        node = self.must(xpath) if required else self.one(xpath)
        value = (node.element.text or "").strip() if node is not None else ""
        if required and not value:
            raise EFacturaError(f"Empty mandatory element {self.path}/{xpath}")
        return value or None

    def amount(self, xpath, required=False):
        value = self.text(xpath, required)
        if value is None:
            return None
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise EFacturaError(f"{self.path}/{xpath} is not a number: {value!r}") from None
        if not result.is_finite():
            raise EFacturaError(f"{self.path}/{xpath} is not a finite number: {value!r}")
        return result

    def money(self, xpath, required=False):
        """An amount of money: at most 2 decimals (CIUS-RO / EN 16931 BR-DEC rules)."""
        result = self.amount(xpath, required)
        if result is not None and result.as_tuple().exponent < -2:
            raise EFacturaError(
                f"{self.path}/{xpath} = {result} has more than 2 decimals; e-Factura "
                "amounts have at most 2"
            )
        return result

    def date(self, xpath, required=False):
        value = self.text(xpath, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise EFacturaError(f"{self.path}/{xpath} is not a date: {value!r}") from None


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


def _allowance(node):
    return AllowanceCharge(
        is_charge=node.text("cbc:ChargeIndicator", True).lower() == "true",
        amount=node.money("cbc:Amount", True),
        reason=node.text("cbc:AllowanceChargeReason"),
        reason_code=node.text("cbc:AllowanceChargeReasonCode"),
        base_amount=node.money("cbc:BaseAmount"),
        percent=node.amount("cbc:MultiplierFactorNumeric"),
        tax_category=node.text("cac:TaxCategory/cbc:ID"),
        tax_percent=node.amount("cac:TaxCategory/cbc:Percent"),
    )


def _line(node, credit):
    quantity = node.must("cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity")
    unit_code = quantity.element.get("unitCode")
    if not unit_code:
        raise EFacturaError(f"Missing attribute unitCode on {quantity.path}")
    price = node.must("cac:Price")
    return Line(
        id=node.text("cbc:ID", True),
        name=node.text("cac:Item/cbc:Name", True),
        description=node.text("cac:Item/cbc:Description"),
        seller_item_code=node.text("cac:Item/cac:SellersItemIdentification/cbc:ID"),
        quantity=node.amount("cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity", True),
        unit_code=unit_code,
        unit_price=price.amount("cbc:PriceAmount", True),
        base_quantity=price.amount("cbc:BaseQuantity") or Decimal(1),
        line_amount=node.money("cbc:LineExtensionAmount", True),
        tax_category=node.text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", True),
        tax_percent=node.amount("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") or Decimal(0),
        allowances=[_allowance(a) for a in node.all("cac:AllowanceCharge")],
    )


def parse(xml, known_series=()):
    """The :class:`Document` in ``xml`` (bytes)."""
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
    if root.tag == ANAF_ERRORS:
        errors = (" ".join(e.get("errorMessage", "").split()) for e in root.iter(ANAF_ERROR))
        raise AnafRefusalError(root.get("Index_incarcare"), [error for error in errors if error])
    kind = ROOTS.get(root.tag)
    if kind is None:
        raise EFacturaError(f"Not a UBL Invoice or CreditNote: root element is {root.tag}")
    doc = _Node(root, f"/{kind}")
    credit_root = kind == "CreditNote"
    type_code = doc.text("cbc:CreditNoteTypeCode" if credit_root else "cbc:InvoiceTypeCode", True)
    document_id = doc.text("cbc:ID", True)
    series, number = split_id(document_id, known_series)
    currency = doc.text("cbc:DocumentCurrencyCode", True)
    tax_totals = doc.all("cac:TaxTotal")
    if not tax_totals:
        raise EFacturaError(f"Missing mandatory element {doc.path}/cac:TaxTotal")
    tax_amounts = {
        t.must("cbc:TaxAmount").element.get("currencyID", currency): t.money("cbc:TaxAmount", True)
        for t in tax_totals
    }
    if currency not in tax_amounts:
        raise EFacturaError(f"No {doc.path}/cac:TaxTotal/cbc:TaxAmount in {currency}")
    lines = [
        _line(n, credit_root)
        for n in doc.all("cac:CreditNoteLine" if credit_root else "cac:InvoiceLine")
    ]
    if not lines:
        raise EFacturaError(
            f"Missing mandatory element {doc.path}/cac:"
            f"{'CreditNoteLine' if credit_root else 'InvoiceLine'}"
        )
    monetary = doc.must("cac:LegalMonetaryTotal")
    notes = [n.element.text.strip() for n in doc.all("cbc:Note") if n.element.text]
    tax_ron = tax_amounts.get("RON") if currency != "RON" else None
    return Document(
        id=document_id,
        series=series,
        number=number,
        type_code=type_code,
        is_credit_note=credit_root or type_code == CREDIT_NOTE,
        issue_date=doc.date("cbc:IssueDate", True),
        due_date=doc.date("cbc:DueDate") or doc.date("cac:PaymentMeans/cbc:PaymentDueDate"),
        currency=currency,
        tax_currency=doc.text("cbc:TaxCurrencyCode"),
        seller=_party(doc.must("cac:AccountingSupplierParty")),
        buyer=_party(doc.must("cac:AccountingCustomerParty")),
        payment_means_code=doc.text("cac:PaymentMeans/cbc:PaymentMeansCode"),
        payee_ibans=[
            n.element.text.strip()
            for n in doc.all("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID")
            if n.element.text
        ],
        notes=notes,
        contract_ref=doc.text("cac:ContractDocumentReference/cbc:ID"),
        order_ref=doc.text("cac:OrderReference/cbc:ID"),
        billing_refs=[
            n.element.text.strip()
            for n in doc.all("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID")
            if n.element.text
        ],
        allowances=[_allowance(a) for a in doc.all("cac:AllowanceCharge")],
        lines=lines,
        tax_subtotals=[
            TaxSubtotal(
                category=s.text("cac:TaxCategory/cbc:ID", True),
                percent=s.amount("cac:TaxCategory/cbc:Percent") or Decimal(0),
                taxable_amount=s.money("cbc:TaxableAmount", True),
                tax_amount=s.money("cbc:TaxAmount", True),
                exemption_reason=s.text("cac:TaxCategory/cbc:TaxExemptionReasonCode")
                or s.text("cac:TaxCategory/cbc:TaxExemptionReason"),
            )
            for t in tax_totals
            for s in t.all("cac:TaxSubtotal")
        ],
        line_extension_amount=monetary.money("cbc:LineExtensionAmount", True),
        tax_exclusive_amount=monetary.money("cbc:TaxExclusiveAmount", True),
        tax_inclusive_amount=monetary.money("cbc:TaxInclusiveAmount", True),
        allowance_total=monetary.money("cbc:AllowanceTotalAmount") or Decimal(0),
        charge_total=monetary.money("cbc:ChargeTotalAmount") or Decimal(0),
        prepaid_amount=monetary.money("cbc:PrepaidAmount") or Decimal(0),
        rounding_amount=monetary.money("cbc:PayableRoundingAmount") or Decimal(0),
        payable_amount=monetary.money("cbc:PayableAmount", True),
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


def read_files(content, filename):
    """The XML files in an upload: the file itself, or the invoice XMLs of a zip as SPV
    and SmartBill serve them (ANAF's ``semnatura_*`` signature files are skipped).
    Yields (name, bytes)."""
    if not filename.lower().endswith(".zip"):
        yield filename, content
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise EFacturaError(f"{filename} is not a zip file") from None
    with archive:
        for info in archive.infolist():
            name = info.filename.rsplit("/", 1)[-1]
            if not name.lower().endswith(".xml") or name.lower().startswith("semnatura"):
                continue
            if info.file_size > MAX_BYTES:
                raise EFacturaError(f"{filename}/{name} is too large ({info.file_size} bytes)")
            yield name, archive.read(info)
