"""HTTP handlers of live usage and its estimated cost."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Query

from billbo.events.repository import EventFilter
from billbo.fields import Timestamp
from billbo.http.deps import ClickHouse, DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from billbo.usage import service
from billbo.usage.schemas import UnpricedUsage, Usage
from dashboard_api.auth.deps import CurrentUser

router = api_router(prefix="/api", tags=["usage"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    422: {"model": ErrorResponse, "description": "Invalid filters or cursor."},
    503: {"model": ErrorResponse, "description": "ClickHouse cannot be read right now."},
}
Since = Annotated[Timestamp | None, Query(alias="from", description="sent_at at or after (default: period start)")]
Until = Annotated[Timestamp | None, Query(alias="to", description="sent_at before (default: period end)")]


@router.get(
    "/usage",
    response_model=Usage,
    summary="Live usage from ClickHouse, grouped, with estimated cost",
    responses=_ERRORS,
)
def usage(
    conn: DbConn,
    clickhouse: ClickHouse,
    user: CurrentUser,
    sent_from: Since = None,
    sent_to: Until = None,
    group_by: Annotated[list[Literal["day", "customer", "sku"]] | None, Query()] = None,
    customer_id: uuid.UUID | None = None,
    sku_id: uuid.UUID | None = None,
    include_cost: bool = False,
) -> Usage:
    where = EventFilter(customer_id, sku_id, sent_from, sent_to)
    return service.usage(conn, clickhouse, user.merchant_id, where, group_by, include_cost)


@router.get(
    "/usage/unpriced",
    response_model=UnpricedUsage,
    summary="Usage that cannot be billed yet, and why",
    responses=_ERRORS,
)
def unpriced(
    conn: DbConn, clickhouse: ClickHouse, user: CurrentUser, sent_from: Since = None, sent_to: Until = None
) -> UnpricedUsage:
    where = EventFilter(None, None, sent_from, sent_to)
    return service.unpriced(conn, clickhouse, user.merchant_id, where)
