"""Fixtures of the ingest tests: a merchant with an API key, and the ingest app on real databases."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from fastapi.testclient import TestClient

from billbo.api_keys import keys
from billbo.api_keys import repository as api_keys
from billbo.merchants import repository as merchants
from billbo.migrations.runner import Databases
from billbo.settings import Settings
from ingest.app import create_app


@dataclass(frozen=True)
class MerchantKey:
    merchant_id: uuid.UUID
    key_id: uuid.UUID
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def make_merchant_key(postgres_url: str, *, backdating_days: int = 35) -> MerchantKey:
    with psycopg.connect(postgres_url) as conn:
        merchant_id = merchants.create(conn, name="Test merchant", backdating_window=dt.timedelta(days=backdating_days))
        key = keys.generate()
        key_id = api_keys.create(
            conn, merchant_id=merchant_id, name="test", prefix=keys.display_prefix(key), key_sha256=keys.digest(key)
        )
    return MerchantKey(merchant_id, key_id, key)


@pytest.fixture
def merchant(databases: Databases) -> MerchantKey:
    return make_merchant_key(databases.postgres_url)


@pytest.fixture
def other_merchant(databases: Databases) -> MerchantKey:
    return make_merchant_key(databases.postgres_url)


@pytest.fixture(scope="module")
def ingest(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client
