"""SQL for accounts and sessions."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from psycopg.rows import class_row

from billbo.postgres.connection import Conn


@dataclass(frozen=True, slots=True)
class UserRow:
    id: uuid.UUID
    merchant_id: uuid.UUID
    email: str
    password_hash: str | None
    role: str
    merchant_name: str


_USER = """
    select u.id, u.merchant_id, u.email, u.password_hash, u.role::text as role, m.name as merchant_name
    from users u join merchants m on m.id = u.merchant_id
"""


def user_by_email(conn: Conn, email: str) -> UserRow | None:
    with conn.cursor(row_factory=class_row(UserRow)) as cur:
        return cur.execute(_USER + " where u.email = %s and u.removed_at is null", [email]).fetchone()


def user_by_id(conn: Conn, user_id: uuid.UUID) -> UserRow | None:
    with conn.cursor(row_factory=class_row(UserRow)) as cur:
        return cur.execute(_USER + " where u.id = %s and u.removed_at is null", [user_id]).fetchone()


def user_in_session(conn: Conn, user_id: uuid.UUID, session_id: uuid.UUID) -> UserRow | None:
    """The seat behind an access token, if both the seat and its session are still live: one query,
    so removing a seat, logging out or revoking a family stops its access tokens at once."""
    with conn.cursor(row_factory=class_row(UserRow)) as cur:
        return cur.execute(
            _USER + " where u.id = %s and u.removed_at is null and exists ("
            " select 1 from refresh_tokens r where r.family_id = %s and r.user_id = u.id"
            " and r.revoked_at is null and r.expires_at > now())",
            [user_id, session_id],
        ).fetchone()


def email_taken(conn: Conn, email: str) -> bool:
    return conn.execute("select 1 from users where email = %s", [email]).fetchone() is not None


def create_user(conn: Conn, *, merchant_id: uuid.UUID, email: str, password_hash: str, role: str) -> uuid.UUID:
    row = conn.execute(
        "insert into users (merchant_id, email, password_hash, role) values (%s, %s, %s, %s) returning id",
        [merchant_id, email, password_hash, role],
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def recent_failures(conn: Conn, email_sha256: bytes, window: dt.timedelta) -> int:
    row = conn.execute(
        "select count(*) from login_failures where email_sha256 = %s and failed_at > now() - %s",
        [email_sha256, window],
    ).fetchone()
    return int(row[0]) if row else 0


def record_failure(conn: Conn, email_sha256: bytes) -> None:
    conn.execute("insert into login_failures (email_sha256) values (%s)", [email_sha256])


def clear_failures(conn: Conn, email_sha256: bytes) -> None:
    conn.execute("delete from login_failures where email_sha256 = %s", [email_sha256])


@dataclass(frozen=True, slots=True)
class RefreshRow:
    id: uuid.UUID
    user_id: uuid.UUID
    family_id: uuid.UUID
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


def store_refresh(
    conn: Conn, *, user_id: uuid.UUID, family_id: uuid.UUID, token_sha256: bytes, expires_at: dt.datetime
) -> uuid.UUID:
    row = conn.execute(
        "insert into refresh_tokens (user_id, family_id, token_sha256, expires_at) values (%s, %s, %s, %s) "
        "returning id",
        [user_id, family_id, token_sha256, expires_at],
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def refresh_by_digest(conn: Conn, token_sha256: bytes) -> RefreshRow | None:
    with conn.cursor(row_factory=class_row(RefreshRow)) as cur:
        return cur.execute(
            "select id, user_id, family_id, expires_at, revoked_at from refresh_tokens "
            "where token_sha256 = %s for update",
            [token_sha256],
        ).fetchone()


def revoke_refresh(conn: Conn, token_id: uuid.UUID, replaced_by: uuid.UUID | None) -> None:
    conn.execute(
        "update refresh_tokens set revoked_at = coalesce(revoked_at, now()), replaced_by = %s where id = %s",
        [replaced_by, token_id],
    )


def revoke_family(conn: Conn, family_id: uuid.UUID) -> None:
    conn.execute(
        "update refresh_tokens set revoked_at = now() where family_id = %s and revoked_at is null", [family_id]
    )
