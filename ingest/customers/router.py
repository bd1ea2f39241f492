"""HTTP handler for customer sync through the ingest API."""

from __future__ import annotations

import uuid

from fastapi import Response

from billbo.customers import service
from billbo.customers.schemas import Customer, CustomerIn
from billbo.http.deps import DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from ingest.deps import CurrentMerchant

router = api_router(prefix="/v1/customers", tags=["customers"])


@router.put(
    "/{customer_id}",
    response_model=Customer,
    summary="Create or replace a customer",
    responses={
        200: {"description": "Updated."},
        201: {"description": "Created.", "model": Customer},
        401: {"model": ErrorResponse},
        422: {"model": ErrorResponse, "description": "Invalid fields, e.g. an unknown currency."},
    },
)
def put_customer(
    conn: DbConn, response: Response, merchant: CurrentMerchant, customer_id: uuid.UUID, body: CustomerIn
) -> Customer:
    customer, created = service.upsert(conn, merchant.id, customer_id, body)
    response.status_code = 201 if created else 200
    return customer
