"""HTTP handlers of customers in the dashboard (the ingest API's PUT writes the same records)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query

from billbo import pagination
from billbo.customers import service
from billbo.customers.schemas import Customer, CustomerIn, CustomerPage, NewCustomer
from billbo.http.deps import DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from dashboard_api.auth.deps import CurrentUser, MemberUser

router = api_router(prefix="/api/customers", tags=["customers"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    403: {"model": ErrorResponse, "description": "Viewers cannot change customers; or the CSRF token is missing."},
    404: {"model": ErrorResponse, "description": "No such customer in your organisation."},
    422: {"model": ErrorResponse, "description": "Invalid fields."},
}


Cursor = Annotated[str | None, Query(pattern=pagination.CUSTOMER_CURSOR, description="The previous page's next_cursor")]


@router.get("", response_model=CustomerPage, summary="List customers (search, keyset pagination)", responses=_ERRORS)
def list_customers(
    conn: DbConn,
    user: CurrentUser,
    search: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Annotated[
        str | None, Query(pattern=pagination.CUSTOMER_CURSOR, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    include_archived: bool = False,
) -> CustomerPage:
    customers, next_cursor = service.page(
        conn,
        user.merchant_id,
        search=search,
        cursor=cursor,
        limit=limit,
        include_archived=include_archived,
    )
    return CustomerPage(customers=customers, next_cursor=next_cursor)


@router.post(
    "",
    status_code=201,
    response_model=Customer,
    summary="Create a customer",
    responses={**_ERRORS, 409: {"model": ErrorResponse, "description": "The id is taken."}},
)
def create(conn: DbConn, user: MemberUser, body: NewCustomer) -> Customer:
    data = CustomerIn.model_validate(body.model_dump(exclude={"id"}))
    return service.create(conn, user.merchant_id, body.id or uuid.uuid4(), data)


@router.get("/{customer_id}", response_model=Customer, summary="Read a customer", responses=_ERRORS)
def read(conn: DbConn, user: CurrentUser, customer_id: uuid.UUID) -> Customer:
    return service.get(conn, user.merchant_id, customer_id)


@router.put("/{customer_id}", response_model=Customer, summary="Update a customer", responses=_ERRORS)
def update(conn: DbConn, user: MemberUser, customer_id: uuid.UUID, body: CustomerIn) -> Customer:
    return service.update(conn, user.merchant_id, customer_id, body)


@router.post("/{customer_id}/archive", response_model=Customer, summary="Archive a customer", responses=_ERRORS)
def archive(conn: DbConn, user: MemberUser, customer_id: uuid.UUID) -> Customer:
    return service.archive(conn, user.merchant_id, customer_id)
