"""HTTP handlers of a merchant's settings: billing settings and the Stripe connection."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from billbo.http.deps import AppSettings, DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from billbo.merchants import service as merchants
from billbo.merchants.schemas import BillingSettings, BillingSettingsPatch
from billbo.stripe import service as stripe
from billbo.stripe.schemas import StripeConnection, StripeConnectionIn
from dashboard_api.auth.deps import AdminUser, CurrentUser

router = api_router(prefix="/api/settings", tags=["settings"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    403: {
        "model": ErrorResponse,
        "description": "Only admins and owners change settings; or the CSRF token is missing.",
    },
    422: {"model": ErrorResponse, "description": "Invalid fields (the field is named)."},
}


def _base_url(request: Request) -> str:
    return str(request.base_url)


@router.get("", response_model=BillingSettings, summary="The billing settings", responses=_ERRORS)
def read_settings(conn: DbConn, user: CurrentUser) -> BillingSettings:
    return merchants.billing_settings(conn, user)


@router.patch(
    "", response_model=BillingSettings, summary="Change billing settings (fields sent only)", responses=_ERRORS
)
def change_settings(conn: DbConn, user: AdminUser, body: BillingSettingsPatch) -> BillingSettings:
    return merchants.change_billing_settings(conn, user, body)


@router.get(
    "/stripe", response_model=StripeConnection, summary="The Stripe connection (never its secrets)", responses=_ERRORS
)
def read_stripe(request: Request, conn: DbConn, user: CurrentUser) -> StripeConnection:
    return stripe.connection_status(conn, user.merchant_id, _base_url(request))


@router.put(
    "/stripe",
    response_model=StripeConnection,
    summary="Connect Stripe: the key is checked with Stripe, then both secrets are stored encrypted",
    responses={
        **_ERRORS,
        422: {"model": ErrorResponse, "description": "A malformed key or secret, or a key Stripe refuses."},
        503: {"model": ErrorResponse, "description": "Stripe could not be reached to check the key."},
    },
)
def connect_stripe(
    request: Request, conn: DbConn, settings: AppSettings, user: AdminUser, body: StripeConnectionIn
) -> StripeConnection:
    return stripe.connect(conn, settings, user.merchant_id, user.id, body, _base_url(request))


@router.delete(
    "/stripe",
    status_code=204,
    summary="Disconnect Stripe",
    responses={**_ERRORS, 404: {"model": ErrorResponse, "description": "Stripe is not connected."}},
)
def disconnect_stripe(conn: DbConn, user: AdminUser) -> None:
    stripe.disconnect(conn, user.merchant_id)
