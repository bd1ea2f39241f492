"""SQL for seats and invitations."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from psycopg.rows import class_row

from billbo.postgres.connection import Conn


@dataclass(frozen=True, slots=True)
class MemberRow:
    user_id: uuid.UUID
    email: str
    role: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class InvitationRow:
    invitation_id: uuid.UUID
    merchant_id: uuid.UUID
    email: str
    role: str
    expires_at: dt.datetime
    accepted_at: dt.datetime | None


def members(conn: Conn, merchant_id: uuid.UUID) -> list[MemberRow]:
    with conn.cursor(row_factory=class_row(MemberRow)) as cur:
        return cur.execute(
            "select id as user_id, email, role::text as role, created_at from users "
            "where merchant_id = %s and removed_at is null order by created_at, id",
            [merchant_id],
        ).fetchall()


def member(conn: Conn, merchant_id: uuid.UUID, user_id: uuid.UUID) -> MemberRow | None:
    with conn.cursor(row_factory=class_row(MemberRow)) as cur:
        return cur.execute(
            "select id as user_id, email, role::text as role, created_at from users "
            "where merchant_id = %s and id = %s and removed_at is null for update",
            [merchant_id, user_id],
        ).fetchone()


def owner_count(conn: Conn, merchant_id: uuid.UUID) -> int:
    # Lock the merchant's owners so two admins cannot remove the last two owners at once.
    rows = conn.execute(
        "select id from users where merchant_id = %s and role = 'owner' and removed_at is null for update",
        [merchant_id],
    ).fetchall()
    return len(rows)


def set_role(conn: Conn, user_id: uuid.UUID, role: str) -> None:
    conn.execute("update users set role = %s where id = %s", [role, user_id])


def remove(conn: Conn, user_id: uuid.UUID) -> None:
    conn.execute("update users set removed_at = now(), email = email || '#removed-' || id where id = %s", [user_id])
    conn.execute("update refresh_tokens set revoked_at = now() where user_id = %s and revoked_at is null", [user_id])


def pending_invitations(conn: Conn, merchant_id: uuid.UUID) -> list[InvitationRow]:
    with conn.cursor(row_factory=class_row(InvitationRow)) as cur:
        return cur.execute(
            "select id as invitation_id, merchant_id, email, role::text as role, expires_at, accepted_at "
            "from invitations where merchant_id = %s and accepted_at is null and expires_at > now() "
            "order by created_at",
            [merchant_id],
        ).fetchall()


def create_invitation(
    conn: Conn,
    *,
    merchant_id: uuid.UUID,
    email: str,
    role: str,
    token_sha256: bytes,
    invited_by: uuid.UUID,
    expires_at: dt.datetime,
) -> InvitationRow:
    with conn.cursor(row_factory=class_row(InvitationRow)) as cur:
        row = cur.execute(
            "insert into invitations (merchant_id, email, role, token_sha256, invited_by, expires_at) "
            "values (%s, %s, %s, %s, %s, %s) "
            "returning id as invitation_id, merchant_id, email, role::text as role, expires_at, accepted_at",
            [merchant_id, email, role, token_sha256, invited_by, expires_at],
        ).fetchone()
    assert row is not None
    return row


def invitation_by_digest(conn: Conn, token_sha256: bytes) -> InvitationRow | None:
    with conn.cursor(row_factory=class_row(InvitationRow)) as cur:
        return cur.execute(
            "select id as invitation_id, merchant_id, email, role::text as role, expires_at, accepted_at "
            "from invitations where token_sha256 = %s for update",
            [token_sha256],
        ).fetchone()


def mark_accepted(conn: Conn, invitation_id: uuid.UUID) -> None:
    conn.execute("update invitations set accepted_at = now() where id = %s", [invitation_id])
