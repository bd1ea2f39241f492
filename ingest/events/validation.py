"""The rules an event must meet, and the 422 details when some do not.

The fast path decodes the whole body with msgspec and checks each event's rules in one loop. Only
when something is wrong does the slow path run: it decodes the body again, event by event, to
report every bad event (``index``, ``field``, ``message``) rather than the first.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

import msgspec

from ingest.events.schemas import EVENT_FIELDS, Body, Event

SCALE = 12  # digits after the point in ClickHouse's Decimal(38, 12)
MAX_SCALED = 10**38  # |amount * 10^12| must fit 38 digits: |amount| < 10^26
MAX_EVENT_ID = 128


@dataclass(frozen=True, slots=True)
class Problem:
    index: int | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "message": self.message}


@dataclass(frozen=True, slots=True)
class Window:
    """The sent_at values a merchant may send now."""

    earliest: dt.datetime
    latest: dt.datetime
    backdating: dt.timedelta


class Invalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


_EXACT = Context(prec=100, traps=[])  # wide enough that moving the point never rounds


def scaled_amount(amount: Decimal) -> int | str:
    """``amount`` as an integer count of 10^-12, or the reason it cannot be stored exactly."""
    try:
        shifted = amount.scaleb(SCALE, _EXACT)
        value = int(shifted)
    except (ValueError, OverflowError):  # NaN, Infinity
        return "must be a finite number"
    if value != shifted:
        return f"has more than {SCALE} digits after the decimal point"
    if not -MAX_SCALED < value < MAX_SCALED:
        return "must be less than 10^26 in absolute value"
    return value


def event_problems(index: int | None, event: Event, window: Window) -> list[Problem]:
    """Every rule ``event`` breaks on its own (an empty list when it is fine)."""
    problems: list[Problem] = []
    scaled = scaled_amount(event.amount)
    if isinstance(scaled, str):
        problems.append(Problem(index, "amount", f"amount {scaled}"))
    sent_at = event.sent_at
    if sent_at.tzinfo is None:
        problems.append(Problem(index, "sent_at", "sent_at needs a UTC offset (RFC 3339), e.g. 2026-11-24T21:05:00Z"))
    elif sent_at > window.latest:
        problems.append(Problem(index, "sent_at", "sent_at is more than 5 minutes in the future"))
    elif sent_at < window.earliest:
        days = window.backdating.total_seconds() / 86400
        problems.append(
            Problem(index, "sent_at", f"sent_at is older than this merchant's backdating window ({days:g} days)")
        )
    event_id = event.event_id
    if event_id is not None:
        if not 1 <= len(event_id) <= MAX_EVENT_ID:
            problems.append(Problem(index, "event_id", f"event_id must be 1 to {MAX_EVENT_ID} characters"))
        elif not event_id.isprintable():
            problems.append(Problem(index, "event_id", "event_id must contain printable characters only"))
    return problems


def duplicate_problems(event_ids: list[tuple[int, str | None]]) -> list[Problem]:
    """One problem per event whose id an earlier event of the same request already has."""
    first: dict[str, int] = {}
    problems = []
    for index, event_id in event_ids:
        if event_id is None:
            continue
        if event_id in first:
            message = f"event_id {event_id!r} appears twice in this request (first at index {first[event_id]})"
            problems.append(Problem(index, "event_id", message))
        else:
            first[event_id] = index
    return problems


def all_problems(events: list[Event], window: Window) -> list[Problem]:
    problems = [p for index, event in enumerate(events) for p in event_problems(index, event, window)]
    problems += duplicate_problems([(index, event.event_id) for index, event in enumerate(events)])
    return sorted(problems, key=lambda p: (p.index or 0, p.field))


def events_of(body: Body) -> tuple[list[Event], bool]:
    """The events of a decoded body and whether it was a batch; raises Invalid on a bad shape."""
    if body.events is not msgspec.UNSET:
        stray = [name for name in EVENT_FIELDS if getattr(body, name) is not msgspec.UNSET]
        if stray:
            raise Invalid([Problem(None, stray[0], f"unknown field {stray[0]!r} beside 'events'")])
        return body.events, True
    missing = [name for name in EVENT_FIELDS[:4] if getattr(body, name) is msgspec.UNSET]
    if missing:
        raise Invalid([Problem(0, name, f"{name} is required") for name in missing])
    event_id = None if body.event_id is msgspec.UNSET else body.event_id
    return [Event(body.customer_id, body.sku_id, body.amount, body.sent_at, event_id)], False  # type: ignore[arg-type]


def explain(raw: bytes, window: Window, max_events: int) -> list[Problem]:
    """The slow path: every problem of a body the fast path refused, event by event."""
    try:
        document = json.loads(raw, parse_float=Decimal, parse_constant=lambda name: name)
    except ValueError as exc:
        return [Problem(None, "body", f"malformed JSON: {exc}")]
    items, shape_problem = _items(document, max_events)
    if shape_problem is not None:
        return [shape_problem]
    problems: list[Problem] = []
    for index, item in enumerate(items):
        problems += _item_problems(index, item, window)
    problems += duplicate_problems(
        [(index, item.get("event_id")) for index, item in enumerate(items) if isinstance(item, dict)]
    )
    return sorted(problems, key=lambda p: (p.index or 0, p.field))


def _items(document: Any, max_events: int) -> tuple[list[Any], Problem | None]:
    if not isinstance(document, dict):
        return [], Problem(None, "body", 'the body must be an event object or {"events": [...]}')
    if "events" not in document:
        return [document], None
    extra = sorted(set(document) - {"events"})
    items = document["events"]
    problem = None
    if extra:
        problem = Problem(None, extra[0], f"unknown field {extra[0]!r} beside 'events'")
    elif not isinstance(items, list):
        problem = Problem(None, "events", "events must be a list of event objects")
    elif not items:
        problem = Problem(None, "events", "events must hold at least one event")
    elif len(items) > max_events:
        problem = Problem(None, "events", f"at most {max_events} events per request")
    return (items if problem is None else []), problem


def _item_problems(index: int, item: Any, window: Window) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem(index, "event", "each event must be a JSON object")]
    problems = [Problem(index, name, f"unknown field {name!r}") for name in sorted(set(item) - set(EVENT_FIELDS))]
    problems += [Problem(index, name, f"{name} is required") for name in EVENT_FIELDS[:4] if name not in item]
    amount = item.get("amount")
    if isinstance(amount, str) and amount in ("NaN", "Infinity", "-Infinity"):
        problems.append(Problem(index, "amount", "amount must be a finite number"))
        item = {**item, "amount": 0}
    elif isinstance(amount, bool) or not isinstance(amount, (int, Decimal, str, type(None))):
        problems.append(Problem(index, "amount", "amount must be a number"))
        item = {**item, "amount": 0}
    if problems:
        return problems
    try:
        event = msgspec.json.decode(json.dumps(item, default=str).encode(), type=Event)
    except msgspec.ValidationError as exc:
        return [Problem(index, _field_of(str(exc)), _message_of(str(exc)))]
    return event_problems(index, event, window)


def _field_of(message: str) -> str:
    if "`$." in message:
        return message.rsplit("`$.", 1)[1].rstrip("`").split("[")[0].split(".")[0]
    return "event"


def _message_of(message: str) -> str:
    field = _field_of(message)
    text = message.split(" - at `", maxsplit=1)[0]
    return f"{field}: {text}" if field != "event" else text
