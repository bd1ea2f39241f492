"""The rules of accounts and sessions: sign-up, log-in, refresh rotation, log-out."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from psycopg_pool import ConnectionPool

from billbo.errors import Conflict, TooManyRequests, Unauthorized
from billbo.merchants import repository as merchants
from billbo.settings import Settings
from dashboard_api.auth import passwords, repository, tokens
from dashboard_api.auth.repository import Conn, UserRow
from dashboard_api.auth.schemas import Credentials, SignUp

FAILURE_WINDOW = dt.timedelta(minutes=15)
WRONG_CREDENTIALS = "Wrong email or password."  # the same words whether or not the email exists


@dataclass(frozen=True)
class Session:
    access_token: str
    refresh_token: str
    csrf_token: str
    user: UserRow


def _email_digest(email: str) -> bytes:
    return hashlib.sha256(email.lower().encode()).digest()


def _start(
    conn: Conn, settings: Settings, user: UserRow, family_id: uuid.UUID | None = None
) -> tuple[Session, uuid.UUID]:
    refresh = tokens.new_refresh_token()
    token_id = repository.store_refresh(
        conn,
        user_id=user.id,
        family_id=family_id or uuid.uuid4(),
        token_sha256=tokens.digest(refresh),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.refresh_token_days),
    )
    access = tokens.access_token(
        tokens.AccessClaims(user.id, user.merchant_id, user.role),
        settings.jwt_secret_value(),
        dt.timedelta(minutes=settings.access_token_minutes),
    )
    return Session(access, refresh, tokens.new_csrf_token(), user), token_id


def start_session(conn: Conn, settings: Settings, user: UserRow) -> Session:
    """A fresh session (new refresh-token family) for a user who just proved who they are."""
    return _start(conn, settings, user)[0]


def signup(pool: ConnectionPool, settings: Settings, data: SignUp) -> Session:
    """A new merchant and its first owner, logged in."""
    password_hash = passwords.hash_password(data.password)  # slow on purpose: outside the transaction
    with pool.connection() as conn, conn.transaction():
        if repository.email_taken(conn, data.email):
            raise Conflict("This email cannot be used to sign up; log in instead, or use another address.")
        merchant_id = merchants.create(conn, name=data.organisation)
        user_id = repository.create_user(
            conn, merchant_id=merchant_id, email=data.email, password_hash=password_hash, role="owner"
        )
        user = repository.user_by_id(conn, user_id)
        assert user is not None
        return _start(conn, settings, user)[0]


def login(pool: ConnectionPool, settings: Settings, credentials: Credentials) -> Session:
    email_digest = _email_digest(credentials.email)
    with pool.connection() as conn:
        if repository.recent_failures(conn, email_digest, FAILURE_WINDOW) >= settings.login_max_failures:
            raise TooManyRequests("Too many failed log-ins; wait a few minutes.", retry_after=60)
        user = repository.user_by_email(conn, credentials.email)
        if not passwords.verify(user.password_hash if user else None, credentials.password) or user is None:
            repository.record_failure(conn, email_digest)
            conn.commit()
            raise Unauthorized(WRONG_CREDENTIALS)
        with conn.transaction():
            repository.clear_failures(conn, email_digest)
            return _start(conn, settings, user)[0]


def refresh(pool: ConnectionPool, settings: Settings, refresh_token: str | None) -> Session:
    """A new session for a valid refresh token, which is used up. A used-up token presented again
    means it was copied: the whole family of sessions it belongs to is revoked."""
    if not refresh_token:
        raise Unauthorized("No session: log in again.")
    with pool.connection() as conn:
        with conn.transaction():
            row = repository.refresh_by_digest(conn, tokens.digest(refresh_token))
            if row is not None and row.revoked_at is not None:
                repository.revoke_family(conn, row.family_id)
        if row is None or row.revoked_at is not None or row.expires_at <= dt.datetime.now(dt.UTC):
            raise Unauthorized("This session has ended: log in again.")
        with conn.transaction():
            row = repository.refresh_by_digest(conn, tokens.digest(refresh_token))
            user = repository.user_by_id(conn, row.user_id) if row else None
            if row is None or row.revoked_at is not None or user is None:
                raise Unauthorized("This session has ended: log in again.")
            session, new_id = _start(conn, settings, user, row.family_id)
            repository.revoke_refresh(conn, row.id, replaced_by=new_id)
            return session


def logout(pool: ConnectionPool, refresh_token: str | None) -> None:
    if not refresh_token:
        return
    with pool.connection() as conn, conn.transaction():
        row = repository.refresh_by_digest(conn, tokens.digest(refresh_token))
        if row is not None:
            repository.revoke_family(conn, row.family_id)
