"""The e-Factura reader: every element the importer needs, and clear errors."""

import io
import json
import zipfile
from decimal import Decimal

import pytest

from odoo.addons.connector_smartbill.cli.smartbill_read import main
from odoo.addons.connector_smartbill.efactura import EFacturaError, parse, read_files, split_id

from tests.smartbill_sim import generate


@pytest.fixture(scope="module")
def data():
    return generate("demo", seed=11)


def first(data, predicate):
    return next(i for i in data.invoices.values() if predicate(i))


def test_every_generated_invoice_reads_back_exactly(data):
    for invoice in data.invoices.values():
        doc = parse(data.invoice_xml(invoice), ["FCT", "FCJ"])
        assert (doc.series, doc.number) == (invoice["series"], invoice["number"])
        assert doc.tax_exclusive_amount == invoice["net"]
        assert doc.tax_amount == invoice["vat"]
        assert doc.payable_amount == invoice["total"]
        assert len(doc.lines) == len(invoice["lines"])
        assert sum(line.line_amount for line in doc.lines) == doc.line_extension_amount


def test_header_parties_and_lines(data):
    invoice = first(data, lambda i: i["kind"] == "invoice" and i["currency"] == "RON")
    doc = parse(data.invoice_xml(invoice))
    assert doc.type_code == "380" and not doc.is_credit_note
    assert doc.issue_date == invoice["issueDate"] and doc.due_date == invoice["dueDate"]
    assert doc.seller.vat == data.cif and doc.seller.cui == data.cif.removeprefix("RO")
    assert doc.seller.county == "RO-CJ" and doc.seller.registration == "J12/1234/2020"
    client = data.find("clients", invoice["client"])
    assert doc.buyer.name == client["name"]
    assert doc.payee_ibans == ["RO49AAAA1B31007593840000"]
    assert doc.notes == [f"Factura emisa din SmartBill, seria {invoice['series']}"]
    line, source = doc.lines[0], invoice["lines"][0]
    assert line.seller_item_code == source["code"]
    assert line.quantity == source["quantity"] and line.unit_price == source["price"]
    assert line.unit_code == source["unitCode"]
    assert (line.tax_category, line.tax_percent) == (source["category"], source["vatPercentage"])


def test_credit_note_with_billing_reference(data):
    invoice = first(data, lambda i: i["kind"] == "credit_note")
    doc = parse(data.invoice_xml(invoice))
    assert doc.is_credit_note and doc.type_code == "381"
    assert doc.billing_refs == [invoice["billingReference"]]
    assert doc.payable_amount > 0


def test_storno_invoice_has_negative_quantities(data):
    invoice = first(data, lambda i: i["kind"] == "storno")
    doc = parse(data.invoice_xml(invoice))
    assert not doc.is_credit_note and doc.payable_amount < 0
    assert all(line.quantity < 0 for line in doc.lines)


def test_eur_invoice_has_ron_vat_and_the_rate_smartbill_used(data):
    invoice = first(data, lambda i: i["currency"] == "EUR" and i["vat"])
    doc = parse(data.invoice_xml(invoice))
    assert (doc.currency, doc.tax_currency) == ("EUR", "RON")
    assert doc.tax_amount_ron == invoice["vatRon"]
    assert doc.exchange_rate == invoice["exchangeRate"]


def test_reverse_charge_for_eu_buyer(data):
    invoice = first(
        data,
        lambda i: any(line["category"] == "AE" for line in i["lines"])
        and data.find("clients", i["client"])["country"] != "Romania",
    )
    doc = parse(data.invoice_xml(invoice))
    assert {s.category for s in doc.tax_subtotals} == {"AE"}
    assert doc.tax_subtotals[0].exemption_reason == "VATEX-EU-AE"
    assert doc.tax_amount == 0 and doc.buyer.cui is None


def test_document_and_line_allowances(data):
    invoice = first(data, lambda i: i["allowance"])
    doc = parse(data.invoice_xml(invoice))
    assert doc.allowances[0].amount == invoice["allowance"]["amount"]
    assert not doc.allowances[0].is_charge
    assert doc.allowance_total == invoice["allowance"]["amount"]
    with_discount = first(data, lambda i: any(line["discountAmount"] for line in i["lines"]))
    doc = parse(data.invoice_xml(with_discount))
    discounted = next(line for line in doc.lines if line.allowances)
    assert discounted.line_amount == (
        discounted.quantity * discounted.unit_price - discounted.allowances[0].amount
    ).quantize(Decimal("0.01"))


def test_b2c_buyer_with_thirteen_zeros(data):
    invoice = first(
        data, lambda i: data.find("clients", i["client"])["vatCode"] in ("-", "0000000000000")
    )
    doc = parse(data.invoice_xml(invoice))
    assert doc.buyer.vat is None and doc.buyer.cui is None


def test_series_split_by_known_series():
    assert split_id("FCT0023", ["FC", "FCT"]) == ("FCT", "0023")
    assert split_id("B-CLJ 17", ["B-CLJ"]) == ("B-CLJ", "17")
    assert split_id("XYZ0042") == ("XYZ", "0042")


MINIMAL = b"""<?xml version="1.0"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>FCT0001</cbc:ID><cbc:IssueDate>2026-09-01</cbc:IssueDate>
 <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:DocumentCurrencyCode>RON</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party><cac:PostalAddress><cac:Country>
 <cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
 <cac:PartyLegalEntity><cbc:RegistrationName>S</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PostalAddress><cac:Country>
 <cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
 <cac:PartyLegalEntity><cbc:RegistrationName>B</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:TaxTotal><cbc:TaxAmount currencyID="RON">AMOUNT</cbc:TaxAmount></cac:TaxTotal>
 <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="RON">1</cbc:LineExtensionAmount>
 <cbc:TaxExclusiveAmount currencyID="RON">1</cbc:TaxExclusiveAmount>
 <cbc:TaxInclusiveAmount currencyID="RON">1</cbc:TaxInclusiveAmount>
 <cbc:PayableAmount currencyID="RON">1</cbc:PayableAmount></cac:LegalMonetaryTotal>
 LINE
</Invoice>"""
LINE = b"""<cac:InvoiceLine><cbc:ID>1</cbc:ID>
 <cbc:InvoicedQuantity unitCode="H87">1</cbc:InvoicedQuantity>
 <cbc:LineExtensionAmount currencyID="RON">1</cbc:LineExtensionAmount>
 <cac:Item><cbc:Name>X</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>
 </cac:ClassifiedTaxCategory></cac:Item>
 <cac:Price><cbc:PriceAmount currencyID="RON">1</cbc:PriceAmount></cac:Price></cac:InvoiceLine>"""


def minimal(amount=b"0", line=LINE):
    return MINIMAL.replace(b"AMOUNT", amount).replace(b"LINE", line)


def test_minimal_document_parses():
    assert parse(minimal()).lines[0].name == "X"


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"<Invoice><oops></Invoice>", "Not well-formed XML"),
        (
            b"<Order xmlns='urn:x'/>",
            "Not a UBL Invoice or CreditNote: root element is {urn:x}Order",
        ),
        (minimal(line=b""), "Missing mandatory element /Invoice/cac:InvoiceLine"),
        (
            minimal(amount=b"12,5"),
            "/Invoice/cac:TaxTotal[1]/cbc:TaxAmount is not a decimal number: '12,5'",
        ),
        (
            minimal(line=LINE.replace(b"<cbc:Name>X</cbc:Name>", b"")),
            "Missing mandatory element /Invoice/cac:InvoiceLine[1]/cac:Item/cbc:Name",
        ),
        (
            minimal(line=LINE.replace(b' unitCode="H87"', b"")),
            "Missing attribute unitCode on /Invoice/cac:InvoiceLine[1]/cbc:InvoicedQuantity",
        ),
        (
            minimal().replace(b"<cbc:IssueDate>2026-09-01", b"<cbc:IssueDate>01.09.2026"),
            "/Invoice/cbc:IssueDate is not a date: '01.09.2026'",
        ),
        (
            minimal(amount=b"2.105"),
            "/Invoice/cac:TaxTotal[1]/cbc:TaxAmount = 2.105 has more than 2 decimals",
        ),
    ],
)
def test_malformed_files_name_the_problem(xml, message):
    with pytest.raises(EFacturaError) as err:
        parse(xml)
    assert str(err.value).startswith(message)


def test_xml_bomb_and_huge_files_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Invoice>&lol2;</Invoice>'
    )
    with pytest.raises(EFacturaError, match="DOCTYPE"):
        parse(bomb)
    with pytest.raises(EFacturaError, match="File too large"):
        parse(b" " * (20 * 1024 * 1024 + 1))


def test_zip_as_spv_serves_it_skips_the_signature(data):
    invoice = data.invoices[("FCT", "0001")]
    files = list(read_files(data.invoice_zip(invoice), "4200001.zip"))
    assert [name for name, _xml in files] == ["FCT0001.xml"]
    with pytest.raises(EFacturaError, match="not a readable zip"):
        list(read_files(b"PK nope", "x.zip"))


def test_command_line_prints_json_and_fails_on_bad_files(data, tmp_path, capsys):
    good = tmp_path / "FCT0001.zip"
    good.write_bytes(data.invoice_zip(data.invoices[("FCT", "0001")]))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Invoice>")
    assert main([str(good)]) == 0
    output = json.loads(capsys.readouterr().out)
    document = output[0]["document"]
    for key in (
        "id",
        "series",
        "number",
        "type",
        "issue_date",
        "currency",
        "lines",
        "tax_exclusive_amount",
        "tax_amount",
        "payable_amount",
        "seller_vat",
        "buyer_vat",
    ):
        assert key in document
    assert document["id"] == "FCT0001" and document["type"] == "380"
    assert document["issue_date"] == data.invoices[("FCT", "0001")]["issueDate"].isoformat()
    assert main([str(good), str(bad)]) == 1
    output = json.loads(capsys.readouterr().out)
    assert output[1]["error"].startswith("Not well-formed XML")


def test_zip_with_oversized_member_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.xml", b" " * (20 * 1024 * 1024 + 1))
    with pytest.raises(EFacturaError, match="inflates to more than 20971520 bytes"):
        list(read_files(buffer.getvalue(), "x.zip"))
