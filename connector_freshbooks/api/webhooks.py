"""FreshBooks' webhook deliveries, read as hostile bytes (no Odoo import).

freshbooks.com/api/webhooks: a callback is registered per event (``invoice.create``) or
noun (``invoice``) with its URI; FreshBooks then POSTs ``callback.verify`` with a
``verifier`` to the URI, and the callback works once the verifier is sent back. Every
later delivery is a form POST (``name``, ``object_id``, ``account_id``, ``business_id``,
``identity_id``, ``user_id``) signed in ``X-FreshBooks-Hmac-SHA256``: the base64
HMAC-SHA256, keyed by the verifier, of the JSON string of the form data in the order sent.

:func:`read_delivery` bounds the body, splits the form strictly, checks the signature in
constant time, and only then reads the fields; anything else is refused with the base's
error classes, the message naming what is wrong and nothing of the payload.
"""

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from odoo.addons.connector_accounting_base.api import errors

SIGNATURE_HEADER = "X-FreshBooks-Hmac-SHA256"
VERIFY = "callback.verify"
MAX_BODY = 4096  # a delivery is six short fields
FIELDS = {"name", "object_id", "account_id", "business_id", "identity_id", "user_id"}
# <noun>.<create|update|delete>, and invoice.sendByEmail / estimate.sendByEmail
_EVENT = re.compile(r"[a-z_]{1,32}\.[A-Za-z_]{1,32}", re.ASCII)
_DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{1,128}", re.ASCII)


@dataclass(frozen=True)
class Delivery:
    """One webhook call: the event, the record it is about, and for ``callback.verify``
    the verifier to send back."""

    name: str
    object_id: int
    account_id: str
    verifier: str | None = None

    @property
    def noun(self):
        """``invoice`` of ``invoice.update``."""
        return self.name.split(".", 1)[0]


def signature(verifier, pairs):
    """FreshBooks' signature of the form ``pairs`` (``[(key, value)]`` in the order sent)."""
    message = json.dumps(dict(pairs)).encode()
    return base64.b64encode(hmac.new(verifier.encode(), message, hashlib.sha256).digest()).decode()


def _form(body):
    if len(body) > MAX_BODY:
        message = f"A webhook body of more than {MAX_BODY} bytes: refused"
        raise errors.ValidationError(message)
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        message = "A webhook body that is not a plain form: refused"
        raise errors.ValidationError(message) from None
    if len({key for key, _value in pairs}) != len(pairs):
        message = "A webhook body with a field twice: refused"
        raise errors.ValidationError(message)
    return pairs


def event_of(body):
    """The event a delivery says it is (``invoice.update``), unverified: it only chooses
    the callback whose verifier must sign it; None when it is not an event's form."""
    name = dict(_form(body)).get("name", "")
    return name if _EVENT.fullmatch(name) else None


def read_delivery(body, signed, verifier):
    """The :class:`Delivery` in ``body`` (bytes), ``signed`` being the signature header
    (or None) and ``verifier`` the callback's (None before it is verified: then only
    ``callback.verify`` is accepted)."""
    pairs = _form(body)
    form = dict(pairs)
    verifying = form.get("name") == VERIFY
    if not verifying:
        expected = signature(verifier, pairs) if verifier else ""
        if not (verifier and signed and hmac.compare_digest(expected, signed)):
            message = "A webhook whose signature does not match: refused"
            raise errors.AuthenticationError(message)
    allowed = FIELDS | {"verifier"} if verifying else FIELDS
    unknown = set(form) - allowed
    if unknown or not {"name", "object_id", "account_id"} <= set(form):
        message = "A webhook with other fields than FreshBooks sends: refused"
        raise errors.ValidationError(message)
    if not (_EVENT.fullmatch(form["name"]) and _DIGITS.fullmatch(form["object_id"])):
        message = "A webhook whose event or object id is not FreshBooks' form: refused"
        raise errors.ValidationError(message)
    if not _TOKEN.fullmatch(form["account_id"]) or (
        verifying and not _TOKEN.fullmatch(form.get("verifier", ""))
    ):
        message = "A webhook whose account id or verifier is not FreshBooks' form: refused"
        raise errors.ValidationError(message)
    return Delivery(form["name"], int(form["object_id"]), form["account_id"], form.get("verifier"))
