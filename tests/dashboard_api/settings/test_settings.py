"""Billing settings and the Stripe connection: checked with Stripe before saving, sealed at rest,
never shown again."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import psycopg
import pytest

from billbo.migrations.runner import Databases
from billbo.secrets_box import SecretPurpose, SecretsBox
from billbo.settings import Settings
from tests.dashboard_api.conftest import Browser
from tests.stripe_fake.process import FakeStripe

DEFAULTS = {
    "invoice_grace_period_minutes": 60,
    "backdating_window_days": 35,
    "collection_method": "send_invoice",
    "days_until_due": 30,
    "send_zero_amount_invoices": False,
}


def _key() -> str:
    return "sk_test_" + secrets.token_hex(16)


def _webhook_secret() -> str:
    return "whsec_" + secrets.token_hex(16)


def test_billing_settings_start_at_the_defaults_and_change_field_by_field(owner: Browser) -> None:
    assert owner.get("/api/settings").json() == DEFAULTS
    changed = owner.patch("/api/settings", json={"collection_method": "charge_automatically", "days_until_due": 7})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**DEFAULTS, "collection_method": "charge_automatically", "days_until_due": 7}
    again = owner.patch("/api/settings", json={"invoice_grace_period_minutes": 0, "backdating_window_days": 3})
    assert again.json() == {
        **DEFAULTS,
        "collection_method": "charge_automatically",
        "days_until_due": 7,
        "invoice_grace_period_minutes": 0,
        "backdating_window_days": 3,
    }
    assert owner.get("/api/settings").json() == again.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days_until_due": None}, "days_until_due"),
        ({"days_until_due": 0}, "days_until_due"),
        ({"backdating_window_days": 366}, "backdating_window_days"),
        ({"invoice_grace_period_minutes": -1}, "invoice_grace_period_minutes"),
        ({"collection_method": "cash"}, "collection_method"),
        ({"colour": "blue"}, "colour"),
        ({"send_zero_amount_invoices": 0}, "send_zero_amount_invoices"),
        ({"days_until_due": "5"}, "days_until_due"),
        ({"days_until_due": 5.0}, "days_until_due"),
    ],
)
def test_bad_settings_are_refused_naming_the_field_and_nothing_changes(
    owner: Browser, body: dict[str, Any], field: str
) -> None:
    response = owner.patch("/api/settings", json=body)
    assert response.status_code == 422, response.text
    assert [detail["field"] for detail in response.json()["error"]["details"]] == [field]
    assert owner.get("/api/settings").json() == DEFAULTS


def test_connecting_checks_the_key_with_stripe_then_stores_it_sealed(
    owner: Browser, fake_stripe: FakeStripe, stripe_settings: Settings, databases: Databases
) -> None:
    key, webhook_secret = _key(), _webhook_secret()
    merchant_id = owner.get("/api/me").json()["merchant_id"]
    assert owner.get("/api/settings/stripe").json() == {
        "connected": False,
        "account_id": None,
        "key_last4": None,
        "livemode": None,
        "connected_at": None,
        "webhook_url": f"https://testserver/webhooks/stripe/{merchant_id}",
    }

    response = owner.put("/api/settings/stripe", json={"secret_key": key, "webhook_secret": webhook_secret})
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["connected"] is True
    assert shown["account_id"].startswith("acct_")
    assert (shown["key_last4"], shown["livemode"]) == (key[-4:], False)
    assert owner.get("/api/settings/stripe").json() == shown
    assert [entry["method"] for entry in fake_stripe.requests("/v1/account")] == ["GET"]  # one call checks the key
    for text in (response.text, owner.get("/api/settings/stripe").text, owner.get("/api/settings").text):
        assert key not in text and key[8:] not in text and webhook_secret not in text

    with psycopg.connect(databases.postgres_url) as conn:
        row = conn.execute(
            "select secret_key_sealed, webhook_secret_sealed from stripe_connections where merchant_id = %s",
            [merchant_id],
        ).fetchone()
    assert row is not None
    sealed_key, sealed_secret = bytes(row[0]), bytes(row[1])
    assert key.encode() not in sealed_key and webhook_secret.encode() not in sealed_secret
    box = SecretsBox.from_settings(stripe_settings)
    merchant = uuid.UUID(merchant_id)
    assert box.open(sealed_key, merchant_id=merchant, purpose=SecretPurpose.STRIPE_SECRET_KEY) == key
    assert box.open(sealed_secret, merchant_id=merchant, purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET) == webhook_secret


def test_a_key_stripe_refuses_is_a_422_on_secret_key_and_nothing_is_saved(
    owner: Browser, fake_stripe: FakeStripe
) -> None:
    key = _key()
    fake_stripe.revoke(key)
    response = owner.put("/api/settings/stripe", json={"secret_key": key, "webhook_secret": _webhook_secret()})
    assert response.status_code == 422, response.text
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["secret_key"]
    assert key not in response.text and key[8:] not in response.text
    assert owner.get("/api/settings/stripe").json()["connected"] is False


def test_stripe_unreachable_is_a_503_and_nothing_is_saved(owner: Browser, fake_stripe: FakeStripe) -> None:
    fake_stripe.fault(status=500, should_retry=False, path="/v1/account")
    response = owner.put("/api/settings/stripe", json={"secret_key": _key(), "webhook_secret": _webhook_secret()})
    assert response.status_code == 503, response.text
    assert owner.get("/api/settings/stripe").json()["connected"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"secret_key": "pk_test_" + "a" * 24, "webhook_secret": "whsec_" + "b" * 24}, "secret_key"),
        ({"secret_key": "sk_test_" + "a" * 24, "webhook_secret": "not-a-secret"}, "webhook_secret"),
        ({"webhook_secret": "whsec_" + "b" * 24}, "secret_key"),
    ],
)
def test_malformed_secrets_are_refused_without_a_stripe_call_or_an_echo(
    owner: Browser, fake_stripe: FakeStripe, body: dict[str, str], field: str
) -> None:
    response = owner.put("/api/settings/stripe", json=body)
    assert response.status_code == 422, response.text
    assert [detail["field"] for detail in response.json()["error"]["details"]] == [field]
    for value in body.values():
        assert value not in response.text
    assert fake_stripe.requests("/v1/account") == []


def test_disconnecting_forgets_the_connection(owner: Browser) -> None:
    assert owner.put(
        "/api/settings/stripe", json={"secret_key": _key(), "webhook_secret": _webhook_secret()}
    ).is_success
    assert owner.delete("/api/settings/stripe").status_code == 204
    assert owner.get("/api/settings/stripe").json()["connected"] is False
    assert owner.delete("/api/settings/stripe").status_code == 404
