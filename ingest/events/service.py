"""The rules of taking events in: validate everything, store all or nothing, answer when stored."""

from __future__ import annotations

import datetime as dt

import msgspec
from starlette.concurrency import run_in_threadpool

from billbo.errors import MalformedJson, NotFound, ServiceUnavailable, Unprocessable
from billbo.events import repository as events
from billbo.ids import uuid7
from ingest import metrics
from ingest.auth import Merchant
from ingest.events import native
from ingest.events.batcher import InsertFailed, Overloaded
from ingest.events.schemas import BODY_DECODER, Accepted, Event
from ingest.events.validation import (
    MAX_EVENT_ID,
    Invalid,
    Problem,
    Window,
    all_problems,
    events_of,
    explain,
    scaled_amount,
)
from ingest.state import IngestState


def window_for(merchant: Merchant, state: IngestState, now: dt.datetime) -> Window:
    backdating = merchant.owner.backdating_window
    return Window(
        earliest=now - backdating,
        latest=now + dt.timedelta(seconds=state.settings.ingest_max_future_seconds),
        backdating=backdating,
    )


def _refuse(problems: list[Problem]) -> Unprocessable:
    reasons: dict[str, int] = {}
    for problem in problems:
        reasons[problem.field] = reasons.get(problem.field, 0) + 1
    for field, count in reasons.items():
        metrics.EVENTS_REJECTED.labels(reason=field).inc(count)
    ordered = sorted(problems, key=lambda p: (-1 if p.index is None else p.index, p.field))
    return Unprocessable(
        f"{len(problems)} problem(s) in the request; nothing was stored.",
        details=[p.as_dict() for p in ordered],
    )


def decode(raw: bytes, window: Window, max_events: int) -> list[Event]:
    """The events of a request body, or the exception that explains why not."""
    try:
        body = BODY_DECODER.decode(raw)
    except msgspec.DecodeError as exc:
        problems = explain(raw, window, max_events)
        if len(problems) == 1 and problems[0].field == "body" and problems[0].message.startswith("malformed"):
            metrics.EVENTS_REJECTED.labels(reason="malformed_json").inc()
            raise MalformedJson(f"The body is not valid JSON: {problems[0].message[15:]}") from exc
        raise _refuse(problems or [Problem(None, "body", str(exc))]) from exc
    try:
        events, batch = events_of(body)
    except Invalid as exc:
        raise _refuse(exc.problems) from exc
    if batch and not events:
        raise _refuse([Problem(None, "events", "events must hold at least one event")])
    if len(events) > max_events:
        raise _refuse([Problem(None, "events", f"at most {max_events} events per request")])
    return events


def prepare(events: list[Event], window: Window) -> tuple[list[str], list[int]]:
    """Check every event; returns their ids (assigned where missing) and exact scaled amounts.
    One cheap pass; only a request with a problem is checked again, fully, to report them all."""
    ids: list[str] = []
    amounts: list[int] = []
    seen: set[str] = set()
    earliest, latest = window.earliest, window.latest
    for event in events:
        scaled = scaled_amount(event.amount)
        sent_at = event.sent_at
        event_id = event.event_id
        if isinstance(scaled, str) or sent_at.tzinfo is None or not earliest <= sent_at <= latest:
            raise _refuse(all_problems(events, window))
        if event_id is None:
            event_id = str(uuid7())
        elif event_id in seen or not 0 < len(event_id) <= MAX_EVENT_ID or not event_id.isprintable():
            raise _refuse(all_problems(events, window))
        else:
            seen.add(event_id)
        ids.append(event_id)
        amounts.append(scaled)
    return ids, amounts


async def accept(state: IngestState, merchant: Merchant, raw: bytes) -> Accepted:
    """Validate a whole request, store it, and say which ids were stored."""
    now = dt.datetime.now(dt.UTC)
    window = window_for(merchant, state, now)
    events = decode(raw, window, state.settings.ingest_max_events)
    ids, amounts = prepare(events, window)
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
    try:
        event = await run_in_threadpool(events.find, state.clickhouse.get(), merchant.id, event_id)
    except Exception as exc:
        state.clickhouse.reset()
        raise ServiceUnavailable("Events cannot be read right now; retry shortly.") from exc
    if event is None:
        raise NotFound(f"No event {event_id!r} for this merchant.")
    return event
