"""HTTP handler of the webhooks Stripe sends: no cookie, no CSRF token, the signature is the proof.

The body is read here as bytes, unparsed (the signature is over its exact bytes), at most
``MAX_PAYLOAD_BYTES``; billbo.stripe.payments verifies it and applies the event.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from billbo.http.deps import AppSettings, DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import raw_body_router, read_body
from billbo.stripe import payments
from billbo.stripe.schemas import WebhookReceipt
from billbo.stripe.service import WEBHOOK_PATH

router = raw_body_router(tags=["webhooks"])

_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A Stripe event, exactly as Stripe sends it (https://docs.stripe.com/api/events/object).",
    "required": ["id", "object", "type", "created", "data"],
    "properties": {
        "id": {"type": "string", "description": "The event's id (evt_...): a redelivery has the same."},
        "object": {"type": "string", "enum": ["event"]},
        "type": {"type": "string", "description": "e.g. invoice.paid"},
        "created": {"type": "integer", "description": "When Stripe created the event (Unix seconds)."},
        "data": {
            "type": "object",
            "required": ["object"],
            "properties": {"object": {"type": "object", "description": "The invoice the event is about."}},
        },
    },
}
_OPENAPI_EXTRA: dict[str, Any] = {
    "parameters": [
        {
            "name": "Stripe-Signature",
            "in": "header",
            "required": True,
            "description": "t=<Unix time>,v1=<HMAC-SHA256 of t.body under the endpoint's signing secret>, as "
            "Stripe signs it; older than 5 minutes is refused.",
            "schema": {"type": "string"},
        }
    ],
    "requestBody": {"required": True, "content": {"application/json": {"schema": _EVENT_SCHEMA}}},
}


async def _payload(request: Request) -> bytes:
    return await read_body(request, payments.MAX_PAYLOAD_BYTES)


Payload = Annotated[bytes, Depends(_payload)]
Signature = Annotated[str | None, Header(alias="Stripe-Signature", include_in_schema=False)]


@router.post(
    WEBHOOK_PATH,
    response_model=WebhookReceipt,
    summary="Receive a Stripe webhook (invoice.paid, invoice.payment_failed, invoice.voided, "
    "invoice.marked_uncollectible)",
    description="Register this URL in the merchant's Stripe account. Each event is applied once, and never "
    "moves an invoice's export state backwards; other event types and invoices BillBo did not export are "
    "acknowledged and ignored.",
    responses={
        200: {"description": "Received (also when nothing changed: see `outcome`)."},
        400: {
            "model": ErrorResponse,
            "description": "The signature is missing, malformed, too old or not made with this endpoint's signing "
            "secret, or the merchant has no Stripe connection (one answer for all; code invalid_webhook).",
        },
        413: {
            "model": ErrorResponse,
            "description": f"The body is larger than {payments.MAX_PAYLOAD_BYTES} bytes (code payload_too_large).",
        },
        422: {"model": ErrorResponse, "description": "merchant_id is not a UUID."},
        503: {
            "model": ErrorResponse,
            "description": "The database cannot be reached, or the signing secret cannot be opened (the secrets "
            "key changed); Stripe retries.",
        },
    },
    openapi_extra=_OPENAPI_EXTRA,
)
def receive_stripe_webhook(
    merchant_id: uuid.UUID, payload: Payload, conn: DbConn, settings: AppSettings, signature: Signature = None
) -> WebhookReceipt:
    return payments.receive(conn, settings, merchant_id, payload, signature)
