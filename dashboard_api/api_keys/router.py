"""HTTP handlers of API keys (admins and owners only)."""

from __future__ import annotations

import uuid
from typing import Any

from billbo.api_keys import service
from billbo.api_keys.schemas import ApiKey, ApiKeyIn, NewApiKey
from billbo.http.deps import DbConn
from billbo.http.errors import ErrorResponse
from billbo.http.routing import api_router
from dashboard_api.auth.deps import AdminUser

router = api_router(prefix="/api/api-keys", tags=["api keys"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in."},
    403: {"model": ErrorResponse, "description": "Only admins and owners manage API keys."},
    404: {"model": ErrorResponse, "description": "No such key in your organisation."},
}


@router.get("", response_model=list[ApiKey], summary="List API keys", responses=_ERRORS)
def list_keys(conn: DbConn, user: AdminUser) -> list[ApiKey]:
    return service.list_keys(conn, user)


@router.post("", status_code=201, response_model=NewApiKey, summary="Create an API key (shown once)", responses=_ERRORS)
def create(conn: DbConn, user: AdminUser, body: ApiKeyIn) -> NewApiKey:
    return service.create(conn, user, body)


@router.delete("/{key_id}", status_code=204, summary="Revoke an API key", responses=_ERRORS)
def revoke(conn: DbConn, user: AdminUser, key_id: uuid.UUID) -> None:
    service.revoke(conn, user, key_id)
