"""No secret reaches a log line: error paths of both APIs, driven as a careless or hostile client
would, then every line the two processes wrote is scanned for every secret used."""

from __future__ import annotations

import datetime as dt
import secrets as secrets_module
import uuid
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.billbo.http.conftest import PASSWORD, LiveApis, sign_up
from tests.ingest.conftest import MerchantKey
from tests.stripe_fake.process import FakeStripe


def test_no_secret_of_an_error_path_is_logged(
    live_apis: LiveApis, live_merchant_key: MerchantKey, fake_stripe_server: FakeStripe
) -> None:
    secrets: list[str] = [live_merchant_key.key, PASSWORD]
    ingest = httpx.Client(base_url=live_apis.ingest_url)
    dashboard = httpx.Client(base_url=live_apis.dashboard_url)
    key = live_merchant_key.headers

    # Ingest: refused keys, refused bodies, refused customers.
    unknown_key = "bb_" + uuid.uuid4().hex + uuid.uuid4().hex[:8]
    secrets.append(unknown_key)
    assert ingest.post("/v1/events", json={}, headers={"Authorization": f"Bearer {unknown_key}"}).status_code == 401
    assert ingest.post("/v1/events", json={}, headers={"Authorization": f"Basic {unknown_key}"}).status_code == 401
    assert ingest.get("/v1/events/x", headers={"Authorization": f"Bearer {unknown_key}x"}).status_code == 401
    now = dt.datetime.now(dt.UTC).isoformat()
    bad_event = {"customer_id": str(uuid.uuid4()), "sku_id": "nope", "amount": "NaN", "sent_at": now}
    assert ingest.post("/v1/events", json=bad_event, headers=key).status_code == 422
    assert (
        ingest.post("/v1/events", content=b"\xff{", headers={**key, "Content-Type": "application/json"}).status_code
        == 400
    )
    nul = b'{"name": "A\\u0000", "currency": "USD"}'
    customer = f"/v1/customers/{uuid.uuid4()}"
    assert ingest.put(customer, content=nul, headers={**key, "Content-Type": "application/json"}).status_code == 422

    # Dashboard: failed sign-ups and log-ins, each carrying a password.
    email = f"careless-{uuid.uuid4().hex[:8]}@example.com"
    short = "short-pass"
    secrets.append(short)
    assert (
        dashboard.post("/api/auth/signup", json={"email": email, "password": short, "organisation": "A"}).status_code
        == 422
    )
    nul_signup = b'{"email": "%s", "password": "%s", "organisation": "A\\u0000"}' % (email.encode(), PASSWORD.encode())
    assert (
        dashboard.post("/api/auth/signup", content=nul_signup, headers={"Content-Type": "application/json"}).status_code
        == 422
    )
    session = sign_up(live_apis)
    secrets += session.cookies.values()
    taken = dashboard.post("/api/auth/signup", json={"email": session.email, "password": PASSWORD, "organisation": "B"})
    assert taken.status_code == 409
    wrong = "wrong password, twelve+ chars"
    secrets.append(wrong)
    statuses = [
        dashboard.post("/api/auth/login", json={"email": session.email, "password": wrong}).status_code
        for _ in range(6)
    ]
    assert statuses[0] == 401 and statuses[-1] == 429

    # A session used with a planted CSRF token, then its secrets: a new API key and an invitation.
    planted = {**session.headers, "X-CSRF-Token": "planted-" + session.csrf[8:]}
    assert dashboard.post("/api/api-keys", json={"name": "ci"}, headers=planted).status_code == 403
    created = dashboard.post("/api/api-keys", json={"name": "ci"}, headers=session.headers)
    assert created.status_code == 201, created.text
    secrets.append(created.json()["key"])
    invited = dashboard.post(
        "/api/members/invitations",
        json={"email": f"bo-{uuid.uuid4().hex[:6]}@example.com", "role": "member"},
        headers=session.headers,
    )
    assert invited.status_code == 201, invited.text
    token = parse_qs(urlsplit(invited.json()["link"]).query)["token"][0]
    secrets.append(token)
    too_short = dashboard.post("/api/invitations/accept", json={"token": token, "password": "x"})
    assert too_short.status_code == 422
    assert (
        dashboard.post("/api/invitations/accept", json={"token": token + "x", "password": PASSWORD}).status_code == 404
    )

    # Stripe: a key Stripe refuses, a malformed one, then a connection that works, then a webhook
    # signed with the wrong secret.
    revoked, stripe_key = (f"sk_test_{secrets_module.token_hex(16)}" for _ in range(2))
    webhook_secret = "whsec_" + secrets_module.token_hex(16)
    fake_stripe_server.revoke(revoked)
    secrets += [revoked, stripe_key, webhook_secret]
    refused = dashboard.put(
        "/api/settings/stripe", json={"secret_key": revoked, "webhook_secret": webhook_secret}, headers=session.headers
    )
    assert refused.status_code == 422, refused.text
    malformed = dashboard.put(
        "/api/settings/stripe",
        json={"secret_key": stripe_key + "!", "webhook_secret": webhook_secret},
        headers=session.headers,
    )
    assert malformed.status_code == 422, malformed.text
    connected = dashboard.put(
        "/api/settings/stripe",
        json={"secret_key": stripe_key, "webhook_secret": webhook_secret},
        headers=session.headers,
    )
    assert connected.status_code == 200, connected.text
    merchant_id = dashboard.get("/api/me", headers=session.headers).json()["merchant_id"]
    forged = dashboard.post(
        f"/webhooks/stripe/{merchant_id}",
        content=b'{"id": "evt_1", "type": "invoice.paid"}',
        headers={"Stripe-Signature": f"t=1,v1={webhook_secret}", "Content-Type": "application/json"},
    )
    assert forged.status_code == 400

    stale = dashboard.get("/api/me", headers={"Cookie": f"bb_access={session.cookies['bb_access']}x"})
    assert stale.status_code == 401

    lines = live_apis.log_lines()
    assert any("status=401" in line for line in lines)  # the requests above were logged...
    assert live_apis.lines_with(secrets) == []  # ...and none of their secrets
