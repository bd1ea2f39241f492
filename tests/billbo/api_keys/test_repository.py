"""API keys: their shape, and one repository for the ingest API's lookups and the dashboard's lists."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import psycopg

from billbo.accounts import repository as accounts
from billbo.api_keys import keys, repository
from billbo.merchants import repository as merchants

Conn = psycopg.Connection[Any]


def test_a_key_has_its_shape_and_a_display_prefix() -> None:
    key = keys.generate()
    assert keys.well_formed(key)
    assert key.startswith(keys.PREFIX)
    assert len(key) == len(keys.PREFIX) + 40
    assert keys.display_prefix(key) == key[:10]
    assert keys.generate() != key
    assert len(keys.digest(key)) == 32
    assert not keys.well_formed("sk_live_" + key[3:])
    assert not keys.well_formed(key + " ")


def test_a_key_is_listed_found_by_digest_and_revoked_once(pg: Conn) -> None:
    merchant_id = merchants.create(pg, name="Acme", backdating_window=dt.timedelta(days=7))
    email = f"{uuid.uuid4().hex}@acme.test"
    user_id = accounts.create_user(pg, merchant_id=merchant_id, email=email, password_hash="x", role="owner")
    key = keys.generate()
    key_id = repository.create(
        pg,
        merchant_id=merchant_id,
        name="production",
        prefix=keys.display_prefix(key),
        key_sha256=keys.digest(key),
        created_by=user_id,
    )

    listed = repository.list_keys(pg, merchant_id)
    assert [(k["id"], k["name"], k["prefix"], k["created_by"], k["revoked_at"]) for k in listed] == [
        (key_id, "production", key[:10], email, None)
    ]
    assert repository.get_key(pg, merchant_id, key_id) == listed[0]
    assert repository.get_key(pg, merchants.create(pg, name="Other"), key_id) is None
    owner = repository.find_by_digest(pg, keys.digest(key))
    assert owner == repository.KeyOwner(key_id, merchant_id, None, dt.timedelta(days=7))

    repository.touch(pg, [key_id])
    touched = repository.get_key(pg, merchant_id, key_id)
    assert touched is not None and touched["last_used_at"] is not None
    assert repository.revoke(pg, merchant_id=merchant_id, key_id=key_id)
    assert not repository.revoke(pg, merchant_id=merchant_id, key_id=key_id)  # revoking twice changes nothing
    found = repository.find_by_digest(pg, keys.digest(key))
    assert found is not None and found.revoked_at is not None
