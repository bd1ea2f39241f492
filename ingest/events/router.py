"""HTTP handlers for events: parse, call the service, shape the response.

POST /v1/events has one handler, ``handle_post``, for both of its doors: the ASGI fast path that
takes the route's traffic (ingest.events.fast_path) and the FastAPI route that documents it (and
serves it wherever the fast path is not installed). It checks the key, the rate limit, the media
type and the body size, has billbo.events.service prepare the events, and hands them to the
group-commit batcher (ingest.events.batcher): the answer comes once ClickHouse stored them.

The contract of POST /v1/events is a JSON schema written here by hand (the fast path decodes with
msgspec, not pydantic), so everything in it that is a rule comes from where the rule is enforced:
the limits from the Settings the app was created with, the event id and decimal string patterns
and the amount's bounds from billbo.events.validation. Every example in it is accepted as sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from billbo.errors import BillboError, MalformedJson, PayloadTooLarge, ServiceUnavailable, UnsupportedMediaType
from billbo.events import service
from billbo.events.schemas import ENCODER, EVENT_FIELDS, REQUIRED_FIELDS, Accepted
from billbo.events.validation import (
    DECIMAL_STRING_PATTERN,
    EVENT_ID_PATTERN,
    MAX_AMOUNT_EXPONENT,
    MAX_EVENT_ID,
    SCALE,
    duration,
)
from billbo.http.errors import ErrorResponse, error_body
from billbo.http.routing import api_router
from billbo.settings import Settings
from ingest import metrics
from ingest.auth import Merchant, authenticate
from ingest.deps import CurrentMerchant, Ingest
from ingest.events.batcher import InsertFailed, Overloaded
from ingest.state import IngestState

_EVENT_ID = {"type": "string", "minLength": 1, "maxLength": MAX_EVENT_ID, "pattern": EVENT_ID_PATTERN}
_UUID = {"type": "string", "format": "uuid"}
_TIME = {"type": "string", "format": "date-time"}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}


def router_for(settings: Settings) -> APIRouter:
    """The events routes, documented with the limits of ``settings``."""
    router = api_router(prefix="/v1/events", tags=["events"])
    max_events = settings.ingest_max_events
    router.add_api_route(
        "",
        post_events,
        methods=["POST"],
        status_code=202,
        summary="Send usage events",
        description=f'One event, or `{{"events": [...]}}` with up to {max_events:,}. All or nothing: if any '
        "event is invalid, nothing is stored. The answer comes once ClickHouse has stored the events.",
        openapi_extra=_body_doc(settings),
        responses=_post_responses(settings),
    )
    router.add_api_route(
        "/{event_id:path}",  # an event id may hold "/" (sent percent-encoded)
        get_event,
        methods=["GET"],
        summary="Find a stored event",
        description='The event as stored (its first copy, the one billing counts), to answer "I sent it, where '
        'is it?".',
        responses={
            200: {
                "description": "The stored event.",
                "content": {"application/json": {"schema": _STORED_EVENT, "example": _STORED_EXAMPLE}},
            },
            401: _error("Missing, malformed, unknown or revoked API key."),
            404: _error("No such event for this merchant."),
            422: _error("The event_id cannot be an event id (see POST /v1/events)."),
            503: _error("Events cannot be read right now; see Retry-After.", headers=_RETRY_AFTER),
        },
    )
    return router


def event_schema(settings: Settings) -> dict[str, Any]:
    ahead = dt.timedelta(seconds=settings.ingest_max_future_seconds)
    bound = 10**MAX_AMOUNT_EXPONENT
    return {
        "type": "object",
        "required": list(REQUIRED_FIELDS),
        "additionalProperties": False,
        "properties": {
            "event_id": {
                **_EVENT_ID,
                "description": "Idempotency key, unique per merchant: a retry with the same id is counted once. "
                f"1 to {MAX_EVENT_ID} characters, no control characters. Omit it (null is not an id) and "
                "BillBo assigns a UUIDv7.",
            },
            "customer_id": {**_UUID, "description": "Your customer's id."},
            "sku_id": {**_UUID, "description": "The SKU used."},
            "amount": {
                "oneOf": [
                    {
                        "type": "number",
                        "exclusiveMinimum": -bound,
                        "exclusiveMaximum": bound,
                        "multipleOf": 10.0**-SCALE,
                    },
                    {"type": "string", "pattern": DECIMAL_STRING_PATTERN},
                ],
                "description": f"Quantity used, stored exactly as written: at most {SCALE} decimals, "
                f"|amount| < 10^{MAX_AMOUNT_EXPONENT}. Negative amounts are corrections. A decimal string "
                'written plainly ("-2.5", no exponent) is accepted for clients that cannot write exact JSON '
                "numbers.",
            },
            "sent_at": {
                **_TIME,
                "description": f"When the usage happened, RFC 3339 with an offset; not more than "
                f"{duration(ahead)} ahead of the time the request arrives, nor older than the merchant's "
                "backdating window (35 days by default).",
            },
        },
    }


def _body_doc(settings: Settings) -> dict[str, Any]:
    event = event_schema(settings)
    batch = {
        "type": "object",
        "required": ["events"],
        "additionalProperties": False,
        "properties": {
            "events": {"type": "array", "minItems": 1, "maxItems": settings.ingest_max_events, "items": event}
        },
    }
    # sent_at must lie in a window around "now": the examples carry the time the app was created,
    # so that they are accepted as sent (by a reader trying them, and by schemathesis).
    sent_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    example = {**_EXAMPLE_EVENT, "sent_at": sent_at}
    second = {**example, "event_id": "req-7f3a-0002", "amount": "-0.5"}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"oneOf": [event, batch]},
                    "examples": {
                        "one event": {"value": example},
                        "a batch": {"value": {"events": [example, second]}},
                    },
                }
            },
        }
    }


_EXAMPLE_EVENT = {
    "event_id": "req-7f3a-0001",
    "customer_id": "0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a",
    "sku_id": "0190c1e3-0a1b-7c3e-8d2a-1f2e3d4c5b6b",
    "amount": 1.5,
}


def _post_responses(settings: Settings) -> dict[int | str, dict[str, Any]]:
    max_events = settings.ingest_max_events
    accepted = {
        "type": "object",
        "required": ["accepted", "event_ids"],
        "additionalProperties": False,
        "properties": {
            "accepted": {"type": "integer", "minimum": 1, "maximum": max_events},
            "event_ids": {"type": "array", "minItems": 1, "maxItems": max_events, "items": _EVENT_ID},
        },
    }
    return {
        202: {
            "description": "Stored in ClickHouse: the ids of the events, in request order.",
            "content": {
                "application/json": {
                    "schema": accepted,
                    "example": {"accepted": 2, "event_ids": ["req-7f3a-0001", "0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"]},
                }
            },
        },
        400: _error(
            "The body is not UTF-8 JSON (code malformed_json); details name the field when the bytes "
            "that are not UTF-8 are in one."
        ),
        401: _error("Missing, malformed, unknown or revoked API key."),
        413: _error(f"The body is larger than {settings.ingest_max_body_bytes:,} bytes."),
        415: _error("Content-Type is not application/json."),
        422: _error("Some events are invalid: one detail per problem (index, field, message); nothing stored."),
        429: _error("Rate limit of this API key; see Retry-After.", headers=_RETRY_AFTER),
        503: _error("Events could not be stored right now; nothing stored; see Retry-After.", headers=_RETRY_AFTER),
    }


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"model": ErrorResponse, "description": description}
    if headers:
        doc["headers"] = headers
    return doc


_STORED_EVENT = {
    "type": "object",
    "required": ["event_id", "customer_id", "sku_id", "amount", "sent_at", "ingested_at"],
    "properties": {
        "event_id": _EVENT_ID,
        "customer_id": _UUID,
        "sku_id": _UUID,
        "amount": {"type": "string", "description": "Exact decimal."},
        "sent_at": _TIME,
        "ingested_at": _TIME,
    },
}
_STORED_EXAMPLE = {
    "event_id": "req-7f3a-0001",
    "customer_id": "0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a",
    "sku_id": "0190c1e3-0a1b-7c3e-8d2a-1f2e3d4c5b6b",
    "amount": "1.5",
    "sent_at": "2026-11-24T21:05:00.000000Z",
    "ingested_at": "2026-11-24T21:05:00.412345Z",
}


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


async def read_limited(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to be too large (never read whole)."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body is larger than {limit} bytes.")
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The body is larger than {limit} bytes.")
        parts.append(chunk)
    return b"".join(parts)


async def handle_post(
    state: IngestState,
    *,
    authorization: str | None,
    content_type: str | None,
    content_length: str | None,
    chunks: AsyncIterator[bytes],
) -> Reply:
    """POST /v1/events from headers and body chunks to status, body and headers."""
    try:
        merchant = await authenticate(state.keys, authorization)
        state.buckets.take(merchant.key_id)
        if (content_type or "").split(";")[0].strip().lower() != "application/json":
            raise UnsupportedMediaType(f"Content-Type must be application/json, not {content_type or 'missing'!r}.")
        raw = await read_limited(chunks, content_length, state.settings.ingest_max_body_bytes)
        accepted = await _accept(state, merchant, raw)
    except BillboError as exc:
        return Reply(exc.status_code, msgspec.json.encode(error_body(exc.code, exc.message, exc.details)), exc.headers)
    return Reply(202, ENCODER.encode(accepted))


async def _accept(state: IngestState, merchant: Merchant, raw: bytes) -> Accepted:
    """Validate a whole request, store it, and say which ids were stored."""
    now = dt.datetime.now(dt.UTC)
    try:
        prepared = service.prepare(raw, merchant.id, merchant.owner.backdating_window, state.settings, now)
    except BillboError as exc:
        _count_refused(exc)
        raise
    accepted = len(prepared.event_ids)
    try:
        await state.batcher.store(prepared.fragment)
    except Overloaded as exc:
        metrics.EVENTS_REJECTED.labels(reason="overloaded").inc(accepted)
        raise ServiceUnavailable("Ingest is overloaded; nothing was stored. Retry shortly.", retry_after=1) from exc
    except InsertFailed as exc:
        metrics.EVENTS_REJECTED.labels(reason="clickhouse_unavailable").inc(accepted)
        raise ServiceUnavailable(
            "Events could not be stored; nothing was acknowledged. Retry with the same event ids.", retry_after=1
        ) from exc
    metrics.EVENTS_ACCEPTED.inc(accepted)
    metrics.REQUEST_EVENTS.observe(accepted)
    return Accepted(accepted=accepted, event_ids=prepared.event_ids)


_REASONS = frozenset((*EVENT_FIELDS, "body", "events", "event"))


def _count_refused(error: BillboError) -> None:
    """Refused problems by reason: the field each names, from a bounded set of label values."""
    if isinstance(error, MalformedJson):
        metrics.EVENTS_REJECTED.labels(reason="malformed_json").inc()
        return
    if not isinstance(error, service.Refused):
        return
    reasons: dict[str, int] = {}
    for problem in error.problems:
        reason = problem.field if problem.field in _REASONS else "unknown_field"
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        metrics.EVENTS_REJECTED.labels(reason=reason).inc(count)


async def post_events(request: Request, state: Ingest) -> Response:
    """Documents the route; ingest.events.fast_path serves it with the same handler."""
    reply = await handle_post(
        state,
        authorization=request.headers.get("authorization"),
        content_type=request.headers.get("content-type"),
        content_length=request.headers.get("content-length"),
        chunks=request.stream(),
    )
    return Response(reply.body, status_code=reply.status, headers=reply.headers, media_type="application/json")


_EVENT_ID_PARAMETER = Path(
    description="The event's id, as sent or as assigned.",
    json_schema_extra={"minLength": 1, "maxLength": MAX_EVENT_ID, "pattern": EVENT_ID_PATTERN},
)


async def get_event(
    state: Ingest, merchant: CurrentMerchant, event_id: Annotated[str, _EVENT_ID_PARAMETER]
) -> Response:
    event = await run_in_threadpool(service.find_sent, state.clickhouse, merchant.id, event_id)  # checks the id rule
    return Response(ENCODER.encode(event), media_type="application/json")
