"""Webhook authenticity: the ``Stripe-Signature`` header checked with the SDK, then the event read.

Stripe signs ``<timestamp>.<raw body>`` with HMAC-SHA256 under the endpoint's signing secret and
sends ``t=<timestamp>,v1=<hex signature>[,v1=...]`` (several ``v1`` while a secret is being rolled).
A signature older than ``TOLERANCE_SECONDS`` is refused, so a captured request cannot be replayed
later; within that window the event id is what deduplicates (Stripe delivers at least once).
"""

from __future__ import annotations

import json
from typing import Any

import stripe

from billbo.errors import BillboError
from billbo.stripe.schemas import WebhookEvent

TOLERANCE_SECONDS = 300


class InvalidWebhook(BillboError):
    """A webhook whose signature is missing, wrong or stale, or whose body is not a Stripe event."""

    status_code = 400
    code = "invalid_webhook"


def verify_webhook(
    payload: bytes, signature_header: str | None, secret: str, *, tolerance: int = TOLERANCE_SECONDS
) -> WebhookEvent:
    """The event in ``payload`` (the raw request body, unparsed) if Stripe signed it with ``secret``."""
    try:
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, tolerance)
    except stripe.SignatureVerificationError as error:
        raise InvalidWebhook(f"Stripe signature refused: {error.user_message}") from None
    except UnicodeDecodeError:
        raise InvalidWebhook("webhook body is not UTF-8") from None
    try:
        values: Any = json.loads(payload)
        return WebhookEvent.model_validate(
            {**values, "data_object": values["data"]["object"]} if isinstance(values, dict) else values
        )
    except (ValueError, KeyError, TypeError):
        raise InvalidWebhook("webhook body is not a Stripe event") from None
