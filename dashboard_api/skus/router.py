"""HTTP handlers of SKUs, price versions and price previews."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query

from billbo.fields import DecimalQuery, Timestamp
from billbo.http.deps import DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from billbo.skus import service
from billbo.skus.schemas import Preview, PriceChange, Sku, SkuIn, SkuUpdate
from dashboard_api.auth.deps import CurrentUser, MemberUser

router = api_router(prefix="/api/skus", tags=["skus"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    403: {"model": ErrorResponse, "description": "Viewers cannot change the catalogue; or the CSRF token is missing."},
    404: {"model": ErrorResponse, "description": "No such SKU in your organisation."},
    409: {"model": ErrorResponse, "description": "A price version already takes effect at that time."},
    422: {"model": ErrorResponse, "description": "Invalid fields or price terms (the field is named)."},
}


@router.get("", response_model=list[Sku], summary="List SKUs with their current price", responses=_ERRORS)
def list_skus(conn: DbConn, user: CurrentUser, include_archived: bool = False) -> list[Sku]:
    return service.list_skus(conn, user, include_archived)


@router.post("", status_code=201, response_model=Sku, summary="Create a SKU and its first price", responses=_ERRORS)
def create(conn: DbConn, user: MemberUser, body: SkuIn) -> Sku:
    return service.create(conn, user, body)


@router.get("/{sku_id}", response_model=Sku, summary="A SKU with every price version", responses=_ERRORS)
def read(conn: DbConn, user: CurrentUser, sku_id: uuid.UUID) -> Sku:
    return service.get(conn, user, sku_id)


@router.put("/{sku_id}", response_model=Sku, summary="Rename a SKU or its unit", responses=_ERRORS)
def update(conn: DbConn, user: MemberUser, sku_id: uuid.UUID, body: SkuUpdate) -> Sku:
    return service.update(conn, user, sku_id, body)


@router.post("/{sku_id}/archive", response_model=Sku, summary="Archive a SKU", responses=_ERRORS)
def archive(conn: DbConn, user: MemberUser, sku_id: uuid.UUID) -> Sku:
    return service.archive(conn, user, sku_id)


@router.post(
    "/{sku_id}/prices",
    status_code=201,
    response_model=Sku,
    responses=_ERRORS,
    summary="Change the price: a new version, in force from effective_from (default: the next period)",
)
def change_price(conn: DbConn, user: MemberUser, sku_id: uuid.UUID, body: PriceChange) -> Sku:
    return service.change_price(conn, user, sku_id, body)


@router.get(
    "/{sku_id}/preview", response_model=Preview, summary="What N units would cost, tier by tier", responses=_ERRORS
)
def preview(
    conn: DbConn,
    user: CurrentUser,
    sku_id: uuid.UUID,
    quantity: Annotated[DecimalQuery, Query(description="Net quantity in one period, e.g. 1500.5")],
    at: Annotated[Timestamp | None, Query(description="Price in force at this time (default: now)")] = None,
) -> Preview:
    return service.preview(conn, user, sku_id, quantity, at)
