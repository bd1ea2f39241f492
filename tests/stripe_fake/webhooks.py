"""Webhooks as Stripe sends them: the event JSON, signed ``t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>" under the endpoint secret>`` (https://docs.stripe.com/webhooks#verify-manually)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

import httpx


def event_payload(event_type: str, data_object: dict[str, Any], *, event_id: str | None = None,
                  created: int | None = None, api_version: str = "2026-10-28.endive") -> bytes:  # fmt: skip
    """The body of a webhook for ``event_type`` about ``data_object``."""
    event = {
        "id": event_id or "evt_" + secrets.token_hex(12),
        "object": "event",
        "api_version": api_version,
        "created": int(time.time()) if created is None else created,
        "data": {"object": data_object},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    return json.dumps(event, indent=2).encode()


def signature_header(
    payload: bytes, secret: str, *, timestamp: int | None = None, extra_secrets: tuple[str, ...] = ()
) -> str:
    """The ``Stripe-Signature`` header for ``payload``: one ``v1`` per secret (two while rolling)."""
    t = int(time.time()) if timestamp is None else timestamp
    signed = f"{t}.".encode() + payload
    signatures = [hmac.new(s.encode(), signed, hashlib.sha256).hexdigest() for s in (secret, *extra_secrets)]
    return ",".join([f"t={t}", *(f"v1={sig}" for sig in signatures)])


def deliver(url: str, payload: bytes, secret: str, *, timestamp: int | None = None) -> httpx.Response:
    """POST ``payload`` to ``url`` signed with ``secret``, as Stripe delivers a webhook."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signature_header(payload, secret, timestamp=timestamp),
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    }
    return httpx.post(url, content=payload, headers=headers, timeout=10)
