"""The rules of events: take a request's events in (validate everything, all or nothing), find a
stored event, and explore them page by page. The checks themselves are in billbo.events.validation;
storing is the caller's (ingest hands the block to its group-commit batcher)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import structlog

from billbo import pagination
from billbo.clickhouse.client import LazyClient
from billbo.errors import BillboError, MalformedJson, NotFound, ServiceUnavailable, Unprocessable
from billbo.events import native
from billbo.events import repository as events
from billbo.events.repository import EventFilter
from billbo.events.schemas import Event, EventPage
from billbo.events.validation import EVENT_ID_RULE, Problem, Window, checked, explain, valid_event_id
from billbo.settings import Settings

log = structlog.stdlib.get_logger("ingest.events")


def window_for(backdating: dt.timedelta, settings: Settings, now: dt.datetime) -> Window:
    """The sent_at values a merchant with this backdating window may send at ``now``."""
    ahead = dt.timedelta(seconds=settings.ingest_max_future_seconds)
    return Window(earliest=now - backdating, latest=now + ahead, backdating=backdating, ahead=ahead)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request's events, ready to store: one Native fragment, and their ids in request order."""

    fragment: native.Fragment
    event_ids: list[str]


def prepare(
    raw: bytes, merchant_id: uuid.UUID, backdating: dt.timedelta, settings: Settings, now: dt.datetime
) -> Prepared:
    """The events of a request body as rows to store, ids assigned where missing and amounts exact,
    ingested at ``now``. Any problem raises the 4xx that explains every problem of the body
    (MalformedJson or Refused); nothing is stored then."""
    window = window_for(backdating, settings, now)
    found = checked(raw, window, settings.ingest_max_events)
    if found is None:
        raise refusal(raw, window, settings.ingest_max_events)
    decoded, ids, amounts = found
    return Prepared(native.encode(merchant_id, decoded, ids, amounts, now), ids)


class Refused(Unprocessable):
    """422: some events break a rule; ``problems`` lists every problem, one detail each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            f"{len(problems)} problem(s) in the request; nothing was stored.",
            details=[p.as_dict() for p in problems],
        )
        self.problems = problems


def refusal(raw: bytes, window: Window, max_events: int) -> BillboError:
    """The answer to a body the fast pass refused: 400 if it is not UTF-8 JSON, else 422 with
    every problem (the slow path of billbo.events.validation)."""
    try:
        problems = explain(raw, window, max_events)
    except MalformedJson as exc:
        return exc
    if not problems:  # the two paths disagree: a bug, but never a reason to store
        log.warning("the fast path refused a body the slow path finds valid", size=len(raw))
        problems = [Problem(None, "body", "the body is not a valid request")]
    return Refused(problems)


def find_sent(lazy: LazyClient, merchant_id: uuid.UUID, event_id: str) -> events.EventRow:
    """The stored event a merchant asks for by id ("I sent it, where is it?"): 422 if the id breaks
    the event id rule, 404 if there is no such event, 503 while ClickHouse cannot be read."""
    if not valid_event_id(event_id):
        message = f"event_id must be {EVENT_ID_RULE}"
        raise Unprocessable(f"{message}.", details=[{"field": "event_id", "message": message}])
    try:
        event = events.find(lazy.get(), merchant_id, event_id)
    except Exception as exc:
        lazy.reset()
        raise ServiceUnavailable("Events cannot be read right now; retry shortly.") from exc
    if event is None:
        raise NotFound(f"No event {event_id!r} for this merchant.")
    return event


# The dashboard's events explorer.


def _event(row: events.EventRow) -> Event:
    return Event(
        event_id=row.event_id,
        customer_id=uuid.UUID(row.customer_id),
        sku_id=uuid.UUID(row.sku_id),
        amount=Decimal(row.amount),
        sent_at=dt.datetime.fromisoformat(row.sent_at),
        ingested_at=dt.datetime.fromisoformat(row.ingested_at),
    )


def _cursor(row: events.EventRow) -> str:
    return pagination.event_cursor(dt.datetime.fromisoformat(row.sent_at), row.event_id)


def explore(lazy: LazyClient, merchant_id: uuid.UUID, where: EventFilter, cursor: str | None, limit: int) -> EventPage:
    """A page of events, newest first, each event once; ``cursor`` is the previous page's next_cursor."""
    before = pagination.event_position(cursor) if cursor else None
    rows = events.page(events.client(lazy), merchant_id, where, before=before, limit=limit + 1)
    return EventPage(
        events=[_event(r) for r in rows[:limit]], next_cursor=_cursor(rows[limit - 1]) if len(rows) > limit else None
    )


def find(lazy: LazyClient, merchant_id: uuid.UUID, event_id: str) -> Event:
    """The first stored copy of an event, for the dashboard; 404 if there is none."""
    row = events.find(events.client(lazy), merchant_id, event_id)
    if row is None:
        raise NotFound(f"No event {event_id!r}.")
    return _event(row)
