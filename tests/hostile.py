"""A corpus of broken and hostile e-Factura files, generated when the tests run (nothing
large is committed): each with what the connector must answer, a refusal naming the
reason, or the exact values where the input is valid.

Built from a real invoice (OCA l10n-romania's ``invoice.xml``, see
``tests/fixtures/efactura``) and the simulator's foreign-currency invoice. Used by the
command-line reader's test (``tests/test_hostile.py``) and the upload wizard's
(``connector_smartbill/tests/test_hostile_uploads.py``).
"""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "efactura"
REAL = (FIXTURES / "oca_invoice.xml").read_bytes()  # FBRAO2092: 10,000.00 + 1,900.00 RON


@dataclass
class Case:
    name: str  # the file's name (its extension matters)
    content: bytes
    error: str | None = None  # a part of the refusal's message
    values: dict | None = None  # or: what a valid input reads as
    sparse_size: int = 0  # a file of this size, mostly holes (made on disk, not in memory)


def _zip(members, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _patch_headers(content, offset_local, offset_central, value, size=4):
    """Overwrite a field of every local and central header of a zip."""
    data = bytearray(content)
    fmt = "<I" if size == 4 else "<H"
    for signature, offset in ((b"PK\x03\x04", offset_local), (b"PK\x01\x02", offset_central)):
        start = data.find(signature)
        while start != -1:
            data[start + offset : start + offset + size] = struct.pack(fmt, value)
            start = data.find(signature, start + 4)
    return bytes(data)


def _zip_bomb(inflated=200 * 1024 * 1024):
    """A deflated member of ``inflated`` zeros whose headers claim 1,000 bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    deflated = b"".join(compressor.compress(chunk) for _ in range(inflated >> 20))
    deflated += compressor.flush()
    name = b"bomb.xml"
    crc = 0
    for _ in range(inflated >> 20):
        crc = zlib.crc32(chunk, crc)
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), 1000, len(name), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(deflated), 1000, len(name), 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    body = local + name + deflated
    directory = central + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end


def _replace(old, new, count=1):
    assert old in REAL, old
    return REAL.replace(old, new, count)


VALID = {"id": "FBRAO2092", "tax_exclusive_amount": "10000.00", "tax_amount": "1900.00"}


def cases():
    """The corpus: more than 50 cases."""
    deep = b"<a>" * 20_000 + b"</a>" * 20_000
    amount = b'<cbc:TaxExclusiveAmount currencyID="RON">10000.00</cbc:TaxExclusiveAmount>'
    valid_zip = _zip([("5004879752.xml", REAL), ("semnatura_5004879752.xml", b"<sig/>")])
    return [
        # -- zips -----------------------------------------------------------------------
        # zipfile reads what the header claims, then checks the CRC: 1,000 bytes, not 200 MB
        Case("bomb.zip", _zip_bomb(), "is damaged: Bad CRC-32"),
        Case("bad-crc.zip", _patch_headers(valid_zip, 14, 16, 0xDEADBEEF), "damaged"),
        Case("encrypted.zip", _patch_headers(valid_zip, 6, 8, 1, size=2), "encrypted"),
        Case("ppmd.zip", _patch_headers(valid_zip, 8, 10, 98, size=2), "compression method"),
        Case("empty.zip", _zip([]), "holds no invoice XML"),
        Case("signature-only.zip", _zip([("semnatura_1.xml", b"<s/>")]), "no invoice XML"),
        Case("nested.zip", _zip([("inner.zip", valid_zip)]), values=VALID),
        Case(
            "nested-twice.zip",
            _zip([("inner.zip", _zip([("deeper.zip", valid_zip)]))]),
            "a zip in a zip in a zip is refused",
        ),
        Case("truncated.zip", valid_zip[: len(valid_zip) // 2], "not a readable zip"),
        Case("not-a-zip.zip", b"PK\x03\x04" + b"not a zip" * 100, "not a readable zip"),
        Case(
            "many-members.zip",
            _zip([(f"m{i}.txt", b"") for i in range(2001)], zipfile.ZIP_STORED),
            "members (at most 2000)",
        ),
        Case(
            "too-much.zip",
            _zip([(f"part{i}.xml", b" " * (19 << 20)) for i in range(6)]),
            "inflates to more than",
        ),
        Case("big-member.zip", _zip([("big.xml", b" " * (21 << 20))]), "inflates to more"),
        Case("stored.zip", _zip([("a.xml", REAL)], zipfile.ZIP_STORED), values=VALID),
        Case("spv.zip", valid_zip, values=VALID),
        # -- files too large, read or not ------------------------------------------------
        Case("huge.xml", b"", "larger than", sparse_size=1 << 30),
        Case("huge.zip", b"", "larger than", sparse_size=1 << 30),
        # -- XML that is not what it says ------------------------------------------------
        Case(
            "xxe.xml",
            b'<?xml version="1.0"?><!DOCTYPE i [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Invoice>&x;</Invoice>",
            "DOCTYPE",
        ),
        Case(
            "laughs.xml",
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Invoice>&b;</Invoice>',
            "DOCTYPE",
        ),
        Case(
            "external-dtd.xml",
            b'<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/x.dtd">'
            b"<Invoice/>",
            "DOCTYPE",
        ),
        Case("deep.xml", deep, "Not well-formed XML"),
        Case("empty.xml", b"", "Not well-formed XML"),
        Case("garbage.xml", bytes(range(256)) * 8, "Not well-formed XML"),
        Case("html.xml", b"<html><body>502 Bad Gateway</body></html>", "root element is html"),
        Case("other-root.xml", b'<Order xmlns="urn:x"/>', "root element is {urn:x}Order"),
        # -- amounts, quantities and dates in their strict lexical forms ------------------
        Case(
            "comment-in-amount.xml",
            _replace(b">10000.00<", b">10000<!-- x -->.00<"),
            "not a single text value",
        ),  # fmt: skip
        Case(
            "pi-in-amount.xml",
            _replace(b">10000.00<", b">10000<?x y?>.00<"),
            "not a single text value",
        ),  # fmt: skip
        Case("exponent.xml", _replace(b">10000.00<", b">1E+9999<"), "not a decimal number"),
        Case("scientific.xml", _replace(b">10000.00<", b">1.0E4<"), "not a decimal number"),
        Case("underscore.xml", _replace(b">10000.00<", b">10_000.00<"), "not a decimal"),
        Case(
            "arabic-digits.xml",
            _replace(b">10000.00<", ">\u0661\u0660\u0660\u0660\u0660.\u0660\u0660<".encode()),
            "not a decimal number",
        ),
        Case("comma.xml", _replace(b">10000.00<", b">10000,00<"), "not a decimal number"),
        Case("nan.xml", _replace(b">10000.00<", b">NaN<"), "not a decimal number"),
        Case("infinity.xml", _replace(b">10000.00<", b">Infinity<"), "not a decimal number"),
        Case(
            "huge-amount.xml",
            _replace(b">10000.00<", b">" + b"9" * 40 + b"<"),
            "not a decimal number",
        ),  # fmt: skip
        Case("three-decimals.xml", _replace(b">10000.00<", b">10000.001<"), "2 decimals"),
        Case("week-date.xml", _replace(b">2022-09-01<", b">2022W351<"), "is not a date"),
        Case("no-such-day.xml", _replace(b">2022-09-01<", b">2022-02-30<"), "is not a date"),
        Case("datetime.xml", _replace(b">2022-09-01<", b">2022-09-01T10:00:00<"), "not a date"),
        Case(
            "negative-base.xml",
            _replace(b'C62">1.0</cbc:BaseQuantity>', b'C62">-1.0</cbc:BaseQuantity>'),
            "BaseQuantity is not a positive quantity",
        ),
        # -- currencies and totals that contradict each other -----------------------------
        Case(
            "line-in-usd.xml",
            _replace(
                b'<cbc:LineExtensionAmount currencyID="RON">5000.00',
                b'<cbc:LineExtensionAmount currencyID="USD">5000.00',
            ),
            "is in 'USD'",
        ),
        Case(
            "no-currency.xml",
            _replace(amount, b"<cbc:TaxExclusiveAmount>10000.00</cbc:TaxExclusiveAmount>"),
            "is in None",
        ),
        Case(
            "two-tax-totals.xml",
            _replace(
                b"<cac:TaxTotal>",
                b'<cac:TaxTotal><cbc:TaxAmount currencyID="RON">1.00</cbc:TaxAmount>'
                b"</cac:TaxTotal><cac:TaxTotal>",
            ),
            "a second cac:TaxTotal in RON",
        ),
        Case(
            "third-currency.xml",
            _replace(
                b"<cac:TaxTotal>",
                b'<cac:TaxTotal><cbc:TaxAmount currencyID="GBP">1.00</cbc:TaxAmount>'
                b"</cac:TaxTotal><cac:TaxTotal>",
            ),
            "neither the document's currency",
        ),
        Case(
            "charge-indicator.xml",
            _replace(
                b"<cac:LegalMonetaryTotal>",
                b"<cac:AllowanceCharge><cbc:ChargeIndicator>yes</cbc:ChargeIndicator>"
                b'<cbc:Amount currencyID="RON">1.00</cbc:Amount></cac:AllowanceCharge>'
                b"<cac:LegalMonetaryTotal>",
            ),
            "true or false",
        ),
        # -- lengths: linear, bounded -----------------------------------------------------
        Case(
            "long-id.xml",
            _replace(b">FBRAO2092<", b">" + b"1" * 40_000 + b"<"),
            "longer than 1000 characters",
        ),  # fmt: skip
        Case(
            "curs-note.xml",
            _in_eur(b"curs " * 19_000 + b"Curs BNR: 1 EUR = 4.9771 RON"),
            values={**VALID, "currency": "EUR", "exchange_rate": "4.9771"},
        ),
        Case(
            "curs-note-too-long.xml",
            _in_eur(b"curs " * 42_400),
            "longer than 100000 characters",
        ),
        Case("no-lines.xml", _strip_lines(), "InvoiceLine"),
        Case("no-tax-total.xml", _strip(b"<cac:TaxTotal>", b"</cac:TaxTotal>"), "TaxTotal"),
        # -- valid, read exactly ----------------------------------------------------------
        Case("real.xml", REAL, values=VALID),
        Case("bom.xml", b"\xef\xbb\xbf" + REAL, values=VALID),
        Case(
            "utf16.xml",
            REAL.decode().replace("encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16"),
            values=VALID,
        ),
        Case("cdata.xml", _replace(b">10000.00<", b"><![CDATA[10000.00]]><"), values=VALID),
        Case("spaces.xml", _replace(b">10000.00<", b">  10000.00\n <"), values=VALID),
        Case("leading-zeros.xml", _replace(b">10000.00<", b">0010000.00<"), values=VALID),
        Case("plus-sign.xml", _replace(b">10000.00<", b">+10000.00<"), values=VALID),
    ]


def _strip(start, end):
    """The real invoice without its elements from ``start`` to ``end``."""
    head, rest = REAL.split(start, 1)
    return head + rest.split(end, 1)[1]


def _strip_lines():
    content = REAL
    while b"<cac:InvoiceLine>" in content:
        head, rest = content.split(b"<cac:InvoiceLine>", 1)
        content = head + rest.split(b"</cac:InvoiceLine>", 1)[1]
    return content


def _in_eur(note):
    """The real invoice in EUR with ``note``: its rate is read from notes like this."""
    content = REAL.replace(b'currencyID="RON"', b'currencyID="EUR"').replace(
        b">RON</cbc:DocumentCurrencyCode>", b">EUR</cbc:DocumentCurrencyCode>"
    )
    return content.replace(
        b"<cbc:IssueDate>", b"<cbc:Note>" + note + b"</cbc:Note><cbc:IssueDate>", 1
    )
