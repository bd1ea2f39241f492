"""Webhook signatures: what Stripe signs is accepted, anything else refused (no mocks)."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from pydantic import SecretStr

from billbo.stripe.client import StripeGateway
from billbo.stripe.webhooks import TOLERANCE_SECONDS, InvalidWebhook, verify_webhook
from tests.stripe_fake.process import FakeStripe
from tests.stripe_fake.webhooks import event_payload, signature_header

SECRET = "whsec_" + "a1b2c3d4" * 4
INVOICE = {"id": "in_123", "object": "invoice", "status": "paid", "metadata": {"billbo_invoice_id": "inv-1"}}


def test_a_validly_signed_event_is_read() -> None:
    payload = event_payload("invoice.paid", INVOICE, event_id="evt_1")
    event = verify_webhook(payload, signature_header(payload, SECRET), SECRET)
    assert (event.id, event.type, event.livemode) == ("evt_1", "invoice.paid", False)
    assert event.data_object["metadata"] == {"billbo_invoice_id": "inv-1"}


def test_while_a_secret_rolls_either_signature_is_enough() -> None:
    payload = event_payload("invoice.paid", INVOICE)
    header = signature_header(payload, "whsec_old", extra_secrets=(SECRET,))
    assert verify_webhook(payload, header, SECRET).type == "invoice.paid"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "No Stripe-Signature header"),
        ("", "No Stripe-Signature header"),
        ("v1=abc", "Unable to extract timestamp"),
        ("t=123", "No signatures found with expected scheme"),
        ("garbage", "Unable to extract timestamp"),
    ],
)
def test_a_missing_or_malformed_signature_is_refused(header: str | None, reason: str) -> None:
    payload = event_payload("invoice.paid", INVOICE)
    with pytest.raises(InvalidWebhook, match=reason) as refused:
        verify_webhook(payload, header, SECRET)
    assert (refused.value.status_code, refused.value.code) == (400, "invalid_webhook")


def test_a_signature_with_another_secret_or_over_another_body_is_refused() -> None:
    payload = event_payload("invoice.paid", INVOICE)
    with pytest.raises(InvalidWebhook, match="No signatures found matching"):
        verify_webhook(payload, signature_header(payload, "whsec_someone_else"), SECRET)
    tampered = payload.replace(b'"paid"', b'"void"')
    with pytest.raises(InvalidWebhook, match="No signatures found matching"):
        verify_webhook(tampered, signature_header(payload, SECRET), SECRET)


def test_a_stale_signature_is_refused_and_a_recent_one_accepted() -> None:
    payload = event_payload("invoice.paid", INVOICE)
    now = int(time.time())
    with pytest.raises(InvalidWebhook, match="tolerance"):
        verify_webhook(payload, signature_header(payload, SECRET, timestamp=now - TOLERANCE_SECONDS - 5), SECRET)
    assert verify_webhook(payload, signature_header(payload, SECRET, timestamp=now - TOLERANCE_SECONDS + 30), SECRET)


def test_a_signed_body_that_is_not_a_stripe_event_is_refused() -> None:
    for body in (b"[1, 2]", b'{"id": "evt_1"}', b"not json", b"\xff\xfe"):
        with pytest.raises(InvalidWebhook):
            verify_webhook(body, signature_header(body, SECRET), SECRET)


def test_an_empty_secret_is_refused() -> None:
    payload = event_payload("invoice.paid", INVOICE)
    with pytest.raises(InvalidWebhook, match="No webhook secret"):
        verify_webhook(payload, signature_header(payload, ""), "")


@pytest.fixture
def receiver() -> Iterator[tuple[str, queue.Queue[tuple[bytes, str | None]]]]:
    """A local endpoint that keeps what is POSTed to it."""
    received: queue.Queue[tuple[bytes, str | None]] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.put((body, self.headers.get("Stripe-Signature")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/stripe/webhooks", received
    finally:
        server.shutdown()
        server.server_close()


def test_the_fake_signs_its_own_webhooks_as_stripe_does(
    fake_stripe: FakeStripe, api_key: str, receiver: tuple[str, queue.Queue[tuple[bytes, str | None]]]
) -> None:
    url, received = receiver
    httpx.post(
        f"{fake_stripe.url}/_config/webhooks/billbo",
        json={"url": url, "secret": SECRET, "events": ["invoice.finalized"]},
    ).raise_for_status()
    gateway = StripeGateway(SecretStr(api_key), api_base=fake_stripe.url)
    customer = gateway.create_customer(name="Ada", email=None, metadata={}, idempotency_key="c")
    draft = gateway.create_draft_invoice(
        customer_id=customer.id, currency="EUR", collection_method="send_invoice", days_until_due=14,
        metadata={"billbo_invoice_id": "inv-7"}, idempotency_key="d",
    )  # fmt: skip
    gateway.finalize_invoice(draft.id, idempotency_key="f")
    body, header = received.get(timeout=10)  # localstripe waits a second before it delivers
    event = verify_webhook(body, header, SECRET)
    assert event.type == "invoice.finalized"
    assert (event.data_object["id"], event.data_object["status"]) == (draft.id, "paid")  # nothing due: paid
    assert json.loads(body)["data"]["object"]["metadata"] == {"billbo_invoice_id": "inv-7"}
