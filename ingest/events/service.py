"""The rules of taking events in: validate everything, store all or nothing, answer when stored."""

from __future__ import annotations

import datetime as dt

import msgspec
import structlog
from starlette.concurrency import run_in_threadpool

from billbo.errors import BillboError, MalformedJson, NotFound, ServiceUnavailable, Unprocessable
from billbo.events import repository as events
from billbo.ids import uuid7
from ingest import metrics
from ingest.auth import Merchant
from ingest.events import native
from ingest.events.batcher import InsertFailed, Overloaded
from ingest.events.schemas import BODY_DECODER, EVENT_FIELDS, Accepted, EventIn
from ingest.events.validation import (
    EVENT_ID_RULE,
    Problem,
    Window,
    amounts_of,
    events_of,
    explain,
    scaled_amount,
    valid_event_id,
)
from ingest.state import IngestState

log = structlog.stdlib.get_logger("ingest.events")


def window_for(merchant: Merchant, state: IngestState, now: dt.datetime) -> Window:
    backdating = merchant.owner.backdating_window
    ahead = dt.timedelta(seconds=state.settings.ingest_max_future_seconds)
    return Window(earliest=now - backdating, latest=now + ahead, backdating=backdating, ahead=ahead)


Checked = tuple[list[EventIn], list[str], list[int]]


def read(raw: bytes, window: Window, max_events: int) -> Checked:
    """The events of a request body, their ids (assigned where missing) and exact scaled amounts.
    Any problem raises the 4xx that explains every problem of the body."""
    checked = _checked(raw, window, max_events)
    if checked is None:
        raise refusal(raw, window, max_events)
    return checked


def _checked(raw: bytes, window: Window, max_events: int) -> Checked | None:
    """One cheap pass over the body: None as soon as anything is wrong."""
    try:
        body = BODY_DECODER.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return None
    decoded = events_of(body)
    if decoded is None or not 0 < len(decoded) <= max_events:
        return None
    amounts = amounts_of([event.amount for event in decoded])
    if amounts is None:
        return None
    ids: list[str] = []
    scaled_amounts: list[int] = []
    seen: set[str] = set()
    earliest, latest = window.earliest, window.latest
    for event, amount in zip(decoded, amounts, strict=True):
        scaled = scaled_amount(amount)
        sent_at = event.sent_at
        event_id = event.event_id
        if isinstance(scaled, str) or sent_at.tzinfo is None or not earliest <= sent_at <= latest:
            return None
        if event_id is msgspec.UNSET:
            event_id = str(uuid7())
        elif event_id in seen or not valid_event_id(event_id):
            return None
        else:
            seen.add(event_id)
        ids.append(event_id)
        scaled_amounts.append(scaled)
    return decoded, ids, scaled_amounts


_REASONS = frozenset((*EVENT_FIELDS, "body", "events", "event"))


def refusal(raw: bytes, window: Window, max_events: int) -> BillboError:
    """The answer to a body the fast pass refused: 400 if it is not UTF-8 JSON, else 422 with
    every problem (the slow path of ingest.events.validation)."""
    try:
        problems = explain(raw, window, max_events)
    except MalformedJson as exc:
        metrics.EVENTS_REJECTED.labels(reason="malformed_json").inc()
        return exc
    if not problems:  # the two paths disagree: a bug, but never a reason to store
        log.warning("the fast path refused a body the slow path finds valid", size=len(raw))
        problems = [Problem(None, "body", "the body is not a valid request")]
    reasons: dict[str, int] = {}
    for problem in problems:
        reason = problem.field if problem.field in _REASONS else "unknown_field"  # bounded label values
        reasons[reason] = reasons.get(reason, 0) + 1
    for field, count in reasons.items():
        metrics.EVENTS_REJECTED.labels(reason=field).inc(count)
    return Unprocessable(
        f"{len(problems)} problem(s) in the request; nothing was stored.",
        details=[p.as_dict() for p in problems],
    )


async def accept(state: IngestState, merchant: Merchant, raw: bytes) -> Accepted:
    """Validate a whole request, store it, and say which ids were stored."""
    now = dt.datetime.now(dt.UTC)
    window = window_for(merchant, state, now)
    events, ids, amounts = read(raw, window, state.settings.ingest_max_events)
    fragment = native.encode(merchant.id, events, ids, amounts, now)
    try:
        await state.batcher.store(fragment)
    except Overloaded as exc:
        metrics.EVENTS_REJECTED.labels(reason="overloaded").inc(len(events))
        raise ServiceUnavailable("Ingest is overloaded; nothing was stored. Retry shortly.", retry_after=1) from exc
    except InsertFailed as exc:
        metrics.EVENTS_REJECTED.labels(reason="clickhouse_unavailable").inc(len(events))
        raise ServiceUnavailable(
            "Events could not be stored; nothing was acknowledged. Retry with the same event ids.", retry_after=1
        ) from exc
    metrics.EVENTS_ACCEPTED.inc(len(events))
    metrics.REQUEST_EVENTS.observe(len(events))
    return Accepted(accepted=len(events), event_ids=ids)


async def find(state: IngestState, merchant: Merchant, event_id: str) -> events.EventRow:
    if not valid_event_id(event_id):
        message = f"event_id must be {EVENT_ID_RULE}"
        raise Unprocessable(f"{message}.", details=[{"field": "event_id", "message": message}])
    try:
        event = await run_in_threadpool(events.find, state.clickhouse.get(), merchant.id, event_id)
    except Exception as exc:
        state.clickhouse.reset()
        raise ServiceUnavailable("Events cannot be read right now; retry shortly.") from exc
    if event is None:
        raise NotFound(f"No event {event_id!r} for this merchant.")
    return event
