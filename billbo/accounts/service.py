"""The rules of accounts and sessions: sign-up, log-in, refresh rotation, log-out."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from pydantic import SecretStr

from billbo.accounts import passwords, repository, tokens
from billbo.accounts.repository import UserRow
from billbo.accounts.schemas import Credentials, SignUp, User
from billbo.errors import BillboError, Conflict, Forbidden, TooManyRequests, Unauthorized
from billbo.merchants import repository as merchants
from billbo.postgres.connection import Conn
from billbo.settings import Settings

FAILURE_WINDOW = dt.timedelta(minutes=15)
WRONG_CREDENTIALS = "Wrong email or password."  # the same words whether or not the email exists
ENDED = "This session has ended: log in again."
WRONG_CSRF = "Missing or wrong X-CSRF-Token header (it must equal this session's bb_csrf cookie)."


@dataclass(frozen=True)
class Session:
    """What a log-in or refresh hands the browser (tokens as `SecretStr`: no repr shows them)."""

    session_id: uuid.UUID  # the refresh-token family, the same across rotations
    access_token: SecretStr
    refresh_token: SecretStr
    csrf_token: SecretStr
    user: UserRow


def _email_digest(email: str) -> bytes:
    return hashlib.sha256(email.lower().encode()).digest()


def _start(
    conn: Conn, settings: Settings, user: UserRow, family_id: uuid.UUID | None = None
) -> tuple[Session, uuid.UUID]:
    """A new refresh token in the family `family_id` (a new family, that is a new session, if
    None), and the access and CSRF tokens that go with it."""
    session_id = family_id or uuid.uuid4()
    refresh = tokens.new_refresh_token()
    token_id = repository.store_refresh(
        conn,
        user_id=user.id,
        family_id=session_id,
        token_sha256=tokens.digest(refresh),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.refresh_token_days),
    )
    access = tokens.access_token(
        tokens.AccessClaims(user.id, user.merchant_id, user.role, session_id),
        settings.jwt_secret_value(),
        dt.timedelta(minutes=settings.access_token_minutes),
    )
    csrf = tokens.csrf_token(session_id, settings.jwt_secret_value())
    return Session(session_id, access, refresh, csrf, user), token_id


def start_session(conn: Conn, settings: Settings, user: UserRow) -> Session:
    """A fresh session (new refresh-token family) for a user who just proved who they are."""
    return _start(conn, settings, user)[0]


def signup(conn: Conn, settings: Settings, data: SignUp) -> Session:
    """A new merchant and its first owner, logged in."""
    password_hash = passwords.hash_password(data.password)  # slow on purpose: outside the transaction
    if repository.email_taken(conn, data.email):
        raise Conflict("This email cannot be used to sign up; log in instead, or use another address.")
    merchant_id = merchants.create(conn, name=data.organisation)
    user_id = repository.create_user(
        conn, merchant_id=merchant_id, email=data.email, password_hash=password_hash, role="owner"
    )
    user = repository.user_by_id(conn, user_id)
    assert user is not None
    return _start(conn, settings, user)[0]


def login(conn: Conn, settings: Settings, credentials: Credentials) -> Session:
    email_digest = _email_digest(credentials.email)
    if repository.recent_failures(conn, email_digest, FAILURE_WINDOW) >= settings.login_max_failures:
        raise TooManyRequests("Too many failed log-ins; wait a few minutes.", retry_after=60)
    user = repository.user_by_email(conn, credentials.email)
    if not passwords.verify(user.password_hash if user else None, credentials.password) or user is None:
        repository.record_failure(conn, email_digest)
        conn.commit()  # a refusal that counts: kept although the answer is an error (rolled back)
        raise Unauthorized(WRONG_CREDENTIALS)
    repository.clear_failures(conn, email_digest)
    return _start(conn, settings, user)[0]


def refresh(conn: Conn, settings: Settings, refresh_token: SecretStr, csrf: SecretStr) -> Session:
    """A new refresh token (same session) for a valid one, which is used up. A used-up token
    presented again means it was copied: its whole session is revoked, whatever CSRF token came
    with it. A live token needs its session's CSRF token."""
    if not refresh_token.get_secret_value():
        raise Unauthorized("No session: log in again.")
    outcome = _rotate(conn, settings, refresh_token, csrf)
    if isinstance(outcome, BillboError):
        conn.commit()  # a revoked family stays revoked although the answer is an error (rolled back)
        raise outcome
    return outcome


def _rotate(conn: Conn, settings: Settings, refresh_token: SecretStr, csrf: SecretStr) -> Session | BillboError:
    row = repository.refresh_by_digest(conn, tokens.digest(refresh_token))  # locked until commit
    if row is None:
        return Unauthorized(ENDED)
    if row.revoked_at is not None:
        repository.revoke_family(conn, row.family_id)
        return Unauthorized(ENDED)
    if row.expires_at <= dt.datetime.now(dt.UTC):
        return Unauthorized(ENDED)
    if not tokens.csrf_matches(csrf, row.family_id, settings.jwt_secret_value()):
        return Forbidden(WRONG_CSRF)
    user = repository.user_by_id(conn, row.user_id)
    if user is None:
        return Unauthorized(ENDED)
    session, new_id = _start(conn, settings, user, row.family_id)
    repository.revoke_refresh(conn, row.id, replaced_by=new_id)
    return session


def session_user(conn: Conn, claims: tokens.AccessClaims) -> User:
    """The seat behind an access token's claims, as it is now: one query, so removing a seat or a
    role change applies at once, and the session must still be live (log-out and a revoked family
    stop the access token at once)."""
    row = repository.user_in_session(conn, claims.user_id, claims.session_id)
    if row is None or row.merchant_id != claims.merchant_id:
        raise Unauthorized("This session has ended or the seat no longer exists: log in again.")
    return User(row.id, row.merchant_id, row.email, row.role, row.merchant_name)


def logout(
    conn: Conn,
    settings: Settings,
    refresh_token: SecretStr,
    access: tokens.AccessClaims | None,
    csrf: SecretStr,
) -> None:
    """End the session of the refresh token (or, without one, of the access token), given its
    CSRF token. With neither there is no session to end."""
    row = None
    if refresh_token.get_secret_value():
        row = repository.refresh_by_digest(conn, tokens.digest(refresh_token))
    if row is not None:
        session_id = row.family_id
    elif access is not None:
        session_id = access.session_id
    else:
        return
    if not tokens.csrf_matches(csrf, session_id, settings.jwt_secret_value()):
        raise Forbidden(WRONG_CSRF)
    repository.revoke_family(conn, session_id)
