"""An invoice's Stripe export in the dashboard: shown on the invoice, retried after a fix."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable

from billbo.migrations.runner import Databases
from billbo.settings import Settings
from billbo.stripe import export
from tests.billbo.stripe import world as worlds
from tests.dashboard_api.conftest import Browser
from tests.dashboard_api.settings import conftest as stripe_fixtures
from tests.stripe_fake.process import FakeStripe

fake_stripe_server = stripe_fixtures.fake_stripe_server
fake_stripe = stripe_fixtures.fake_stripe
stripe_settings = stripe_fixtures.stripe_settings
stripe_app = stripe_fixtures.stripe_app
owner = stripe_fixtures.owner


def _connect(browser: Browser, key: str) -> None:
    response = browser.put("/api/settings/stripe", json={"secret_key": key, "webhook_secret": "whsec_abcdefgh1234"})
    assert response.status_code == 200, response.text


def test_a_refused_export_is_shown_and_retried_once_the_key_is_fixed(
    owner: Browser,
    new_browser: Callable[[], Browser],
    databases: Databases,
    stripe_settings: Settings,
    fake_stripe: FakeStripe,
) -> None:
    first_key, second_key = ("sk_test_" + secrets.token_hex(16) for _ in range(2))
    _connect(owner, first_key)
    merchant = uuid.UUID(owner.get("/api/me").json()["merchant_id"])
    world = worlds.build(
        databases.postgres_url, stripe_settings, first_key, customers=1, merchant_id=merchant, connect=False
    )
    (invoice_id,) = world.invoices
    assert owner.get(f"/api/invoices/{invoice_id}").json()["stripe"] is None  # not considered yet

    fake_stripe.revoke(first_key)  # the merchant rolled the key in Stripe
    connect = worlds.connector(databases.postgres_url)
    export.export_merchant(connect, stripe_settings, merchant, [invoice_id])
    shown = owner.get(f"/api/invoices/{invoice_id}")
    assert shown.json()["stripe"]["state"] == "failed"
    assert shown.json()["stripe"]["error"]["code"] == "api_key_expired"
    assert first_key not in shown.text and first_key[8:] not in shown.text

    still = owner.post(f"/api/invoices/{invoice_id}/stripe/retry")  # retried with the revoked key: fails again
    assert (still.status_code, still.json()["state"]) == (200, "failed")
    _connect(owner, second_key)  # the fix
    retried = owner.post(f"/api/invoices/{invoice_id}/stripe/retry")
    assert retried.status_code == 200, retried.text
    body = retried.json()
    assert (body["state"], body["error"]) == ("exported", None)
    assert body["stripe_invoice_id"] and body["number"] and body["hosted_invoice_url"]
    assert owner.get(f"/api/invoices/{invoice_id}").json()["stripe"] == body

    again = owner.post(f"/api/invoices/{invoice_id}/stripe/retry")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")
    stranger = new_browser()
    stranger.signup()
    assert stranger.post(f"/api/invoices/{invoice_id}/stripe/retry").status_code == 404
    assert second_key not in retried.text
