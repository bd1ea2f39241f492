"""HTTP handlers of seats and invitations."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Request, Response

from billbo.accounts.schemas import Me
from billbo.http.deps import AppSettings, DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from billbo.members import service
from billbo.members.schemas import Acceptance, InvitationIn, InvitationOut, Member, Members, RoleChange
from dashboard_api.auth.cookies import set_session
from dashboard_api.auth.deps import AdminUser, CurrentUser

router = api_router(prefix="/api", tags=["members"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    403: {"model": ErrorResponse, "description": "Your role may not do this, or the CSRF token is missing."},
    404: {"model": ErrorResponse, "description": "No such member in your organisation."},
    409: {"model": ErrorResponse, "description": "It would leave the organisation without an owner."},
    422: {"model": ErrorResponse, "description": "Invalid fields."},
}


@router.get("/members", response_model=Members, summary="Seats and pending invitations", responses=_ERRORS)
def list_members(conn: DbConn, user: CurrentUser) -> Members:
    return service.list_members(conn, user)


@router.post(
    "/members/invitations",
    status_code=201,
    response_model=InvitationOut,
    summary="Invite someone by email",
    responses={**_ERRORS, 409: {"model": ErrorResponse, "description": "The email already has a seat."}},
)
def invite(request: Request, conn: DbConn, settings: AppSettings, user: AdminUser, body: InvitationIn) -> InvitationOut:
    return service.invite(conn, settings, user, body, str(request.base_url).rstrip("/"))


@router.post(
    "/invitations/accept",
    response_model=Me,
    summary="Accept an invitation: creates the seat and logs in",
    responses={404: _ERRORS[404], 422: _ERRORS[422]},
)
def accept(conn: DbConn, settings: AppSettings, response: Response, body: Acceptance) -> Me:
    session = service.accept(conn, settings, body)
    set_session(response, session, settings)
    return Me.of(session.user)


@router.patch("/members/{user_id}", response_model=Member, summary="Change a member's role", responses=_ERRORS)
def change_role(conn: DbConn, user: AdminUser, user_id: uuid.UUID, body: RoleChange) -> Member:
    return service.change_role(conn, user, user_id, body)


@router.delete("/members/{user_id}", status_code=204, summary="Remove a member", responses=_ERRORS)
def remove(conn: DbConn, user: AdminUser, user_id: uuid.UUID) -> None:
    service.remove(conn, user, user_id)
