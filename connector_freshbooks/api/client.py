"""FreshBooks' REST API on the base's client (no Odoo import).

freshbooks.com/api: ``/auth/api/v1/users/me`` (the identity and its business memberships,
each with its ``account_id``), and the accounting resources under
``/accounting/account/<account_id>/`` (``users/clients``, ``invoices/invoices``,
``payments/payments``, ``taxes/taxes``), paged by ``page`` and ``per_page`` (100 at most),
searched by ``search[updated_min]``. Answers are ``{"response": {"result": ...}}``;
errors ``{"response": {"errors": [{"message", "errno"}]}}`` or an OAuth error object.

An access token that FreshBooks refuses (401, e.g. expired early or revoked) is renewed
once through ``renew(stale_token)``, which the caller provides (the Odoo backend refreshes
under a lock shared by every worker), and the call is made again.
"""

import re
import time
from urllib.parse import urlsplit

from odoo.addons.connector_accounting_base.api import client, errors, http, limiter

from .oauth import API_URL

ME_PATH = "/auth/api/v1/users/me"
MAX_PER_PAGE = 100
MAX_LINK = 2048  # characters of a share link
USER_AGENT = "connector_freshbooks/19.0.1.0.0 (Odoo; +https://github.com/OCA)"
# FreshBooks publishes no limit: a budget kept under what its servers have answered 429 to
DEFAULT_LIMIT = limiter.RateLimit(calls=100, window=60.0, server="FreshBooks")
_REQUIRED = re.compile(r"Required: \['(user:[a-z_]{1,40}:(?:read|write))'\]", re.ASCII)


def _messages(body):
    if not isinstance(body, dict):
        return ""
    if body.get("error_description") or body.get("error"):
        return str(body.get("error_description") or body.get("error"))
    response = body.get("response") if isinstance(body.get("response"), dict) else body
    found = response.get("errors") if isinstance(response, dict) else None
    if isinstance(found, list):
        return "; ".join(str(e.get("message", "")) for e in found if isinstance(e, dict))
    return str(body.get("message", ""))


def _scope_message(message):
    """FreshBooks' ``insufficient_scope: ... Required: ['user:x:read']`` told as what to
    do: a token's scopes are fixed when it is granted (freshbooks.com/api/scopes)."""
    if not message.startswith("insufficient_scope"):
        return message
    required = _REQUIRED.search(message)
    scope = required.group(1) if required else "a scope it needs"
    return (
        f"FreshBooks refused: this connection was not granted {scope}. Connect to "
        "FreshBooks again (the backend's Connect button) to grant it."
    )


class FreshBooksClient(client.BaseClient):
    api = "freshbooks"
    limit = DEFAULT_LIMIT
    server = "FreshBooks"
    user_agent = USER_AGENT

    def __init__(self, token, account_id=None, base_url=API_URL, renew=None, **kwargs):
        self.account_id = account_id
        self.token = token
        self.renew = renew
        # the budget is the business's: access tokens change every 12 hours
        kwargs.setdefault("limiter_key", f"account:{account_id or 'identity'}")
        super().__init__(base_url, token, **kwargs)

    def _auth(self, token):
        self.session.headers["Authorization"] = f"Bearer {token}"

    def _error_for(self, response, body):
        status = response.status_code
        if status == 204:  # no content: a callback deleted
            return None
        if status < 400:
            return None if isinstance(body, dict) else self.unparseable(response)
        message = _messages(body) or f"FreshBooks answered {status}"
        if status == 429:
            pause = http.pause_seconds(response.headers.get("Retry-After")) or 1.0
            return errors.RateLimitedError(message, status=status, retry_at=time.time() + pause)
        if status >= 500 or body is None:
            return (
                self.unparseable(response)
                if body is None
                else errors.TransientError(message, status=status)
            )
        if status == 401:
            return errors.AuthenticationError(message, status=status)
        if status == 403:
            return errors.PermissionDeniedError(_scope_message(message), status=status)
        if status == 404:
            return errors.NotFoundError(message, status=status)
        return errors.ValidationError(message, status=status)

    def request(self, path, params=None, **kwargs):
        try:
            return super().request(path, params, **kwargs)
        except errors.AuthenticationError:
            if self.renew is None:
                raise
            self.token = self.renew(self.token)
            self.redact.add(self.token)
            self._auth(self.token)
            return super().request(path, params, **kwargs)

    # -- calls ----------------------------------------------------------------------------
    def me(self):
        """The identity that connected: ``{"id", "email", "business_memberships": [...]}``."""
        return self.request(ME_PATH)[1]["response"]

    def businesses(self):
        """``[(account_id, business_id, business name)]`` of the identity's memberships."""
        found = []
        for membership in self.me().get("business_memberships") or []:
            business = membership.get("business") or {}
            if business.get("account_id"):
                found.append(
                    (str(business["account_id"]), business.get("id"), business.get("name", ""))
                )
        return found

    def page(
        self, resource, page=1, *, per_page=MAX_PER_PAGE, updated_min=None, lines=False,
        vis_state=None,
    ):  # fmt: skip
        """One page of ``resource`` (``users/clients``...): ``(records, pages)``.
        ``updated_min`` is a day, YYYY-MM-DD (FreshBooks searches change times by day);
        ``vis_state`` asks for the records of that state only (deleted ones are listed
        only so)."""
        params = {"page": page, "per_page": min(max(1, per_page), MAX_PER_PAGE)}
        if updated_min:
            params["search[updated_min]"] = updated_min
        if vis_state is not None:
            params["search[vis_state]"] = vis_state
        if lines:
            params["include[]"] = "lines"
        body = self.request(self._accounting(resource), params)[1]
        result = (body.get("response") or {}).get("result") or {}
        plural = resource.split("/")[-1]
        return result.get(plural) or [], int(result.get("pages") or 1)

    def get(self, resource, record_id, *, lines=False):
        """One record of ``resource`` by its id (``NotFoundError`` when there is none)."""
        params = {"include[]": "lines"} if lines else None
        path = f"{self._accounting(resource)}/{int(record_id)}"
        result = (self.request(path, params)[1].get("response") or {}).get("result") or {}
        return next(iter(result.values()), None) or {}

    def create_record(self, resource, single, values):
        """A new record of ``resource`` (``users/clients``, single ``client``). Sent once:
        an answer lost on the way (a timeout) may hide a record made, which the caller
        looks up (:meth:`clients_with_email`) before sending it again."""
        path = self._accounting(resource)
        answer = self.request(path, method="POST", json={single: values}, retry=False)[1]
        return answer["response"]["result"][single]

    def clients_with_email(self, email):
        """The business's clients whose email is ``email``."""
        params = {"search[email]": email, "per_page": MAX_PER_PAGE}
        body = self.request(self._accounting("users/clients"), params)[1]
        return ((body.get("response") or {}).get("result") or {}).get("clients") or []

    def update_record(self, resource, single, record_id, values):
        """``values`` written on the record ``record_id`` of ``resource``."""
        path = f"{self._accounting(resource)}/{int(record_id)}"
        answer = self.request(path, method="PUT", json={single: values})[1]
        return answer["response"]["result"][single]

    def share_link(self, invoice_id):
        """The link to view invoice ``invoice_id`` on FreshBooks' web app, as its API
        gives it (*Invoice Links*: ``GET .../invoices/invoices/<id>/share_link``); anyone
        holding it can view the invoice, so it is asked for when wanted and never kept.
        Only an https link on FreshBooks' own host (``*.freshbooks.com``) is returned;
        anything else is a ``ValidationError``. Whether FreshBooks gives one for a draft
        is unpublished."""
        path = f"{self._accounting('invoices/invoices')}/{int(invoice_id)}/share_link"
        body = self.request(path, {"share_method": "share_link"})[1]
        result = ((body.get("response") or {}).get("result") or {}).get("share_link")
        link = result.get("share_link") if isinstance(result, dict) else None
        parts = urlsplit(link) if isinstance(link, str) and len(link) <= MAX_LINK else None
        host = (parts.hostname or "") if parts else ""
        if not (
            parts
            and parts.scheme == "https"
            and (host == "freshbooks.com" or host.endswith(".freshbooks.com"))
            and link.isprintable()
            and " " not in link
        ):
            message = f"FreshBooks answered no link on its web app for invoice {int(invoice_id)}"
            raise errors.ValidationError(message)
        return link

    def _accounting(self, resource):
        if not self.account_id:
            message = "No FreshBooks account id: connect first"
            raise errors.ValidationError(message)
        return f"/accounting/account/{self.account_id}/{resource}"

    # -- webhooks ---------------------------------------------------------------------------
    def _callbacks(self):
        self._accounting("")  # refused without an account id
        return f"/events/account/{self.account_id}/events/callbacks"

    def register_webhook(self, event, uri):
        """Register ``uri`` for ``event`` (``invoice.update``, or a noun: ``invoice``);
        FreshBooks then sends the verifier to ``uri``. Returns the callback."""
        body = {"callback": {"event": event, "uri": uri}}
        answer = self.request(self._callbacks(), method="POST", json=body)[1]
        return answer["response"]["result"]["callback"]

    def confirm_webhook(self, callback_id, verifier):
        """Send back the verifier ``callback_id`` got: the callback is active."""
        body = {"callback": {"verifier": verifier}}
        path = f"{self._callbacks()}/{int(callback_id)}"
        return self.request(path, method="PUT", json=body)[1]["response"]["result"]["callback"]

    def resend_verifier(self, callback_id):
        """Ask FreshBooks to send ``callback_id``'s verifier to its URI again."""
        body = {"callback": {"resend": True}}
        path = f"{self._callbacks()}/{int(callback_id)}"
        return self.request(path, method="PUT", json=body)[1]["response"]["result"]["callback"]

    def delete_webhook(self, callback_id):
        """Delete the callback ``callback_id`` at FreshBooks (it answers 204)."""
        self.request(f"{self._callbacks()}/{int(callback_id)}", method="DELETE")

    def webhooks(self):
        """The business's callbacks (``callbackid``, ``event``, ``uri``, ``verified``)."""
        answer = self.request(self._callbacks(), {"per_page": MAX_PER_PAGE})[1]
        return answer["response"]["result"]["callbacks"]
