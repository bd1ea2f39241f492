"""Who is calling, and may they: the dependencies every dashboard route declares."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from billbo.accounts import service, tokens
from billbo.accounts.schemas import User
from billbo.errors import Forbidden, Unauthorized
from dashboard_api.auth.cookies import ACCESS, check_csrf, presented

__all__ = ["AdminUser", "CurrentUser", "MemberUser", "User", "access_claims", "current_user", "require"]


def access_claims(request: Request) -> tokens.AccessClaims | None:
    """The claims of the request's access cookie, if it holds a valid, unexpired token."""
    return tokens.read_access_token(presented(request, ACCESS), request.app.state.resources.settings.jwt_secret_value())


async def current_user(request: Request) -> User:
    claims = access_claims(request)
    if claims is None:
        raise Unauthorized("Not logged in, or the session expired: refresh it or log in.")
    check_csrf(request, claims.session_id, request.app.state.resources.settings.jwt_secret_value())
    return await run_in_threadpool(service.session_user, request.app.state.resources.postgres, claims)


def require(role: str) -> Callable[[Request], Coroutine[Any, Any, User]]:
    async def dependency(request: Request) -> User:
        user = await current_user(request)
        if not user.at_least(role):
            raise Forbidden(f"This needs the {role} role or higher; you are {user.role}.")
        return user

    return dependency


CurrentUser = Annotated[User, Depends(current_user)]
MemberUser = Annotated[User, Depends(require("member"))]
AdminUser = Annotated[User, Depends(require("admin"))]
