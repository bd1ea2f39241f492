"""Stripe's invoice webhooks through the dashboard API, signed as Stripe signs them
(tests/stripe_fake/webhooks.py), against the real Postgres: each event moves an exported invoice's
state once, never backwards, and only when the merchant's own signing secret signed it."""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from billbo.logs import configure_logging
from billbo.migrations.runner import Databases
from billbo.secrets_box import SecretPurpose, SecretsBox
from billbo.settings import Settings
from billbo.stripe import payments, repository
from billbo.stripe.webhooks import TOLERANCE_SECONDS
from tests.dashboard_api.conftest import HTTPS, Browser
from tests.stripe_fake.webhooks import event_payload, signature_header

MARKER = "payload-marker@globex.test"  # in every invoice object sent: must never reach a log


@dataclass
class Shop:
    merchant_id: uuid.UUID
    user_id: uuid.UUID
    customer_id: uuid.UUID
    secret: str
    url: str


@dataclass
class Export:
    invoice_id: uuid.UUID
    stripe_invoice_id: str


def _webhook_secret() -> str:
    return "whsec_" + secrets.token_hex(16)


def _connect(settings: Settings, databases: Databases, shop: Shop, secret: str, box: SecretsBox | None = None) -> None:
    """A connection row as PUT /api/settings/stripe stores it (its secrets sealed)."""
    box = box or SecretsBox.from_settings(settings)
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        repository.save_connection(
            conn,
            shop.merchant_id,
            secret_key_sealed=box.seal(
                "sk_test_" + secrets.token_hex(16),
                merchant_id=shop.merchant_id,
                purpose=SecretPurpose.STRIPE_SECRET_KEY,
            ),
            webhook_secret_sealed=box.seal(
                secret, merchant_id=shop.merchant_id, purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET
            ),
            account_id="acct_" + secrets.token_hex(8),
            key_last4="abcd",
            livemode=False,
            connected_by=shop.user_id,
        )


def _shop(browser: Browser) -> Shop:
    me = browser.signup()
    customer = browser.post("/api/customers", json={"name": "Globex", "currency": "USD"}).json()["id"]
    merchant_id = uuid.UUID(me["merchant_id"])
    return Shop(
        merchant_id=merchant_id,
        user_id=uuid.UUID(me["user_id"]),
        customer_id=uuid.UUID(customer),
        secret=_webhook_secret(),
        url=f"/webhooks/stripe/{merchant_id}",
    )


@pytest.fixture
def shop(new_browser: Any, settings: Settings, databases: Databases) -> Shop:
    """A merchant connected to Stripe (its webhook signing secret sealed) with one customer."""
    shop = _shop(new_browser())
    _connect(settings, databases, shop, shop.secret)
    return shop


_numbers = iter(range(1, 10**6))


def _export(
    databases: Databases, shop: Shop, state: str = "exported", *, error: str | None = None, hosted: bool = True
) -> Export:
    """A finalised invoice and its export row, as the export leaves it once Stripe has the invoice."""
    number = next(_numbers)
    period = dt.date(2000 + number % 200, number % 12 + 1, 1)
    stripe_invoice_id = "in_" + secrets.token_hex(12)
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        (invoice_id,) = conn.execute(
            """
            insert into invoices (merchant_id, customer_id, currency, period_start, status, number, subtotal_minor,
                                  finalized_at)
            values (%s, %s, 'USD', %s, 'finalized', %s, 1234, now()) returning id
            """,
            [shop.merchant_id, shop.customer_id, period, number],
        ).fetchone() or (None,)
        conn.execute(
            """
            insert into invoice_exports (invoice_id, merchant_id, account_id, state, stripe_customer_id,
                                         stripe_invoice_id, stripe_invoice_number, hosted_invoice_url, error_message)
            values (%s, %s, 'acct_test', %s, 'cus_test', %s, %s, %s, %s)
            """,
            [
                invoice_id,
                shop.merchant_id,
                state,
                stripe_invoice_id,
                "ACME-0001" if hosted else None,
                "https://invoice.stripe.com/i/before" if hosted else None,
                error,
            ],
        )
    assert isinstance(invoice_id, uuid.UUID)
    return Export(invoice_id, stripe_invoice_id)


def _row(databases: Databases, export: Export) -> dict[str, Any]:
    with psycopg.connect(databases.postgres_url) as conn:
        row = conn.execute(
            """
            select state::text, last_event_at, paid_at, stripe_invoice_number, hosted_invoice_url,
                   stripe_finalized_at, error_message, updated_at
            from invoice_exports where invoice_id = %s
            """,
            [export.invoice_id],
        ).fetchone()
    assert row is not None
    names = ("state", "last_event_at", "paid_at", "number", "hosted_invoice_url", "finalized_at", "error", "updated_at")
    return dict(zip(names, row, strict=True))


def _events(databases: Databases, shop: Shop) -> list[tuple[str, str]]:
    with psycopg.connect(databases.postgres_url) as conn:
        rows = conn.execute(
            "select event_id, type from stripe_webhook_events where merchant_id = %s order by received_at, event_id",
            [shop.merchant_id],
        ).fetchall()
    return [(str(event_id), str(event_type)) for event_id, event_type in rows]


def _invoice(export: Export, status: str = "paid", *, paid_at: int | None = None) -> dict[str, Any]:
    return {
        "id": export.stripe_invoice_id,
        "object": "invoice",
        "status": status,
        "number": "ACME-0001",
        "hosted_invoice_url": "https://invoice.stripe.com/i/acct_test/live_x",
        "customer_email": MARKER,
        "status_transitions": {"finalized_at": 1_790_000_000, "paid_at": paid_at},
    }


@pytest.fixture
def stripe(dashboard_app: FastAPI) -> Iterator[TestClient]:
    """Stripe as a client: no cookies, no CSRF token."""
    with TestClient(dashboard_app, base_url=HTTPS) as client:
        yield client


def _deliver(
    stripe: TestClient,
    shop: Shop,
    payload: bytes,
    secret: str | None = None,
    *,
    timestamp: int | None = None,
    url: str | None = None,
) -> httpx.Response:
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0"}
    if secret != "":
        headers["Stripe-Signature"] = signature_header(payload, secret or shop.secret, timestamp=timestamp)
    response: httpx.Response = stripe.post(url or shop.url, content=payload, headers=headers)
    return response


def _event(export: Export, event_type: str, created: int, event_id: str | None = None, **invoice: Any) -> bytes:
    status = {"invoice.paid": "paid", "invoice.voided": "void", "invoice.marked_uncollectible": "uncollectible"}
    data = _invoice(export, status.get(event_type, "open"), **invoice)
    return event_payload(event_type, data, created=created, event_id=event_id)


def _at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


# What each event does.


@pytest.mark.parametrize(
    ("event_type", "state"),
    [
        ("invoice.paid", "paid"),
        ("invoice.payment_failed", "payment_failed"),
        ("invoice.voided", "void"),
        ("invoice.marked_uncollectible", "uncollectible"),
    ],
)
def test_each_invoice_event_moves_the_export_state(
    stripe: TestClient, shop: Shop, databases: Databases, event_type: str, state: str
) -> None:
    export = _export(databases, shop)
    created = int(time.time()) - 5
    payload = _event(export, event_type, created, event_id="evt_" + secrets.token_hex(8))
    response = _deliver(stripe, shop, payload)
    assert response.status_code == 200, response.text
    event_id = response.json()["event_id"]
    assert response.json() == {"event_id": event_id, "outcome": "applied", "state": state}
    row = _row(databases, export)
    assert (row["state"], row["last_event_at"]) == (state, _at(created))
    assert (row["paid_at"] is not None) == (state == "paid")  # only invoice.paid sets it
    assert _events(databases, shop) == [(event_id, event_type)]


def test_paid_records_when_stripe_says_it_was_paid_and_what_the_export_had_not_recorded(
    stripe: TestClient, shop: Shop, databases: Databases
) -> None:
    export = _export(databases, shop, "pending", hosted=False)  # Stripe finalised it before the export noted it
    created = int(time.time())
    assert _deliver(stripe, shop, _event(export, "invoice.paid", created, paid_at=created - 30)).status_code == 200
    row = _row(databases, export)
    assert (row["state"], row["paid_at"], row["last_event_at"]) == ("paid", _at(created - 30), _at(created))
    assert (row["number"], row["hosted_invoice_url"], row["finalized_at"]) == (
        "ACME-0001",
        "https://invoice.stripe.com/i/acct_test/live_x",
        _at(1_790_000_000),
    )
    # Without status_transitions.paid_at, the event's time stands in; what the export recorded stays.
    other = _export(databases, shop)
    invoice = {**_invoice(other), "status_transitions": {}, "number": "CHANGED"}
    assert _deliver(stripe, shop, event_payload("invoice.paid", invoice, created=created)).status_code == 200
    row = _row(databases, other)
    assert (row["paid_at"], row["number"], row["hosted_invoice_url"]) == (
        _at(created),
        "ACME-0001",
        "https://invoice.stripe.com/i/before",
    )


def test_a_failed_export_that_stripe_reports_paid_leaves_its_error_behind(
    stripe: TestClient, shop: Shop, databases: Databases
) -> None:
    export = _export(databases, shop, "failed", error="Stripe said: connection reset")
    assert _deliver(stripe, shop, _event(export, "invoice.paid", int(time.time()))).status_code == 200
    row = _row(databases, export)
    assert (row["state"], row["error"]) == ("paid", None)


# Refusals: one answer, nothing changes.


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"error": {"code": "invalid_webhook", "message": payments.REFUSED, "details": None}}


def test_a_bad_missing_or_stale_signature_is_refused_and_changes_nothing(
    stripe: TestClient, shop: Shop, databases: Databases
) -> None:
    export = _export(databases, shop)
    before = _row(databases, export)
    now = int(time.time())
    payload = _event(export, "invoice.paid", now)
    _refused(_deliver(stripe, shop, payload, _webhook_secret()))  # another secret
    _refused(_deliver(stripe, shop, payload, ""))  # no Stripe-Signature header
    _refused(_deliver(stripe, shop, payload, timestamp=now - TOLERANCE_SECONDS - 5))  # signed too long ago
    tampered = payload.replace(b'"invoice.paid"', b'"invoice.voided"')
    headers = {"Stripe-Signature": signature_header(payload, shop.secret)}
    _refused(stripe.post(shop.url, content=tampered, headers=headers))  # the body is not what was signed
    for header in ("", "garbage", "t=abc,v1=def", f"t={now}", f"t={now},v1=", f"t={now},v0=" + "0" * 64):
        _refused(stripe.post(shop.url, content=payload, headers={"Stripe-Signature": header}))
    assert _row(databases, export) == before
    assert _events(databases, shop) == []
    # And the same payload, signed properly, goes through.
    assert _deliver(stripe, shop, payload).json()["outcome"] == "applied"


def test_another_merchants_secret_an_unknown_merchant_and_one_without_stripe_get_the_same_refusal(
    stripe: TestClient, shop: Shop, new_browser: Any, settings: Settings, databases: Databases
) -> None:
    other = _shop(new_browser())
    _connect(settings, databases, other, other.secret)
    unconnected = _shop(new_browser())
    export = _export(databases, shop)
    before = _row(databases, export)
    payload = _event(export, "invoice.voided", int(time.time()))
    _refused(_deliver(stripe, shop, payload, other.secret))  # signed by the other merchant's endpoint
    _refused(_deliver(stripe, shop, payload, url=other.url))  # our event sent to the other merchant's URL
    _refused(_deliver(stripe, shop, payload, url=f"/webhooks/stripe/{uuid.uuid4()}"))  # no such merchant
    _refused(_deliver(stripe, shop, payload, unconnected.secret, url=unconnected.url))  # no connection
    _refused(_deliver(stripe, shop, payload, url=unconnected.url))
    assert _row(databases, export) == before
    assert _events(databases, shop) == _events(databases, other) == []


def test_a_secret_sealed_under_another_key_is_a_503_for_stripe_to_retry(
    stripe: TestClient, new_browser: Any, settings: Settings, databases: Databases
) -> None:
    shop = _shop(new_browser())
    _connect(settings, databases, shop, shop.secret, box=SecretsBox(os.urandom(32)))
    response = _deliver(stripe, shop, event_payload("invoice.paid", {"id": "in_x", "object": "invoice"}))
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "service_unavailable"


def test_a_body_over_the_limit_is_413_before_it_is_read(stripe: TestClient, shop: Shop) -> None:
    limit = payments.MAX_PAYLOAD_BYTES
    big = b'{"id": "evt_1", "pad": "' + b"x" * limit + b'"}'
    response = _deliver(stripe, shop, big)
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while it streams in
        for _ in range(limit // 4096 + 2):
            yield b"x" * 4096

    streamed = stripe.post(shop.url, content=chunks(), headers={"Stripe-Signature": "t=1,v1=00"})
    assert streamed.status_code == 413, streamed.text
    # Just under the limit is read, and judged by its signature.
    _refused(stripe.post(shop.url, content=b"x" * limit, headers={"Stripe-Signature": "t=1,v1=00"}))


def test_a_merchant_id_that_is_not_a_uuid_is_422(stripe: TestClient, shop: Shop) -> None:
    response = _deliver(stripe, shop, event_payload("invoice.paid", {}), url="/webhooks/stripe/not-a-uuid")
    assert response.status_code == 422, response.text


# Replays and order.


def test_a_replayed_event_is_acknowledged_and_changes_nothing(
    stripe: TestClient, shop: Shop, databases: Databases
) -> None:
    export = _export(databases, shop)
    created = int(time.time()) - 60
    failed = _event(export, "invoice.payment_failed", created)
    assert _deliver(stripe, shop, failed).json()["outcome"] == "applied"
    after_first = _row(databases, export)
    # Stripe delivers it again, later (a new signature, the same event), and again.
    for _ in range(2):
        response = _deliver(stripe, shop, failed)
        assert response.status_code == 200, response.text
        assert response.json()["outcome"] == "already_processed"
        assert response.json()["state"] == "payment_failed"
    assert _row(databases, export) == after_first
    assert len(_events(databases, shop)) == 1


def test_an_older_event_never_moves_the_state_back(stripe: TestClient, shop: Shop, databases: Databases) -> None:
    now = int(time.time())
    paid = _export(databases, shop)
    assert _deliver(stripe, shop, _event(paid, "invoice.paid", now)).json()["outcome"] == "applied"
    late = _deliver(stripe, shop, _event(paid, "invoice.payment_failed", now - 60))
    assert (late.status_code, late.json()["outcome"], late.json()["state"]) == (200, "superseded", "paid")
    row = _row(databases, paid)
    assert (row["state"], row["last_event_at"]) == ("paid", _at(now))
    # Paid is final: not even a newer event moves it.
    assert _deliver(stripe, shop, _event(paid, "invoice.voided", now + 60)).json()["outcome"] == "superseded"
    assert _row(databases, paid)["state"] == "paid"

    # Uncollectible may still be paid, but not by an event older than the one that made it uncollectible.
    written_off = _export(databases, shop)
    assert _deliver(stripe, shop, _event(written_off, "invoice.marked_uncollectible", now)).json()["state"] == (
        "uncollectible"
    )
    assert _deliver(stripe, shop, _event(written_off, "invoice.paid", now - 1)).json()["outcome"] == "superseded"
    assert _deliver(stripe, shop, _event(written_off, "invoice.payment_failed", now + 1)).json()["outcome"] == (
        "superseded"
    )
    assert _row(databases, written_off)["state"] == "uncollectible"
    assert _deliver(stripe, shop, _event(written_off, "invoice.paid", now + 2)).json()["outcome"] == "applied"
    assert _row(databases, written_off)["state"] == "paid"

    # Events of the same second: the transition rule orders them (a failed attempt, then it is paid).
    same_second = _export(databases, shop)
    assert _deliver(stripe, shop, _event(same_second, "invoice.paid", now)).json()["outcome"] == "applied"
    assert _deliver(stripe, shop, _event(same_second, "invoice.payment_failed", now)).json()["outcome"] == "superseded"
    assert _row(databases, same_second)["state"] == "paid"

    # A later failure after a failure moves only the time; void is final.
    failing = _export(databases, shop)
    for offset in (0, 30):
        assert _deliver(stripe, shop, _event(failing, "invoice.payment_failed", now + offset)).json()["outcome"] == (
            "applied"
        )
    assert _row(databases, failing)["last_event_at"] == _at(now + 30)
    assert _deliver(stripe, shop, _event(failing, "invoice.voided", now + 40)).json()["state"] == "void"
    assert _deliver(stripe, shop, _event(failing, "invoice.paid", now + 50)).json()["outcome"] == "superseded"
    assert _row(databases, failing)["state"] == "void"


# What the receiver does not act on: acknowledged, so Stripe stops retrying.


def test_unknown_event_types_and_unknown_invoices_are_acknowledged(
    stripe: TestClient, shop: Shop, databases: Databases
) -> None:
    export = _export(databases, shop)
    before = _row(databases, export)
    now = int(time.time())
    for event_type in ("invoice.created", "invoice.finalized", "customer.updated", "charge.succeeded"):
        response = _deliver(stripe, shop, _event(export, event_type, now))
        assert response.status_code == 200, response.text
        assert response.json()["outcome"] == "not_handled"
    not_an_invoice = event_payload("invoice.paid", {"id": "cus_1", "object": "customer"})
    assert _deliver(stripe, shop, not_an_invoice).json()["outcome"] == "not_handled"
    stranger = Export(uuid.uuid4(), "in_" + secrets.token_hex(12))
    unknown = _event(stranger, "invoice.paid", now, event_id="evt_" + secrets.token_hex(8))
    response = _deliver(stripe, shop, unknown)
    assert (response.status_code, response.json()["outcome"]) == (200, "unknown_invoice")
    assert _row(databases, export) == before
    assert _events(databases, shop) == []  # nothing recorded: a resend, once the invoice is known, applies


def test_a_body_signed_by_the_merchant_that_is_not_a_stripe_event_is_refused(
    stripe: TestClient, shop: Shop, databases: Databases
) -> None:
    for body in (b"[]", b"{}", b"not json", b'{"id": "evt_1", "type": "invoice.paid", "created": 1}'):
        _refused(_deliver(stripe, shop, body))


# Secrets.


def test_the_signing_secret_never_reaches_a_log_or_an_answer(
    stripe: TestClient, new_browser: Any, settings: Settings, databases: Databases
) -> None:
    """The secret here is not shaped like whsec_..., so the log scrubber (billbo/logs.py) would not
    mask it: this proves the code never logs it, at DEBUG in the readable format."""
    shop = _shop(new_browser())
    shop.secret = secrets.token_hex(24)
    _connect(settings, databases, shop, shop.secret)
    export = _export(databases, shop)
    stream = io.StringIO()
    configure_logging(settings.model_copy(update={"log_format": "console", "log_level": "DEBUG"}), stream=stream)
    answers: list[str] = []
    try:
        now = int(time.time())
        payload = _event(export, "invoice.paid", now)
        for response in (
            _deliver(stripe, shop, payload, _webhook_secret()),
            _deliver(stripe, shop, payload, timestamp=now - 3600),
            _deliver(stripe, shop, payload, ""),
            _deliver(stripe, shop, payload),
            _deliver(stripe, shop, payload),
            _deliver(stripe, shop, _event(export, "invoice.payment_failed", now - 5)),
            _deliver(stripe, shop, _event(Export(uuid.uuid4(), "in_unknown"), "invoice.paid", now)),
            _deliver(stripe, shop, _event(export, "customer.created", now)),
            _deliver(stripe, shop, b"x" * (payments.MAX_PAYLOAD_BYTES + 1)),
            _deliver(stripe, shop, b"{}"),
        ):
            answers.append(response.text + str(response.headers))
    finally:
        configure_logging(settings)
    logs = stream.getvalue()
    assert "stripe webhook applied" in logs and "stripe webhook refused" in logs  # the lines were captured
    assert "stripe webhook for an invoice BillBo did not export" in logs
    for text in (logs, *answers):
        assert shop.secret not in text
        assert MARKER not in text  # no payload either
