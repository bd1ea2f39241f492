"""HTTP handlers of accounts and sessions (sync handlers: argon2 runs in the thread pool)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from billbo.accounts import service
from billbo.accounts.repository import UserRow
from billbo.accounts.schemas import Credentials, Me, SignUp
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from dashboard_api.auth.cookies import REFRESH, clear_session, presented, presented_csrf, set_session
from dashboard_api.auth.deps import CurrentUser, access_claims

router = api_router(prefix="/api", tags=["auth"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in, wrong credentials or an ended session."},
    403: {"model": ErrorResponse, "description": "Missing or wrong X-CSRF-Token."},
    422: {"model": ErrorResponse, "description": "Invalid fields."},
}


def _me(user: UserRow) -> Me:
    return Me(user_id=user.id, email=user.email, role=user.role, merchant_id=user.merchant_id,
              merchant_name=user.merchant_name)  # fmt: skip


@router.post(
    "/auth/signup",
    status_code=201,
    response_model=Me,
    summary="Create a merchant and its owner, and log in",
    responses={409: {"model": ErrorResponse, "description": "The email cannot be used."}, 422: _ERRORS[422]},
)
def signup(request: Request, response: Response, body: SignUp) -> Me:
    settings = request.app.state.resources.settings
    session = service.signup(request.app.state.resources.postgres, settings, body)
    set_session(response, session, settings)
    return _me(session.user)


@router.post(
    "/auth/login",
    response_model=Me,
    summary="Log in: sets the session cookies",
    responses={401: _ERRORS[401], 422: _ERRORS[422],
               429: {"model": ErrorResponse, "description": "Too many failed log-ins for this email."}},
)  # fmt: skip
def login(request: Request, response: Response, body: Credentials) -> Me:
    settings = request.app.state.resources.settings
    session = service.login(request.app.state.resources.postgres, settings, body)
    set_session(response, session, settings)
    return _me(session.user)


@router.post("/auth/refresh", response_model=Me, summary="Rotate the session", responses={**_ERRORS})
def refresh(request: Request, response: Response) -> Me:
    settings = request.app.state.resources.settings
    session = service.refresh(
        request.app.state.resources.postgres, settings, presented(request, REFRESH), presented_csrf(request)
    )
    set_session(response, session, settings)
    return _me(session.user)


@router.post("/auth/logout", status_code=204, summary="End the session", responses={403: _ERRORS[403]})
def logout(request: Request, response: Response) -> None:
    settings = request.app.state.resources.settings
    service.logout(request.app.state.resources.postgres, settings, presented(request, REFRESH), access_claims(request),
                   presented_csrf(request))  # fmt: skip
    clear_session(response, settings)


@router.get("/me", response_model=Me, summary="Who is logged in", responses={401: _ERRORS[401]})
async def me(user: CurrentUser) -> Me:
    return Me(user_id=user.id, email=user.email, role=user.role, merchant_id=user.merchant_id,
              merchant_name=user.merchant_name)  # fmt: skip
