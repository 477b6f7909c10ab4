"""What a FreshBooks invoice or credit note states, line by line and tax by tax (no Odoo
import).

FreshBooks states each line's ``amount`` (qty x unit cost, before tax and discount), the
document's ``discount_total`` (the money ``discount_value`` % takes off the subtotal) and
its ``amount`` (the total with tax); tax is charged on the discounted base, the second
tax of a line on the line and its first tax when ``compounded_tax`` is set
(freshbooks.com/api/invoices, /api/credits; the Java SDK's ``get_invoice_response.json``).
It states no amount per tax, and no public page says whether it rounds tax on each line
or once per tax of the document. So nothing here assumes a rule: the stated tax (total -
subtotal - discount) is explained by the lines' taxes at their rates under either rule,
or, failing both, within what rounding can move (half a cent per tax charged); the
amounts per tax and per line are then spread so that each sums to what FreshBooks
states. A difference beyond that is a :class:`StatementError` naming its cause.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")


class StatementError(ValueError):
    """The document's own figures do not add up; the message says which and by how much."""


@dataclass(frozen=True)
class Tax:
    name: str
    rate: Decimal  # percent, as FreshBooks writes it


@dataclass
class Line:
    """A line to book: its stated quantity and unit cost, its amount before tax, and the
    tax of each of its taxes. A discount line (``discount``) carries the discount's share
    of the lines with its taxes, negative."""

    description: str
    qty: Decimal
    unit_cost: Decimal
    amount: Decimal
    taxes: tuple = ()  # Tax, in FreshBooks' order (the second may be compounded)
    compounded: bool = False
    tax_amounts: dict = field(default_factory=dict)  # Tax -> Decimal
    discount: bool = False


@dataclass
class Statement:
    lines: list
    subtotal: Decimal
    discount: Decimal  # positive: what the discount takes off
    discount_percent: Decimal
    tax: Decimal
    total: Decimal
    rounding: str  # "line", "document", or "spread" (neither rule: within rounding)

    @property
    def untaxed(self):
        return self.subtotal - self.discount

    def per_tax(self):
        totals = {}
        for line in self.lines:
            for tax, value in line.tax_amounts.items():
                totals[tax] = totals.get(tax, Decimal(0)) + value
        return totals


def cents(value):
    return value.quantize(CENT, ROUND_HALF_UP)


def decimal(value, what):
    """A FreshBooks number (a string or a number, or money ``{"amount": ...}``)."""
    raw = value.get("amount") if isinstance(value, dict) else value
    if raw in (None, ""):
        return Decimal(0)
    if isinstance(raw, bool):
        raise StatementError(f"{what} is not a number")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise StatementError(f"{what} is not a number") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise StatementError(f"{what} is out of range")
    return number


def _line(raw, index):
    qty = decimal(raw.get("qty"), f"line {index}: qty")
    unit = decimal(raw.get("unit_cost"), f"line {index}: unit cost")
    stated = raw.get("amount")
    computed = cents(qty * unit)
    amount = computed if stated in (None, "") else decimal(stated, f"line {index}: amount")
    if amount != cents(amount):
        raise StatementError(f"line {index}: amount {amount} is not in cents")
    taxes = []
    for slot in (1, 2):
        name = str(raw.get(f"taxName{slot}") or "").strip()
        if name:
            taxes.append(Tax(name, decimal(raw.get(f"taxAmount{slot}"), f"line {index}: tax")))
    if len(taxes) == 2 and taxes[0] == taxes[1]:
        raise StatementError(f"line {index}: the tax {taxes[0].name} twice")
    return Line(
        description=str(raw.get("description") or raw.get("name") or "").strip() or "/",
        qty=qty,
        unit_cost=unit,
        amount=amount,
        taxes=tuple(taxes),
        compounded=bool(raw.get("compounded_tax")) and len(taxes) == 2,
    )


def _spread(total, weights):
    """``total`` (cents) split in proportion to ``weights``, each share in cents, the
    leftover cents to the largest remainders: the shares sum to ``total``."""
    whole = sum(weights, Decimal(0))
    if not weights:
        return []
    if not whole:
        return [total] + [Decimal(0)] * (len(weights) - 1)
    raw = [total * w / whole for w in weights]
    shares = [r.quantize(CENT, rounding="ROUND_DOWN") for r in raw]
    left = int((total - sum(shares, Decimal(0))) / CENT)
    step = CENT if left >= 0 else -CENT
    order = sorted(range(len(raw)), key=lambda i: abs(raw[i] - shares[i]), reverse=True)
    for i in order[: abs(left)]:
        shares[i] += step
    return shares


def _raw_taxes(line, base, round_each):
    """``[(tax, amount)]`` of ``line`` on ``base``; ``round_each``: each rounded."""
    found, first = [], Decimal(0)
    for slot, tax in enumerate(line.taxes):
        on = base + first if slot == 1 and line.compounded else base
        value = on * tax.rate / 100
        if round_each:
            value = cents(value)
        if slot == 0:
            first = value
        found.append((tax, value))
    return found


def _candidates(lines, factor):
    """Per tax, the tax FreshBooks would state under each rounding rule."""
    per_line, per_document = {}, {}
    for line in lines:
        base = line.amount * factor
        for tax, value in _raw_taxes(line, base, True):
            per_line[tax] = per_line.get(tax, Decimal(0)) + value
        for tax, value in _raw_taxes(line, base, False):
            per_document[tax] = per_document.get(tax, Decimal(0)) + value
    exact = dict(per_document)
    per_document = {tax: cents(value) for tax, value in per_document.items()}
    return {"line": per_line, "document": per_document}, exact


def read_statement(document, *, label="document"):
    """The :class:`Statement` of a FreshBooks invoice or credit note (``document``, as
    the API gives it with ``include[]=lines``); :class:`StatementError` when its figures
    do not add up."""
    raw_lines = document.get("lines") or []
    if not isinstance(raw_lines, list):
        raise StatementError(f"{label}: its lines are not a list")
    lines = [_line(raw, index) for index, raw in enumerate(raw_lines, start=1)]
    subtotal = sum((line.amount for line in lines), Decimal(0))
    percent = decimal(document.get("discount_value"), "discount_value")
    discount = -decimal(document.get("discount_total"), "discount_total")
    if "discount_total" not in document:
        discount = cents(subtotal * percent / 100)
    expected = cents(subtotal * percent / 100)
    if percent and abs(discount - expected) > CENT:
        raise StatementError(
            f"{label}: the discount of {percent} % of {subtotal} is {expected}, FreshBooks "
            f"states {discount}: the discount does not add up"
        )
    total = decimal(document.get("amount"), "amount")
    stated_tax = total - subtotal + discount
    # the share of each line's amount that is taxed: the discount's percent as stated,
    # else (a discount_total alone) its share of the subtotal
    factor = 1 - percent / 100 if percent else (1 - discount / subtotal if subtotal else 1)
    candidates, exact = _candidates(lines, factor)
    rounding, per_tax = None, None
    for rule, amounts in candidates.items():
        if sum(amounts.values(), Decimal(0)) == stated_tax:
            rounding, per_tax = rule, amounts
            break
    if per_tax is None:
        applications = sum(len(line.taxes) for line in lines)
        computed = sum(exact.values(), Decimal(0))
        if not applications or abs(stated_tax - computed) > HALF_CENT * applications:
            raise StatementError(
                f"{label}: FreshBooks states {total} in all, that is {stated_tax} of tax on "
                f"{subtotal - discount} before tax; its lines' taxes at their rates come to "
                f"{cents(computed)}: the total does not add up"
            )
        rounding = "spread"
        taxes = list(exact)
        per_tax = dict(zip(taxes, _spread(stated_tax, [exact[t] for t in taxes]), strict=True))
    booked = [*lines, *_discount_lines(lines, discount, percent)]
    _share_taxes(booked, per_tax)
    return Statement(booked, subtotal, discount, percent, stated_tax, total, rounding)


def _discount_lines(lines, discount, percent):
    """The discount as lines, one per set of taxes (as Odoo's own global discount does),
    each carrying the taxes of the lines it is taken from."""
    if not discount:
        return []
    groups = {}
    for line in lines:
        groups.setdefault((line.taxes, line.compounded), Decimal(0))
        groups[(line.taxes, line.compounded)] += line.amount
    keys = list(groups)
    shares = _spread(discount, [groups[k] for k in keys])
    text = f"Discount {percent.normalize():f} %" if percent else "Discount"
    return [
        Line(
            description=text + (f" ({', '.join(t.name for t in taxes)})" if taxes else ""),
            qty=Decimal(1),
            unit_cost=-share,
            amount=-share,
            taxes=taxes,
            compounded=compounded,
            discount=True,
        )
        for (taxes, compounded), share in zip(keys, shares, strict=True)
        if share
    ]


def _share_taxes(lines, per_tax):
    """Each tax's stated amount spread over the lines that carry it (discount lines
    negative), in proportion to what each line's tax is before rounding."""
    for tax, total in per_tax.items():
        carriers = [line for line in lines if tax in line.taxes]
        weights = [dict(_raw_taxes(line, line.amount, False))[tax] for line in carriers]
        for line, share in zip(carriers, _spread(total, weights), strict=True):
            line.tax_amounts[tax] = share
