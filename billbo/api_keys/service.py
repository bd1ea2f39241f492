"""The rules of API keys: made and revoked by a merchant's admins and owners, shown once."""

from __future__ import annotations

import uuid

from billbo.accounts.schemas import User
from billbo.api_keys import keys, repository
from billbo.api_keys.schemas import ApiKey, ApiKeyIn, NewApiKey
from billbo.errors import NotFound
from billbo.postgres.connection import Conn


def list_keys(conn: Conn, user: User) -> list[ApiKey]:
    return [ApiKey.model_validate(row) for row in repository.list_keys(conn, user.merchant_id)]


def create(conn: Conn, user: User, data: ApiKeyIn) -> NewApiKey:
    key = keys.generate()
    key_id = repository.create(
        conn,
        merchant_id=user.merchant_id,
        name=data.name,
        prefix=keys.display_prefix(key),
        key_sha256=keys.digest(key),
        created_by=user.id,
    )
    row = repository.get_key(conn, user.merchant_id, key_id)
    assert row is not None
    return NewApiKey(**row, key=key)


def revoke(conn: Conn, user: User, key_id: uuid.UUID) -> None:
    if repository.get_key(conn, user.merchant_id, key_id) is None:
        raise NotFound("No such API key.")
    repository.revoke(conn, merchant_id=user.merchant_id, key_id=key_id)  # revoking twice changes nothing
