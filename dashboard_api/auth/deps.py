"""Who is calling, and may they: the dependencies every dashboard route declares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from billbo.accounts import service, tokens
from billbo.accounts.schemas import User
from billbo.errors import Forbidden, Unauthorized
from billbo.http.deps import AppSettings, DbConn
from dashboard_api.auth.cookies import ACCESS, check_csrf, presented

__all__ = ["AccessClaims", "AdminUser", "CurrentUser", "MemberUser", "User", "access_claims", "current_user", "require"]


def access_claims(request: Request, settings: AppSettings) -> tokens.AccessClaims | None:
    """The claims of the request's access cookie, if it holds a valid, unexpired token."""
    return tokens.read_access_token(presented(request, ACCESS), settings.jwt_secret_value())


AccessClaims = Annotated[tokens.AccessClaims | None, Depends(access_claims)]


async def current_user(request: Request, settings: AppSettings, claims: AccessClaims, conn: DbConn) -> User:
    if claims is None:
        raise Unauthorized("Not logged in, or the session expired: refresh it or log in.")
    check_csrf(request, claims.session_id, settings.jwt_secret_value())
    return await run_in_threadpool(service.session_user, conn, claims)


CurrentUser = Annotated[User, Depends(current_user)]


def require(role: str) -> Callable[[User], User]:
    def dependency(user: CurrentUser) -> User:
        if not user.at_least(role):
            raise Forbidden(f"This needs the {role} role or higher; you are {user.role}.")
        return user

    return dependency


MemberUser = Annotated[User, Depends(require("member"))]
AdminUser = Annotated[User, Depends(require("admin"))]
