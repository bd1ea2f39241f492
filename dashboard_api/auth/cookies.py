"""Session cookies and the CSRF check."""

from __future__ import annotations

import uuid

from fastapi import Request, Response
from pydantic import SecretStr

from billbo.accounts import tokens
from billbo.accounts.service import WRONG_CSRF, Session
from billbo.errors import Forbidden
from billbo.settings import Settings

ACCESS = "bb_access"
REFRESH = "bb_refresh"
CSRF = "bb_csrf"
CSRF_HEADER = "x-csrf-token"
REFRESH_PATH = "/api/auth"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def set_session(response: Response, session: Session, settings: Settings) -> None:
    secure = settings.secure_cookies
    response.set_cookie(
        ACCESS,
        session.access_token.get_secret_value(),
        max_age=settings.access_token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        REFRESH,
        session.refresh_token.get_secret_value(),
        max_age=settings.refresh_token_days * 86400,
        httponly=True,
        samesite="lax",
        secure=secure,
        path=REFRESH_PATH,
    )
    # Readable by the page's script, which echoes it in X-CSRF-Token: another site cannot. It is
    # derived from the session, so a cookie planted by someone else does not pass.
    response.set_cookie(
        CSRF,
        session.csrf_token.get_secret_value(),
        max_age=settings.refresh_token_days * 86400,
        httponly=False,
        samesite="lax",
        secure=secure,
        path="/",
    )


def clear_session(response: Response, settings: Settings) -> None:
    for name, path in ((ACCESS, "/"), (REFRESH, REFRESH_PATH), (CSRF, "/")):
        response.delete_cookie(name, path=path, secure=settings.secure_cookies, httponly=name != CSRF, samesite="lax")


def presented(request: Request, cookie: str) -> SecretStr:
    """A session cookie of the request (empty if absent), wrapped so that no repr shows it."""
    return SecretStr(request.cookies.get(cookie, ""))


def presented_csrf(request: Request) -> SecretStr:
    return SecretStr(request.headers.get(CSRF_HEADER, ""))


def check_csrf(request: Request, session_id: uuid.UUID, secret: str) -> None:
    """State-changing requests authenticated by cookies must send the session's CSRF token in a
    header. Only the header counts: the token is checked against the session, not the cookie."""
    if request.method in SAFE_METHODS:
        return
    if not tokens.csrf_matches(presented_csrf(request), session_id, secret):
        raise Forbidden(WRONG_CSRF)
