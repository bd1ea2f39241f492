"""HTTP handlers of rated usage and invoices."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from billbo.errors import Unprocessable
from billbo.http.errors import ErrorResponse
from dashboard_api.auth.deps import CurrentUser
from dashboard_api.invoices import service
from dashboard_api.invoices.schemas import Invoice, LineExplanation, RatedUsage

router = APIRouter(prefix="/api", tags=["invoices"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    404: {"model": ErrorResponse, "description": "No such invoice or line in your organisation."},
    422: {"model": ErrorResponse, "description": "Invalid period."},
}
Period = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="Billing period, YYYY-MM")]


def _period(period: str | None) -> dt.date | None:
    if period is None:
        return None
    try:
        return dt.date.fromisoformat(f"{period}-01")
    except ValueError:
        raise Unprocessable("Invalid period.", details=[{"field": "period", "message": "use YYYY-MM"}]) from None


@router.get("/rated-usage", response_model=list[RatedUsage], summary="Rated usage of a period", responses=_ERRORS)
def rated_usage(request: Request, user: CurrentUser, period: Period = None) -> list[RatedUsage]:
    start = _period(period) or dt.datetime.now(dt.UTC).date().replace(day=1)
    return service.rated_usage(request.app.state.resources.postgres, user, start)


@router.get("/invoices", response_model=list[Invoice], summary="Invoices, newest period first", responses=_ERRORS)
def invoices(request: Request, user: CurrentUser, period: Period = None) -> list[Invoice]:
    return service.invoices(request.app.state.resources.postgres, user, _period(period))


@router.get("/invoices/{invoice_id}", response_model=Invoice, summary="An invoice with its lines", responses=_ERRORS)
def invoice(request: Request, user: CurrentUser, invoice_id: uuid.UUID) -> Invoice:
    return service.invoice(request.app.state.resources.postgres, user, invoice_id)


@router.get(
    "/invoices/{invoice_id}/lines/{line_id}/explanation", response_model=LineExplanation, responses=_ERRORS,
    summary="Why a line costs what it does: price version, tier breakdown, days and event checksums",
)  # fmt: skip
def explain(request: Request, user: CurrentUser, invoice_id: uuid.UUID, line_id: uuid.UUID) -> LineExplanation:
    return service.explain(request.app.state.resources.postgres, user, invoice_id, line_id)
