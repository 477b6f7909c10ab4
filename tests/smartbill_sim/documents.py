"""The simulated company's issued invoices, and their e-Factura (UBL 2.1 CIUS-RO) XML.

Totals follow EN 16931 / CIUS-RO: a line's net is quantity x price minus its allowance,
rounded to the ban; VAT is computed per category and rate on the sum of those nets
(BR-CO-17), so an importer can check Odoo's totals against the XML to the ban.
"""

import io
import zipfile
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

UNIT_CODES = {
    "buc": "H87",
    "kg": "KGM",
    "l": "LTR",
    "m": "MTR",
    "ora": "HUR",
    "luna": "MON",
    "set": "SET",
    "zi": "DAY",
}
CENT = Decimal("0.01")
NS = {
    None: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CIUS_RO = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _line(rng, product, foreign, rate_divisor):
    category = "AE" if foreign or product["vatName"] == "Taxare inversa" else "S"
    price = product["price"] if not rate_divisor else money(product["price"] / rate_divisor)
    quantity = Decimal(rng.choice([1, 1, 2, 3, 5, 10, 12])) * (
        Decimal("0.5")
        if product["measuringUnitName"] in ("kg", "l", "m") and rng.random() < 0.3
        else 1
    )
    gross = money(quantity * price)
    return {
        "code": product["code"],
        "name": product["name"],
        "description": product["description"],
        "unit": product["measuringUnitName"],
        "unitCode": UNIT_CODES.get(product["measuringUnitName"], "H87"),
        "quantity": quantity,
        "price": price,
        "vatPercentage": Decimal(0) if category == "AE" else Decimal(product["vatPercentage"]),
        "category": category,
        "discountAmount": money(gross * Decimal("0.1")) if rng.random() < 0.1 else Decimal(0),
    }


def compute_totals(invoice):
    """Nets, VAT per (category, rate), totals; in the document's currency and RON."""
    groups = {}
    for line in invoice["lines"]:
        line["net"] = money(line["quantity"] * line["price"]) - line["discountAmount"]
        key = (line["category"], line["vatPercentage"])
        groups[key] = groups.get(key, Decimal(0)) + line["net"]
    allowance = invoice.get("allowance")
    if allowance:
        key = (allowance["category"], allowance["vatPercentage"])
        groups[key] = groups.get(key, Decimal(0)) - allowance["amount"]
    invoice["taxSubtotals"] = [
        {"category": cat, "percent": pct, "taxable": taxable, "tax": money(taxable * pct / 100)}
        for (cat, pct), taxable in sorted(groups.items())
    ]
    invoice["lineTotal"] = sum(line["net"] for line in invoice["lines"])
    invoice["net"] = sum(g["taxable"] for g in invoice["taxSubtotals"])
    invoice["vat"] = sum(g["tax"] for g in invoice["taxSubtotals"])
    invoice["total"] = invoice["net"] + invoice["vat"]
    rate = invoice.get("exchangeRate")
    invoice["vatRon"] = money(invoice["vat"] * rate) if rate else invoice["vat"]
    return invoice


def build_invoices(rng, clients, products, count, start):
    """``count`` invoices in series FCT and FCJ; about 1 in 20 is a credit note (381) of
    an earlier invoice and 1 in 30 a storno invoice (380 with negative quantities)."""
    invoices = {}
    next_numbers = {"FCT": 1, "FCJ": 1}
    issued = []
    for i in range(1, count + 1):
        series = "FCT" if i % 4 else "FCJ"  # FCJ: the Cluj store's own series
        number = f"{next_numbers[series]:04d}"
        next_numbers[series] += 1
        issue_date = start + timedelta(days=(i * 60) // max(count, 1))
        roll = rng.random()
        if issued and roll < 0.05:
            original = rng.choice(issued)
            kind, client = "credit_note", original["client"]
            lines = [
                dict(line) for line in original["lines"][: rng.randint(1, len(original["lines"]))]
            ]
            currency, rate = original["currency"], original["exchangeRate"]
        else:
            original = rng.choice(issued) if issued and roll < 0.083 else None
            kind = "storno" if original else "invoice"
            client_record = rng.choice(clients)
            client = original["client"] if original else client_record["id"]
            foreign = client_record.get("country") not in ("Romania", "RO")
            currency = "EUR" if foreign or rng.random() < 0.08 else "RON"
            rate = (Decimal("4.9700") + Decimal(i % 50) / 10000) if currency == "EUR" else None
            if original:
                currency, rate = original["currency"], original["exchangeRate"]
                lines = [dict(line, quantity=-line["quantity"]) for line in original["lines"]]
            else:
                lines = [
                    _line(rng, rng.choice(products), foreign, Decimal(5) if rate else None)
                    for _ in range(max(1, min(20, int(rng.expovariate(1 / 5)) + 1)))
                ]
        invoice = {
            "series": series,
            "number": number,
            "id": f"{series}{number}",
            "kind": kind,
            "typeCode": "381" if kind == "credit_note" else "380",
            "issueDate": issue_date,
            "dueDate": issue_date + timedelta(days=30),
            "currency": currency,
            "exchangeRate": rate,
            "client": client,
            "lines": lines,
            "billingReference": original["id"] if original else None,
            "allowance": None,
            "note": f"Factura emisa din SmartBill, seria {series}",
            # deleted: gone from SmartBill; withheld: issued, but its XML is not (yet) in
            # the folder a user downloads
            "deleted": False,
            "withheld": False,
        }
        if kind == "invoice" and lines[0]["category"] == "S" and rng.random() < 0.08:
            base = money(
                sum(
                    money(line["quantity"] * line["price"])
                    for line in lines
                    if (line["category"], line["vatPercentage"]) == ("S", lines[0]["vatPercentage"])
                )
                * Decimal("0.05")
            )
            invoice["allowance"] = {
                "reason": "Discount fidelitate",
                "amount": base,
                "category": "S",
                "vatPercentage": lines[0]["vatPercentage"],
            }
        compute_totals(invoice)
        paid_share = rng.choice([Decimal(1), Decimal(1), Decimal(0), Decimal("0.5")])
        invoice["paid"] = money(invoice["total"] * paid_share) if kind == "invoice" else Decimal(0)
        invoices[(series, number)] = invoice
        if kind == "invoice":
            issued.append(invoice)
        elif original:
            original["paid"] = Decimal(0)  # a credited invoice is not collected as well
    return invoices


def build_bills(rng, suppliers, products, count, start):
    """Invoices the company received from its suppliers; about 1 in 4 under domestic
    reverse charge (AE: cereals, scrap, wood...)."""
    bills = {}
    for i in range(1, count + 1):
        supplier = rng.choice(suppliers)
        series = f"S{supplier['code'][-3:]}"
        reverse = rng.random() < 0.25
        lines = []
        for _ in range(rng.randint(1, 6)):
            line = _line(rng, rng.choice(products), reverse, None)
            line["code"] = f"S-{line['code']}"  # the supplier's own codes
            if not reverse:
                line["category"] = "S"
                line["vatPercentage"] = Decimal(21)
            lines.append(line)
        issue_date = start + timedelta(days=(i * 60) // max(count, 1))
        bill = {
            "series": series,
            "number": f"{i:05d}",
            "id": f"{series}{i:05d}",
            "kind": "invoice",
            "typeCode": "380",
            "issueDate": issue_date,
            "dueDate": issue_date + timedelta(days=15),
            "currency": "RON",
            "exchangeRate": None,
            "supplier": supplier["id"],
            "client": None,
            "lines": lines,
            "billingReference": None,
            "allowance": None,
            "note": "Factura furnizor",
            "deleted": False,
            "withheld": False,
        }
        bills[bill["id"]] = compute_totals(bill)
    return bills


# -- UBL --------------------------------------------------------------------------------
def _el(parent, tag, text=None, **attrs):
    prefix, _sep, name = tag.rpartition(":")
    element = etree.SubElement(parent, f"{{{NS[prefix or None]}}}{name}", **attrs)
    if text is not None:
        element.text = str(text)
    return element


def _amount(parent, tag, value, currency):
    return _el(parent, tag, f"{Decimal(value):.2f}", currencyID=currency)


def _party(parent, tag, party):
    wrapper = _el(_el(parent, tag), "cac:Party")
    if party.get("vat"):
        _el(_el(wrapper, "cac:PartyIdentification"), "cbc:ID", party["vat"])
    address = _el(wrapper, "cac:PostalAddress")
    _el(address, "cbc:StreetName", party.get("address") or "-")
    _el(address, "cbc:CityName", party.get("city") or "-")
    if party.get("countySubentity"):
        _el(address, "cbc:CountrySubentity", party["countySubentity"])
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", party["countryCode"])
    if party.get("vat", "").startswith(("RO", "DE", "FR", "IT", "HU", "BG", "AT")):
        scheme = _el(wrapper, "cac:PartyTaxScheme")
        _el(scheme, "cbc:CompanyID", party["vat"])
        _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(wrapper, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", party["name"])
    _el(legal, "cbc:CompanyID", party.get("legalId") or party.get("vat") or "0000000000000")
    if party.get("email") or party.get("phone"):
        contact = _el(wrapper, "cac:Contact")
        if party.get("phone"):
            _el(contact, "cbc:Telephone", party["phone"])
        if party.get("email"):
            _el(contact, "cbc:ElectronicMail", party["email"])


COUNTRY_CODES = {
    "Romania": "RO",
    "Germania": "DE",
    "Franta": "FR",
    "Italia": "IT",
    "Ungaria": "HU",
    "Bulgaria": "BG",
    "Austria": "AT",
}


def party_of(record, county_codes):
    """A SmartBill client (or the company) as a UBL party."""
    vat = record.get("vatCode") or ""
    vat = "" if vat in ("-", "0000000000000") else vat
    country = COUNTRY_CODES.get(record.get("country"), record.get("country") or "RO")
    return {
        "name": record["name"],
        "vat": vat,
        "address": record.get("address"),
        "city": record.get("city"),
        "countryCode": country,
        "countySubentity": f"RO-{county_codes[record['county']]}"
        if country == "RO" and record.get("county") in county_codes
        else None,
        "email": record.get("email"),
        "phone": record.get("phone"),
        "legalId": record.get("regCom") if vat else None,
    }


def _totals(root, invoice, currency):
    """VAT per category and rate, the RON VAT of a foreign document, and the totals."""
    allowance = invoice["allowance"]
    total = _el(root, "cac:TaxTotal")
    _amount(total, "cbc:TaxAmount", invoice["vat"], currency)
    for group in invoice["taxSubtotals"]:
        subtotal = _el(total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", group["taxable"], currency)
        _amount(subtotal, "cbc:TaxAmount", group["tax"], currency)
        category = _el(subtotal, "cac:TaxCategory")
        _el(category, "cbc:ID", group["category"])
        _el(category, "cbc:Percent", f"{group['percent']:.2f}")
        if group["category"] == "AE":
            _el(category, "cbc:TaxExemptionReasonCode", "VATEX-EU-AE")
        _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    if currency != "RON":  # the VAT in RON, as the law requires (BT-111)
        _amount(_el(root, "cac:TaxTotal"), "cbc:TaxAmount", invoice["vatRon"], "RON")
    monetary = _el(root, "cac:LegalMonetaryTotal")
    _amount(monetary, "cbc:LineExtensionAmount", invoice["lineTotal"], currency)
    _amount(monetary, "cbc:TaxExclusiveAmount", invoice["net"], currency)
    _amount(monetary, "cbc:TaxInclusiveAmount", invoice["total"], currency)
    if allowance:
        _amount(monetary, "cbc:AllowanceTotalAmount", allowance["amount"], currency)
    _amount(monetary, "cbc:PayableAmount", invoice["total"], currency)


def _invoice_line(root, index, line, credit, currency):
    node = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _el(node, "cbc:ID", index)
    _el(
        node,
        "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
        f"{line['quantity']}",
        unitCode=line["unitCode"],
    )
    _amount(node, "cbc:LineExtensionAmount", line["net"], currency)
    if line["discountAmount"]:
        charge = _el(node, "cac:AllowanceCharge")
        _el(charge, "cbc:ChargeIndicator", "false")
        _el(charge, "cbc:AllowanceChargeReason", "Discount")
        _amount(charge, "cbc:Amount", line["discountAmount"], currency)
    item = _el(node, "cac:Item")
    if line["description"]:
        _el(item, "cbc:Description", line["description"])
    _el(item, "cbc:Name", line["name"])
    _el(_el(item, "cac:SellersItemIdentification"), "cbc:ID", line["code"])
    category = _el(item, "cac:ClassifiedTaxCategory")
    _el(category, "cbc:ID", line["category"])
    _el(category, "cbc:Percent", f"{line['vatPercentage']:.2f}")
    _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    price = _el(node, "cac:Price")
    _el(price, "cbc:PriceAmount", f"{line['price']}", currencyID=currency)


def ubl_xml(data, invoice, county_codes):
    """The CIUS-RO XML of ``invoice``, as SmartBill sends it to SPV."""
    credit = invoice["typeCode"] == "381"
    root_ns = CREDIT_NOTE_NS if credit else NS[None]
    nsmap = {**NS, None: root_ns}
    root = etree.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap=nsmap)
    currency = invoice["currency"]
    _el(root, "cbc:CustomizationID", CIUS_RO)
    _el(root, "cbc:ID", invoice["id"])
    _el(root, "cbc:IssueDate", invoice["issueDate"].isoformat())
    if not credit:
        _el(root, "cbc:DueDate", invoice["dueDate"].isoformat())
    _el(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", invoice["typeCode"])
    _el(root, "cbc:Note", invoice["note"])
    if invoice["exchangeRate"]:
        _el(root, "cbc:Note", f"Curs valutar BNR: 1 {currency} = {invoice['exchangeRate']} RON")
    _el(root, "cbc:DocumentCurrencyCode", currency)
    if currency != "RON":
        _el(root, "cbc:TaxCurrencyCode", "RON")
    if invoice["billingReference"]:
        ref = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(ref, "cbc:ID", invoice["billingReference"])
    company = {
        "name": data.company_name,
        "vatCode": data.cif,
        "address": "Str. Fabricii 1",
        "city": "Cluj-Napoca",
        "county": "Cluj",
        "country": "Romania",
        "regCom": "J12/1234/2020",
        "email": "office@demo.ro",
        "iban": "RO49AAAA1B31007593840000",
    }
    if invoice.get("supplier"):  # a bill the company received
        seller, buyer = data.find("suppliers", invoice["supplier"]), company
    else:
        seller, buyer = company, data.find("clients", invoice["client"])
    _party(root, "cac:AccountingSupplierParty", party_of(seller, county_codes))
    _party(root, "cac:AccountingCustomerParty", party_of(buyer, county_codes))
    means = _el(root, "cac:PaymentMeans")
    _el(means, "cbc:PaymentMeansCode", "42")
    _el(_el(means, "cac:PayeeFinancialAccount"), "cbc:ID", seller["iban"])
    allowance = invoice["allowance"]
    if allowance:
        node = _el(root, "cac:AllowanceCharge")
        _el(node, "cbc:ChargeIndicator", "false")
        _el(node, "cbc:AllowanceChargeReason", allowance["reason"])
        _amount(node, "cbc:Amount", allowance["amount"], currency)
        category = _el(node, "cac:TaxCategory")
        _el(category, "cbc:ID", allowance["category"])
        _el(category, "cbc:Percent", f"{allowance['vatPercentage']:.2f}")
        _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    _totals(root, invoice, currency)
    for index, line in enumerate(invoice["lines"], start=1):
        _invoice_line(root, index, line, credit, currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def efactura_zip(xml, name):
    """The zip SPV serves: the invoice XML and ANAF's signature beside it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.xml", xml)
        archive.writestr(
            f"semnatura_{name}.xml", b"<?xml version='1.0'?><Signature>simulated</Signature>"
        )
    return buffer.getvalue()
