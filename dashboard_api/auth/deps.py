"""Who is calling, and may they: the dependencies every dashboard route declares."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from billbo.errors import Forbidden, Unauthorized
from dashboard_api.auth import repository, tokens
from dashboard_api.auth.cookies import ACCESS, check_csrf, presented

ROLE_RANK = {"viewer": 0, "member": 1, "admin": 2, "owner": 3}


@dataclass(frozen=True, slots=True)
class User:
    id: uuid.UUID
    merchant_id: uuid.UUID
    email: str
    role: str
    merchant_name: str

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def access_claims(request: Request) -> tokens.AccessClaims | None:
    """The claims of the request's access cookie, if it holds a valid, unexpired token."""
    return tokens.read_access_token(presented(request, ACCESS), request.app.state.resources.settings.jwt_secret_value())


async def current_user(request: Request) -> User:
    claims = access_claims(request)
    if claims is None:
        raise Unauthorized("Not logged in, or the session expired: refresh it or log in.")
    check_csrf(request, claims.session_id, request.app.state.resources.settings.jwt_secret_value())
    pool = request.app.state.resources.postgres

    def load() -> repository.UserRow | None:
        with pool.connection() as conn:
            return repository.user_in_session(conn, claims.user_id, claims.session_id)

    # One query: the seat as it is now (removal and role changes apply at once), and its session
    # still live (log-out and a revoked family stop the access token at once).
    row = await run_in_threadpool(load)
    if row is None or row.merchant_id != claims.merchant_id:
        raise Unauthorized("This session has ended or the seat no longer exists: log in again.")
    return User(row.id, row.merchant_id, row.email, row.role, row.merchant_name)


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
