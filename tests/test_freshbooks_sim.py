"""The FreshBooks simulator as FreshBooks' users meet it: through the official SDK
(``freshbooks-sdk``) pointed at it by ``FRESHBOOKS_API_URL`` / ``FRESHBOOKS_AUTH_URL``, and
over plain HTTP where the SDK has no call (the authorize page, webhook deliveries)."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from freshbooks import Client, FilterBuilder, IncludesBuilder, PaginateBuilder
from freshbooks.errors import FreshBooksError

from tests.freshbooks_sim import FreshBooksSim, Receiver, generate

REDIRECT = "https://odoo.example.com/freshbooks/auth/callback"
SCOPES = ["user:profile:read", "user:clients:read", "user:invoices:read", "user:payments:read"]


def sdk_pointed_at(monkeypatch, preset):
    """The simulator serving ``preset``, the official SDK pointed at it."""
    data = generate(preset, seed=5)
    data.redirect_uris.append(REDIRECT)
    with FreshBooksSim(data) as server:
        monkeypatch.setenv("FRESHBOOKS_API_URL", server.url)
        monkeypatch.setenv("FRESHBOOKS_AUTH_URL", server.url)
        yield server


@pytest.fixture
def sim(monkeypatch):
    yield from sdk_pointed_at(monkeypatch, "demo")


def authorize(sim, state="s-1", scopes=SCOPES):
    """The user's round trip through the authorize page: the redirect's query."""
    sdk = Client(client_id=sim.data.client_id, redirect_uri=REDIRECT)
    url = f"{sdk.get_auth_request_url(scopes)}&state={state}"
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def connected(sim, scopes=SCOPES):
    sdk = Client(
        client_id=sim.data.client_id, client_secret=sim.data.client_secret, redirect_uri=REDIRECT
    )
    sdk.get_access_token(authorize(sim, scopes=scopes)["code"])
    return sdk


def test_authorization_code_grant_through_the_sdk(sim):
    query = authorize(sim, state="csrf-42")
    assert query["state"] == "csrf-42" and query["code"]
    sdk = Client(
        client_id=sim.data.client_id, client_secret=sim.data.client_secret, redirect_uri=REDIRECT
    )
    tokens = sdk.get_access_token(query["code"])
    assert tokens.access_token and tokens.refresh_token
    lifetime = tokens.access_token_expires_at - datetime.now(UTC)
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)
    (membership,) = sdk.current_user().business_memberships
    assert (membership.business.account_id, membership.business.id) == ("zDmNq", 77001)
    # a code is good once, and only for the redirect URI it was given for
    with pytest.raises(FreshBooksError, match="authorization grant is invalid"):
        sdk.get_access_token(query["code"])
    other = Client(
        client_id=sim.data.client_id,
        client_secret=sim.data.client_secret,
        redirect_uri="https://evil.example.com/cb",
    )
    with pytest.raises(FreshBooksError, match="authorization grant is invalid"):
        other.get_access_token(authorize(sim)["code"])


def test_authorize_page_refuses_an_unregistered_redirect_and_says_denied(sim):
    url = f"{sim.url}/oauth/authorize"
    params = {"client_id": sim.data.client_id, "response_type": "code"}
    bad = requests.get(url, params={**params, "redirect_uri": "https://evil.example.com/cb"})
    assert bad.status_code == 400
    sim.approve = False
    assert authorize(sim, state="s-9") == {"error": "access_denied", "state": "s-9"}


def test_refresh_tokens_rotate_and_an_old_one_is_refused(sim):
    sdk = connected(sim)
    first = sdk.refresh_token
    second = sdk.refresh_access_token().refresh_token
    assert second != first
    with pytest.raises(FreshBooksError, match="authorization grant is invalid"):
        sdk.refresh_access_token(first)
    assert sdk.refresh_access_token(second).refresh_token not in (first, second)
    assert sim.refresh_count == 2


def test_an_expired_access_token_is_refused_until_refreshed(sim):
    sdk = connected(sim)
    sim.expire_access_tokens()
    with pytest.raises(FreshBooksError) as err:
        sdk.clients.list("zDmNq")
    assert err.value.status_code == 401
    sdk.refresh_access_token()
    assert sdk.clients.list("zDmNq").pages.total == 40


def test_lists_are_paged_with_money_as_strings_and_lines_on_request(sim):
    sdk = connected(sim)
    page = sdk.invoices.list("zDmNq", builders=[PaginateBuilder(2, 50)])
    assert (page.pages.page, page.pages.pages, page.pages.per_page, page.pages.total) == (
        2,
        3,
        50,
        120,
    )
    assert "lines" not in page[0].data
    capped = sdk.invoices.list("zDmNq", builders=[PaginateBuilder(1, 500)])
    assert capped.pages.per_page == 100 and len(capped.data["invoices"]) == 100
    with_lines = sdk.invoices.list(
        "zDmNq", builders=[PaginateBuilder(1, 100), IncludesBuilder().include("lines")]
    )
    invoice = with_lines[0]
    source = sim.data.invoices[invoice.id]
    assert isinstance(invoice.data["amount"]["amount"], str)
    assert Decimal(invoice.data["amount"]["amount"]) == source["_untaxed"] + source["_tax"]
    lines = invoice.data["lines"]
    assert sum(Decimal(line["amount"]["amount"]) for line in lines) == source["_untaxed"]
    assert {line["amount"]["code"] for line in lines} == {source["currency_code"]}
    # the SDK reads an accounting time stamp as US/Eastern, and gets the stored moment
    assert invoice.updated == source["_updated"]
    client = sdk.clients.get("zDmNq", source["customerid"])
    assert client.signup_date == sim.data.clients[source["customerid"]]["signup_date"]


def test_vis_state_deleted_and_archived(sim):
    sdk = connected(sim)
    client_id = next(iter(sim.data.clients))
    sim.change("client", client_id, vis_state=1, notify=False)
    deleted = sdk.clients.list("zDmNq", builders=[FilterBuilder().equals("vis_state", 1)])
    assert [c.id for c in deleted] == [client_id]
    assert deleted[0].vis_state.name == "DELETED"


def test_scopes_are_enforced(sim):
    sdk = connected(sim, scopes=["user:profile:read", "user:clients:read"])
    assert sdk.clients.list("zDmNq").pages.total == 40
    with pytest.raises(FreshBooksError) as err:
        sdk.invoices.list("zDmNq")
    assert err.value.status_code == 403


def test_webhook_verification_and_signed_deliveries(sim):
    import base64
    import hashlib
    import hmac

    sdk = connected(sim)
    receiver = Receiver()
    callback = sdk.callbacks.create("zDmNq", {"event": "invoice.update", "uri": receiver.url})
    assert callback.verified is False
    ((headers, body),) = receiver.wait(1)
    form = receiver.form(body)
    assert (form["name"], form["object_id"]) == ("callback.verify", str(callback.callbackid))
    assert "X-FreshBooks-Hmac-SHA256" not in headers
    verifier = form["verifier"]
    with pytest.raises(FreshBooksError):
        sdk.callbacks.verify("zDmNq", callback.callbackid, "not-the-verifier")
    assert sdk.callbacks.verify("zDmNq", callback.callbackid, verifier).verified is True
    invoice_id = next(iter(sim.data.invoices))
    sim.change("invoice", invoice_id, status=2)
    headers, body = receiver.wait(2)[1]
    form = receiver.form(body)
    assert form["name"] == "invoice.update" and form["object_id"] == str(invoice_id)
    # FreshBooks' documented check: the base64 HMAC-SHA256 of json.dumps(form data)
    expected = base64.b64encode(
        hmac.new(verifier.encode(), json.dumps(form).encode(), hashlib.sha256).digest()
    ).decode()
    assert headers["X-FreshBooks-Hmac-SHA256"] == expected
    # a missed webhook: the change is there for polling, nothing was delivered
    sim.change("invoice", invoice_id, status=4, notify=False)
    assert len(receiver.received) == 2


def test_too_many_calls_get_429_with_retry_after(sim):
    sim.rate_limit, sim.window = 3, 30.0
    sdk = connected(sim)
    sdk.clients.list("zDmNq")  # users/me is not called: 1 of 3
    sdk.clients.list("zDmNq")
    sdk.clients.list("zDmNq")
    headers = {"Authorization": f"Bearer {sdk.access_token}"}
    answer = requests.get(f"{sim.url}/accounting/account/zDmNq/users/clients", headers=headers)
    assert answer.status_code == 429
    assert 0 < int(answer.headers["Retry-After"]) <= 30
