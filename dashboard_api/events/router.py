"""HTTP handlers of the events explorer and live usage."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request

from billbo import pagination
from billbo.events.repository import EventFilter
from billbo.fields import Timestamp
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from dashboard_api.auth.deps import CurrentUser
from dashboard_api.events import service
from dashboard_api.events.schemas import Event, EventPage, UnpricedUsage, Usage

router = api_router(prefix="/api", tags=["usage"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    404: {"model": ErrorResponse, "description": "No such event for your organisation."},
    422: {"model": ErrorResponse, "description": "Invalid filters or cursor."},
    503: {"model": ErrorResponse, "description": "ClickHouse cannot be read right now."},
}
Since = Annotated[Timestamp | None, Query(alias="from", description="sent_at at or after (default: period start)")]
Until = Annotated[Timestamp | None, Query(alias="to", description="sent_at before (default: period end)")]

Cursor = Annotated[str | None, Query(pattern=pagination.EVENT_CURSOR, description="The previous page's next_cursor")]


@router.get("/events", response_model=EventPage, summary="Events explorer: newest first, each event once",
            responses=_ERRORS)  # fmt: skip
def list_events(
    request: Request,
    user: CurrentUser,
    customer_id: uuid.UUID | None = None,
    sku_id: uuid.UUID | None = None,
    sent_from: Annotated[Timestamp | None, Query(alias="from", description="sent_at at or after")] = None,
    sent_to: Annotated[Timestamp | None, Query(alias="to", description="sent_at before")] = None,
    cursor: Annotated[
        str | None, Query(pattern=pagination.EVENT_CURSOR, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EventPage:
    where = EventFilter(customer_id, sku_id, sent_from, sent_to)
    return service.explore(request.app.state.resources.clickhouse, user, where, cursor, limit)


@router.get("/events/{event_id}", response_model=Event, summary="One event (its first stored copy)", responses=_ERRORS)
def read_event(request: Request, user: CurrentUser, event_id: Annotated[str, Path(max_length=128)]) -> Event:
    return service.find(request.app.state.resources.clickhouse, user, event_id)


@router.get("/usage", response_model=Usage, summary="Live usage from ClickHouse, grouped, with estimated cost",
            responses=_ERRORS)  # fmt: skip
def usage(
    request: Request,
    user: CurrentUser,
    sent_from: Since = None,
    sent_to: Until = None,
    group_by: Annotated[list[Literal["day", "customer", "sku"]] | None, Query()] = None,
    customer_id: uuid.UUID | None = None,
    sku_id: uuid.UUID | None = None,
    include_cost: bool = False,
) -> Usage:
    start, end = service.window(sent_from, sent_to)
    groups = list(dict.fromkeys(group_by or ["day"]))
    resources = request.app.state.resources
    return service.usage(resources.postgres, resources.clickhouse, user,
                         EventFilter(customer_id, sku_id, start, end), groups, include_cost)  # fmt: skip


@router.get("/usage/unpriced", response_model=UnpricedUsage, summary="Usage that cannot be billed yet, and why",
            responses=_ERRORS)  # fmt: skip
def unpriced(request: Request, user: CurrentUser, sent_from: Since = None, sent_to: Until = None) -> UnpricedUsage:
    start, end = service.window(sent_from, sent_to)
    resources = request.app.state.resources
    return service.unpriced(resources.postgres, resources.clickhouse, user, EventFilter(None, None, start, end))
