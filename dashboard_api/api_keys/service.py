"""The rules of API keys in the dashboard: made and revoked by admins and owners."""

from __future__ import annotations

import uuid

from psycopg_pool import ConnectionPool

from billbo.api_keys import keys
from billbo.api_keys import repository as key_store
from billbo.errors import NotFound
from dashboard_api.api_keys import repository
from dashboard_api.api_keys.schemas import ApiKey, ApiKeyIn, NewApiKey
from dashboard_api.auth.deps import User


def list_keys(pool: ConnectionPool, user: User) -> list[ApiKey]:
    with pool.connection() as conn:
        return [ApiKey.model_validate(row) for row in repository.list_keys(conn, user.merchant_id)]


def create(pool: ConnectionPool, user: User, data: ApiKeyIn) -> NewApiKey:
    key = keys.generate()
    with pool.connection() as conn, conn.transaction():
        key_id = key_store.create(
            conn, merchant_id=user.merchant_id, name=data.name, prefix=keys.display_prefix(key),
            key_sha256=keys.digest(key), created_by=user.id,
        )  # fmt: skip
        row = repository.get_key(conn, user.merchant_id, key_id)
    assert row is not None
    return NewApiKey(**row, key=key)


def revoke(pool: ConnectionPool, user: User, key_id: uuid.UUID) -> None:
    with pool.connection() as conn, conn.transaction():
        if repository.get_key(conn, user.merchant_id, key_id) is None:
            raise NotFound("No such API key.")
        key_store.revoke(conn, merchant_id=user.merchant_id, key_id=key_id)  # revoking twice changes nothing
