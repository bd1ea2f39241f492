"""HTTP handlers for events: parse, call the service, shape the response."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from billbo.http.errors import ErrorResponse
from ingest.auth import CurrentMerchant
from ingest.events import handler, service
from ingest.events.schemas import ENCODER

router = APIRouter(prefix="/v1/events", tags=["events"])


_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["customer_id", "sku_id", "amount", "sent_at"],
    "additionalProperties": False,
    "properties": {
        "event_id": {
            "type": "string", "minLength": 1, "maxLength": 128,
            "description": "Idempotency key, unique per merchant: a retry with the same id is counted once. "
            "Printable characters. Omit it and BillBo assigns a UUIDv7.",
        },
        "customer_id": {"type": "string", "format": "uuid", "description": "Your customer's id."},
        "sku_id": {"type": "string", "format": "uuid", "description": "The SKU used."},
        "amount": {
            "oneOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$"}],
            "description": "Quantity used, stored exactly as written (at most 12 decimals, |amount| < 10^26). "
            "Negative amounts are corrections. A decimal string is accepted for clients that cannot "
            "write exact JSON numbers.",
        },
        "sent_at": {
            "type": "string", "format": "date-time",
            "description": "When the usage happened, RFC 3339 with an offset; not more than 5 minutes "
            "ahead, nor older than the merchant's backdating window (35 days by default).",
        },
    },
}  # fmt: skip
_EXAMPLE_EVENT = {
    "event_id": "req-7f3a-0001",
    "customer_id": "0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a",
    "sku_id": "0190c1e3-0a1b-7c3e-8d2a-1f2e3d4c5b6b",
    "amount": 1.5,
    "sent_at": "2026-11-24T21:05:00Z",
}
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        _EVENT_SCHEMA,
                        {
                            "type": "object",
                            "required": ["events"],
                            "additionalProperties": False,
                            "properties": {"events": {"type": "array", "minItems": 1, "maxItems": 10_000,
                                                      "items": _EVENT_SCHEMA}},
                        },
                    ]
                },
                "examples": {
                    "one event": {"value": _EXAMPLE_EVENT},
                    "a batch": {"value": {"events": [_EXAMPLE_EVENT, {**_EXAMPLE_EVENT, "event_id": "req-7f3a-0002",
                                                                       "amount": -0.5}]}},
                },
            }
        },
    }
}  # fmt: skip
_ACCEPTED_DOC = {
    "description": "Stored in ClickHouse: the ids of the events, in request order.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "accepted": {"type": "integer"},
                    "event_ids": {"type": "array", "items": {"type": "string"}},
                },
            },
            "example": {"accepted": 2, "event_ids": ["req-7f3a-0001", "0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"]},
        }
    },
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Malformed JSON."},
    401: {"model": ErrorResponse, "description": "Missing, malformed, unknown or revoked API key."},
    413: {"model": ErrorResponse, "description": "Body larger than the limit (10 MB by default)."},
    415: {"model": ErrorResponse, "description": "Content-Type is not application/json."},
    422: {
        "model": ErrorResponse,
        "description": "Some events are invalid: one detail per problem (index, field, message); nothing stored.",
    },
    429: {"model": ErrorResponse, "description": "Rate limit of this API key; see Retry-After."},
    503: {"model": ErrorResponse, "description": "Events could not be stored right now; see Retry-After."},
}


@router.post(
    "",
    status_code=202,
    summary="Send usage events",
    description='One event, or `{"events": [...]}` with up to 10,000. All or nothing: if any event is '
    "invalid, nothing is stored. The answer comes once ClickHouse has stored the events.",
    openapi_extra=_BODY_DOC,
    responses={202: _ACCEPTED_DOC, **_ERRORS},
)
async def post_events(request: Request) -> Response:
    """Documents the route; ingest.events.fast_path serves it with the same handler."""
    reply = await handler.post_events(
        request.app.state.ingest,
        authorization=request.headers.get("authorization"),
        content_type=request.headers.get("content-type"),
        content_length=request.headers.get("content-length"),
        chunks=request.stream(),
    )
    return Response(reply.body, status_code=reply.status, headers=reply.headers, media_type="application/json")


@router.get(
    "/{event_id}",
    summary="Find a stored event",
    description="The event as stored (its first copy, the one billing counts), to answer \"I sent it, where is it?\".",
    responses={
        200: {"description": "The stored event.", "content": {"application/json": {"example": {
            "event_id": "req-7f3a-0001", "customer_id": "0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a",
            "sku_id": "0190c1e3-0a1b-7c3e-8d2a-1f2e3d4c5b6b", "amount": "1.5",
            "sent_at": "2026-11-24T21:05:00.000000Z", "ingested_at": "2026-11-24T21:05:00.412345Z"}}}},
        401: _ERRORS[401],
        404: {"model": ErrorResponse, "description": "No such event for this merchant."},
        503: _ERRORS[503],
    },
)  # fmt: skip
async def get_event(
    request: Request, merchant: CurrentMerchant, event_id: Annotated[str, Path(min_length=1, max_length=128)]
) -> Response:
    event = await service.find(request.app.state.ingest, merchant, event_id)
    return Response(ENCODER.encode(event), media_type="application/json")
