"""HTTP handlers of rated usage and invoices."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import Query

from billbo.fields import Period
from billbo.http.deps import AppSettings, DbConn, DbPool
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from billbo.invoices import service
from billbo.invoices.schemas import Invoice, InvoiceDetail, LineExplanation, RatedUsage
from billbo.stripe import export as stripe_export
from billbo.stripe.schemas import StripeExportStatus
from dashboard_api.auth.deps import AdminUser, CurrentUser

router = api_router(prefix="/api", tags=["invoices"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    404: {"model": ErrorResponse, "description": "No such invoice or line in your organisation."},
    422: {"model": ErrorResponse, "description": "Invalid period (YYYY-MM)."},
}
_NOT_EXPLAINED = (
    "The line was written before lines stored the calculation that priced them, and its rated usage has changed "
    "since (a draft's next refresh stores it)."
)
PeriodQuery = Annotated[Period | None, Query(description="Billing period, YYYY-MM")]


@router.get("/rated-usage", response_model=list[RatedUsage], summary="Rated usage of a period", responses=_ERRORS)
def rated_usage(conn: DbConn, user: CurrentUser, period: PeriodQuery = None) -> list[RatedUsage]:
    start = period or dt.datetime.now(dt.UTC).date().replace(day=1)
    return service.rated_usage(conn, user.merchant_id, start)


@router.get("/invoices", response_model=list[Invoice], summary="Invoices, newest period first", responses=_ERRORS)
def invoices(conn: DbConn, user: CurrentUser, period: PeriodQuery = None) -> list[Invoice]:
    return service.invoices(conn, user.merchant_id, period)


@router.get(
    "/invoices/{invoice_id}",
    response_model=InvoiceDetail,
    summary="An invoice with its lines and its export to Stripe",
    responses=_ERRORS,
)
def invoice(conn: DbConn, user: CurrentUser, invoice_id: uuid.UUID) -> InvoiceDetail:
    return service.invoice_detail(conn, user.merchant_id, invoice_id)


@router.post(
    "/invoices/{invoice_id}/stripe/retry",
    response_model=StripeExportStatus,
    summary="Export a failed invoice to Stripe again, now (after fixing what Stripe refused)",
    responses={
        **_ERRORS,
        403: {"model": ErrorResponse, "description": "Only admins and owners retry; or the CSRF token is missing."},
        409: {"model": ErrorResponse, "description": "The invoice's export has not failed."},
    },
)
def retry_stripe_export(
    pool: DbPool, settings: AppSettings, user: AdminUser, invoice_id: uuid.UUID
) -> StripeExportStatus:
    # The export commits each Stripe id as Stripe answers, on connections of its own (the pool's).
    return stripe_export.retry(pool.connection, settings, user.merchant_id, invoice_id)


@router.get(
    "/invoices/{invoice_id}/lines/{line_id}/explanation",
    response_model=LineExplanation,
    responses={**_ERRORS, 409: {"model": ErrorResponse, "description": _NOT_EXPLAINED}},
    summary="Why a line costs what it does: price version, tier breakdown, days and event checksums",
)
def explain(conn: DbConn, user: CurrentUser, invoice_id: uuid.UUID, line_id: uuid.UUID) -> LineExplanation:
    return service.explain(conn, user.merchant_id, invoice_id, line_id)
