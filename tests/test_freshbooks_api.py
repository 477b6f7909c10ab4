"""The connector's FreshBooks layer (``connector_freshbooks.api``) against the simulator
over HTTP: the authorization-code grant, refresh tokens that rotate and work once, an
expired access token renewed by the caller's hook, errors in the base's classes without a
secret in them; webhooks registered, verified and their deliveries read as hostile
bytes (signature checked in constant time before a field is read)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from odoo.addons.connector_accounting_base.api import (
    AuthenticationError,
    PermissionDeniedError,
    RateLimitedError,
    ValidationError,
)
from odoo.addons.connector_accounting_base.api.limiter import forget_limiters
from odoo.addons.connector_freshbooks.api import (
    SCOPES,
    SIGNATURE_HEADER,
    FreshBooksClient,
    OAuthClient,
    read_delivery,
)
from odoo.addons.connector_freshbooks.api.webhooks import signature

from tests.freshbooks_sim import FreshBooksSim, Receiver, generate

REDIRECT = "https://odoo.example.com/freshbooks/auth/callback"


@pytest.fixture
def sim():
    forget_limiters()
    data = generate("tiny", seed=2)
    data.redirect_uris.append(REDIRECT)
    with FreshBooksSim(data) as server:
        yield server
    forget_limiters()


def oauth(sim, secret=None):
    return OAuthClient(
        sim.data.client_id,
        secret or sim.data.client_secret,
        REDIRECT,
        api_url=sim.url,
        auth_url=sim.url,
        timeout=(2.0, 2.0),
    )


def code_for(sim, state="st-1"):
    answer = requests.get(oauth(sim).authorize_url(state), allow_redirects=False, timeout=5)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def test_authorize_url_asks_the_least_scopes_with_the_state(sim):
    query = parse_qs(urlsplit(oauth(sim).authorize_url("abc")).query)
    assert query["client_id"] == [sim.data.client_id]
    assert query["redirect_uri"] == [REDIRECT]
    assert query["response_type"] == ["code"]
    assert query["state"] == ["abc"]
    assert query["scope"][0].split() == list(SCOPES)


def test_code_exchanged_then_identity_and_a_page_of_clients(sim):
    tokens = oauth(sim).exchange(code_for(sim))
    assert tokens.access_token != tokens.refresh_token
    assert tokens.access_token not in repr(tokens)
    client = FreshBooksClient(tokens.access_token, base_url=sim.url, timeout=(2.0, 2.0))
    assert client.businesses() == [
        (sim.data.account_id, sim.data.business_id, sim.data.business_name)
    ]
    client.account_id = sim.data.account_id
    clients, pages = client.page("users/clients", per_page=2)
    assert (len(clients), pages) == (2, 3)  # the tiny business has 5 clients
    assert {c["id"] for c in clients} <= set(sim.data.clients)


def test_a_code_works_once(sim):
    code = code_for(sim)
    oauth(sim).exchange(code)
    with pytest.raises(AuthenticationError) as err:
        oauth(sim).exchange(code)
    assert err.value.code == "invalid_grant"
    assert code not in str(err.value)


def test_refresh_rotates_and_the_old_refresh_token_is_refused(sim):
    first = oauth(sim).exchange(code_for(sim))
    second = oauth(sim).refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    with pytest.raises(AuthenticationError, match="invalid_grant") as err:
        oauth(sim).refresh(first.refresh_token)
    assert first.refresh_token not in str(err.value)
    assert oauth(sim).refresh(second.refresh_token).access_token
    assert sim.refresh_count == 2


def test_a_wrong_secret_is_refused_without_showing_it(sim):
    with pytest.raises(AuthenticationError, match="invalid_client") as err:
        oauth(sim, secret="not-the-secret-at-all").exchange(code_for(sim))
    assert "not-the-secret-at-all" not in str(err.value)


def test_an_expired_access_token_is_renewed_once_through_the_hook(sim):
    tokens = oauth(sim).exchange(code_for(sim))
    renewed = []

    def renew(stale):
        renewed.append(stale)
        return oauth(sim).refresh(tokens.refresh_token).access_token

    client = FreshBooksClient(
        tokens.access_token, sim.data.account_id, base_url=sim.url, renew=renew, timeout=(2.0, 2.0)
    )
    sim.expire_access_tokens()
    clients, _pages = client.page("users/clients")
    assert len(clients) == 5
    assert renewed == [tokens.access_token]
    assert client.token != tokens.access_token


def test_without_a_hook_a_refused_token_is_an_authentication_error(sim):
    tokens = oauth(sim).exchange(code_for(sim))
    client = FreshBooksClient(tokens.access_token, sim.data.account_id, base_url=sim.url)
    sim.expire_access_tokens()
    with pytest.raises(AuthenticationError) as err:
        client.me()
    assert tokens.access_token not in str(err.value)


def test_a_scope_not_granted_and_a_429_are_told_apart(sim):
    tokens = oauth(sim).exchange(code_for(sim))
    client = FreshBooksClient(
        tokens.access_token,
        sim.data.account_id,
        base_url=sim.url,
        max_retries=0,
        max_rate_wait=0.0,
        timeout=(2.0, 2.0),
    )
    sim.access[tokens.access_token]["scope"] = "user:profile:read"
    with pytest.raises(PermissionDeniedError, match="not granted user:invoices:read") as err:
        client.page("invoices/invoices")
    assert "Connect to FreshBooks again" in str(err.value)
    sim.inject("429", "users/clients")
    with pytest.raises(RateLimitedError):
        client.page("users/clients")


def test_plain_http_to_another_host_is_refused_before_sending_the_secret():
    client = OAuthClient("id", "secret-value-1234", REDIRECT, api_url="http://198.51.100.7")
    with pytest.raises(ValidationError, match="https only"):
        client.exchange("some-code")


@pytest.fixture
def hooked(sim):
    """A connected client and a verified invoice webhook: (client, receiver, verifier)."""
    tokens = oauth(sim).exchange(code_for(sim))
    client = FreshBooksClient(tokens.access_token, sim.data.account_id, base_url=sim.url)
    receiver = Receiver("/freshbooks/webhook/1")
    callback = client.register_webhook("invoice", receiver.url)
    ((headers, body),) = receiver.wait(1)
    signed = headers.get(SIGNATURE_HEADER)
    delivery = read_delivery(body, signed, None)  # not signed: there is no verifier yet
    assert (delivery.name, delivery.object_id) == ("callback.verify", callback["callbackid"])
    assert client.confirm_webhook(callback["callbackid"], delivery.verifier)["verified"]
    assert [c["verified"] for c in client.webhooks()] == [True]
    yield client, receiver, delivery.verifier
    receiver.stop()


def test_a_signed_delivery_is_read(sim, hooked):
    _client, receiver, verifier = hooked
    invoice_id = next(iter(sim.data.invoices))
    sim.change("invoice", invoice_id, status=2)
    headers, body = receiver.wait(2)[1]
    signed = headers[SIGNATURE_HEADER]
    delivery = read_delivery(body, signed, verifier)
    assert (delivery.name, delivery.noun) == ("invoice.update", "invoice")
    assert (delivery.object_id, delivery.account_id) == (invoice_id, sim.data.account_id)


def test_a_child_event_of_the_noun_is_read(sim, hooked):
    """A callback on ``invoice`` gets ``invoice.sendByEmail`` too (freshbooks.com/api/webhooks)."""
    _client, receiver, verifier = hooked
    invoice_id = next(iter(sim.data.invoices))
    sim.deliver("invoice.sendByEmail", invoice_id)
    headers, body = receiver.wait(2)[1]
    delivery = read_delivery(body, headers[SIGNATURE_HEADER], verifier)
    assert (delivery.name, delivery.noun) == ("invoice.sendByEmail", "invoice")


def test_unsigned_wrongly_signed_or_altered_deliveries_are_refused(sim, hooked):
    _client, receiver, verifier = hooked
    sim.change("invoice", next(iter(sim.data.invoices)), status=2)
    headers, body = receiver.wait(2)[1]
    signed = headers[SIGNATURE_HEADER]
    altered = body.replace(b"object_id=", b"object_id=9")
    for header, payload, key in (
        (None, body, verifier),  # unsigned
        ("AAAA" + signed[4:], body, verifier),  # wrongly signed
        (signed, altered, verifier),  # the payload changed on the way
        (signed, body, "another-callbacks-verifier"),
        (signed, body, None),  # a callback never verified
    ):
        with pytest.raises(AuthenticationError, match="signature does not match") as err:
            read_delivery(payload, header, key)
        assert verifier not in str(err.value)
    # a forged verification (it carries no signature) is only a verifier to send back:
    # with a field FreshBooks does not send, refused
    forged = b"name=callback.verify&object_id=1&account_id=zDmNq&verifier=x&invoice=1"
    with pytest.raises(ValidationError, match="other fields"):
        read_delivery(forged, None, None)


def test_hostile_bodies_are_refused_before_their_fields_are_read():
    key = "verifier-1"
    cases = {
        b"name=invoice.update&object_id=1&account_id=a&name=x": "a field twice",
        b"x" * 5000: "more than 4096 bytes",
        b"name=\xff": "not a plain form",
        b"justtext": "not a plain form",
    }
    for body, reason in cases.items():
        with pytest.raises(ValidationError, match=reason):
            read_delivery(body, "sig", key)
    pairs = [("name", "invoice.update"), ("object_id", "1e9"), ("account_id", "zDmNq")]
    body = "&".join(f"{k}={v}" for k, v in pairs).encode()
    with pytest.raises(ValidationError, match="object id"):
        read_delivery(body, signature(key, pairs), key)
