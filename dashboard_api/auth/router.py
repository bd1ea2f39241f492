"""HTTP handlers of accounts and sessions (sync handlers: argon2 runs in the thread pool)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from billbo.accounts import service
from billbo.accounts.schemas import Credentials, Me, SignUp
from billbo.http.deps import AppSettings, DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from dashboard_api.auth.cookies import REFRESH, clear_session, presented, presented_csrf, set_session
from dashboard_api.auth.deps import AccessClaims, CurrentUser

router = api_router(prefix="/api", tags=["auth"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in, wrong credentials or an ended session."},
    403: {"model": ErrorResponse, "description": "Missing or wrong X-CSRF-Token."},
    422: {"model": ErrorResponse, "description": "Invalid fields."},
}


@router.post(
    "/auth/signup",
    status_code=201,
    response_model=Me,
    summary="Create a merchant and its owner, and log in",
    responses={409: {"model": ErrorResponse, "description": "The email cannot be used."}, 422: _ERRORS[422]},
)
def signup(conn: DbConn, settings: AppSettings, response: Response, body: SignUp) -> Me:
    session = service.signup(conn, settings, body)
    set_session(response, session, settings)
    return Me.of(session.user)


@router.post(
    "/auth/login",
    response_model=Me,
    summary="Log in: sets the session cookies",
    responses={
        401: _ERRORS[401],
        422: _ERRORS[422],
        429: {"model": ErrorResponse, "description": "Too many failed log-ins for this email."},
    },
)
def login(conn: DbConn, settings: AppSettings, response: Response, body: Credentials) -> Me:
    session = service.login(conn, settings, body)
    set_session(response, session, settings)
    return Me.of(session.user)


@router.post("/auth/refresh", response_model=Me, summary="Rotate the session", responses={**_ERRORS})
def refresh(request: Request, conn: DbConn, settings: AppSettings, response: Response) -> Me:
    session = service.refresh(conn, settings, presented(request, REFRESH), presented_csrf(request))
    set_session(response, session, settings)
    return Me.of(session.user)


@router.post("/auth/logout", status_code=204, summary="End the session", responses={403: _ERRORS[403]})
def logout(request: Request, conn: DbConn, settings: AppSettings, claims: AccessClaims, response: Response) -> None:
    service.logout(conn, settings, presented(request, REFRESH), claims, presented_csrf(request))
    clear_session(response, settings)


@router.get("/me", response_model=Me, summary="Who is logged in", responses={401: _ERRORS[401]})
async def me(user: CurrentUser) -> Me:
    return Me.of(user)
