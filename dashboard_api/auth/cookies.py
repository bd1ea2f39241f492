"""Session cookies and the CSRF double-submit check."""

from __future__ import annotations

import hmac

from fastapi import Request, Response

from billbo.errors import Forbidden
from billbo.settings import Settings
from dashboard_api.auth.service import Session

ACCESS = "bb_access"
REFRESH = "bb_refresh"
CSRF = "bb_csrf"
CSRF_HEADER = "x-csrf-token"
REFRESH_PATH = "/api/auth"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def set_session(response: Response, session: Session, settings: Settings) -> None:
    secure = settings.secure_cookies
    response.set_cookie(ACCESS, session.access_token, max_age=settings.access_token_minutes * 60,
                        httponly=True, samesite="lax", secure=secure, path="/")  # fmt: skip
    response.set_cookie(REFRESH, session.refresh_token, max_age=settings.refresh_token_days * 86400,
                        httponly=True, samesite="lax", secure=secure, path=REFRESH_PATH)  # fmt: skip
    # Readable by the page's script, which echoes it in X-CSRF-Token: another site cannot.
    response.set_cookie(CSRF, session.csrf_token, max_age=settings.refresh_token_days * 86400,
                        httponly=False, samesite="lax", secure=secure, path="/")  # fmt: skip


def clear_session(response: Response, settings: Settings) -> None:
    for name, path in ((ACCESS, "/"), (REFRESH, REFRESH_PATH), (CSRF, "/")):
        response.delete_cookie(name, path=path, secure=settings.secure_cookies, httponly=name != CSRF, samesite="lax")


def check_csrf(request: Request) -> None:
    """State-changing requests authenticated by cookies must echo the CSRF cookie in a header."""
    if request.method in SAFE_METHODS:
        return
    cookie = request.cookies.get(CSRF, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not hmac.compare_digest(cookie, header):
        raise Forbidden("Missing or wrong X-CSRF-Token header (it must equal the bb_csrf cookie).")
