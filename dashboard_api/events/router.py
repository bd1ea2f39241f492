"""HTTP handlers of the events explorer."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Path, Query

from billbo import pagination
from billbo.events import service
from billbo.events.repository import EventFilter
from billbo.events.schemas import Event, EventPage
from billbo.fields import Timestamp
from billbo.http.deps import ClickHouse
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from dashboard_api.auth.deps import CurrentUser

router = api_router(prefix="/api", tags=["usage"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    404: {"model": ErrorResponse, "description": "No such event for your organisation."},
    422: {"model": ErrorResponse, "description": "Invalid filters or cursor."},
    503: {"model": ErrorResponse, "description": "ClickHouse cannot be read right now."},
}


@router.get(
    "/events", response_model=EventPage, summary="Events explorer: newest first, each event once", responses=_ERRORS
)
def list_events(
    clickhouse: ClickHouse,
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
    return service.explore(clickhouse, user.merchant_id, where, cursor, limit)


@router.get(
    "/events/{event_id:path}", response_model=Event, summary="One event (its first stored copy)", responses=_ERRORS
)
def read_event(clickhouse: ClickHouse, user: CurrentUser, event_id: Annotated[str, Path(max_length=128)]) -> Event:
    return service.find(clickhouse, user.merchant_id, event_id)
