"""The rules of seats: who may invite, change and remove whom; the last owner stays."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

import structlog

from billbo.accounts import passwords, tokens
from billbo.accounts import repository as accounts
from billbo.accounts.schemas import User
from billbo.accounts.service import Session, start_session
from billbo.errors import Conflict, Forbidden, NotFound
from billbo.members import repository
from billbo.members.schemas import (
    Acceptance,
    InvitationIn,
    InvitationOut,
    Member,
    Members,
    PendingInvitation,
    RoleChange,
)
from billbo.postgres.connection import Conn
from billbo.settings import Settings

log = structlog.stdlib.get_logger("dashboard.members")


def _may_manage(actor: User, current_role: str, new_role: str | None = None) -> None:
    """Admins manage admins, members and viewers; only owners touch owners."""
    if "owner" in (current_role, new_role) and actor.role != "owner":
        raise Forbidden("Only an owner can grant, change or remove the owner role.")


def list_members(conn: Conn, actor: User) -> Members:
    return Members(
        members=[Member.model_validate(m, from_attributes=True) for m in repository.members(conn, actor.merchant_id)],
        invitations=[
            PendingInvitation.model_validate(i, from_attributes=True)
            for i in repository.pending_invitations(conn, actor.merchant_id)
        ],
    )


def invite(conn: Conn, settings: Settings, actor: User, data: InvitationIn, base_url: str) -> InvitationOut:
    _may_manage(actor, data.role)
    token = secrets.token_urlsafe(32)
    if accounts.email_taken(conn, data.email):
        raise Conflict("This email already has a seat.")
    row = repository.create_invitation(
        conn,
        merchant_id=actor.merchant_id,
        email=data.email,
        role=data.role,
        token_sha256=tokens.digest(token),
        invited_by=actor.id,
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.invitation_days),
    )
    link = f"{base_url}/accept-invitation?token={token}"
    # No mail server: the link is returned for the inviter to pass on. It holds the invitation's
    # secret token, so it is never logged (D13).
    log.info("invitation created", invitation_id=str(row.invitation_id), role=data.role)
    return InvitationOut(
        invitation_id=row.invitation_id, email=row.email, role=data.role, expires_at=row.expires_at, link=link
    )


def accept(conn: Conn, settings: Settings, data: Acceptance) -> Session:
    password_hash = passwords.hash_password(data.password)
    invitation = repository.invitation_by_digest(conn, tokens.digest(data.token))
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= dt.datetime.now(dt.UTC):
        raise NotFound("This invitation does not exist, was used, or expired.")
    if accounts.email_taken(conn, invitation.email):
        raise Conflict("This email already has a seat.")
    user_id = accounts.create_user(
        conn,
        merchant_id=invitation.merchant_id,
        email=invitation.email,
        password_hash=password_hash,
        role=invitation.role,
    )
    repository.mark_accepted(conn, invitation.invitation_id)
    user = accounts.user_by_id(conn, user_id)
    assert user is not None
    return start_session(conn, settings, user)


def change_role(conn: Conn, actor: User, user_id: uuid.UUID, change: RoleChange) -> Member:
    target = repository.member(conn, actor.merchant_id, user_id)
    if target is None:
        raise NotFound("No such member.")
    _may_manage(actor, target.role, change.role)
    if target.role == "owner" and change.role != "owner" and repository.owner_count(conn, actor.merchant_id) <= 1:
        raise Conflict(
            "The last owner cannot stop being an owner; make someone else owner first.",
            details=[{"field": "role", "message": "last owner"}],
        )
    repository.set_role(conn, user_id, change.role)
    updated = repository.member(conn, actor.merchant_id, user_id)
    assert updated is not None
    return Member.model_validate(updated, from_attributes=True)


def remove(conn: Conn, actor: User, user_id: uuid.UUID) -> None:
    target = repository.member(conn, actor.merchant_id, user_id)
    if target is None:
        raise NotFound("No such member.")
    _may_manage(actor, target.role)
    if target.role == "owner" and repository.owner_count(conn, actor.merchant_id) <= 1:
        raise Conflict("The last owner cannot be removed.", details=[{"field": "user_id", "message": "last owner"}])
    repository.remove(conn, user_id)
