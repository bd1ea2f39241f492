"""The skus repository hands out stored price versions as ``billbo.pricing`` prices: one conversion."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from billbo.accounts import repository as accounts
from billbo.merchants import repository as merchants
from billbo.pricing import models as pricing
from billbo.skus import repository
from billbo.skus.schemas import PriceIn, PriceVersion, to_price

Conn = psycopg.Connection[Any]
JAN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FEB = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)

PRICES = [
    pricing.Price("per_unit", unit_price=Decimal("0.0025"), included_quantity=Decimal(100)),
    pricing.Price(
        "graduated",
        tiers=(
            pricing.Tier(Decimal(1000), Decimal("0.01")),
            pricing.Tier(Decimal("5000.5"), Decimal("0.005"), Decimal("1.50")),
            pricing.Tier(None, Decimal("0.001")),
        ),
        minimum_charge=Decimal("5.00"),
    ),
    pricing.Price("volume", tiers=(pricing.Tier(Decimal(10), Decimal(2)), pricing.Tier(None, Decimal(1), Decimal(3)))),
    pricing.Price("package", package_size=Decimal(1000), package_price=Decimal("2.50")),
]


def _sku(conn: Conn) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    merchant_id = merchants.create(conn, name="Acme")
    user_id = accounts.create_user(
        conn, merchant_id=merchant_id, email=f"{uuid.uuid4().hex}@acme.test", password_hash="x", role="owner"
    )
    sku_id = repository.insert_sku(conn, merchant_id, name="API calls", unit="call", currency="USD")
    return merchant_id, user_id, sku_id


def _as_before(version: PriceVersion) -> pricing.Price:
    """How the dashboard services converted a stored version before the repository did it."""
    return to_price(PriceIn.model_validate(version.model_dump(exclude={"id", "version", "effective_from", "locked"})))


@pytest.mark.parametrize("price", PRICES, ids=[p.model for p in PRICES])
def test_the_price_in_force_is_the_stored_price(pg: Conn, price: pricing.Price) -> None:
    merchant_id, user_id, sku_id = _sku(pg)
    repository.insert_version(pg, merchant_id, sku_id, PRICES[0], JAN, user_id)
    repository.insert_version(pg, merchant_id, sku_id, price, FEB, user_id)

    in_force = repository.price_in_force(pg, merchant_id, sku_id, FEB + dt.timedelta(days=3))
    assert in_force is not None
    version, found = in_force
    assert (version.version, version.effective_from, found) == (2, FEB, price)
    assert found == _as_before(version)
    assert repository.price_version(pg, merchant_id, sku_id, version.id) == in_force
    assert repository.all_prices_in_force(pg, merchant_id, FEB) == {str(sku_id): in_force}


def test_before_the_first_version_no_price_is_in_force(pg: Conn) -> None:
    merchant_id, user_id, sku_id = _sku(pg)
    repository.insert_version(pg, merchant_id, sku_id, PRICES[1], FEB, user_id)

    assert repository.price_in_force(pg, merchant_id, sku_id, FEB - dt.timedelta(microseconds=1)) is None
    assert repository.all_prices_in_force(pg, merchant_id, JAN) == {}
    assert repository.price_version(pg, merchant_id, sku_id, uuid.uuid4()) is None
    assert repository.price_in_force(pg, merchants.create(pg, name="Other"), sku_id, FEB) is None


def test_versions_are_listed_oldest_first(pg: Conn) -> None:
    merchant_id, user_id, sku_id = _sku(pg)
    for month, price in enumerate(PRICES, start=1):
        repository.insert_version(pg, merchant_id, sku_id, price, JAN.replace(month=month), user_id)

    versions = repository.price_versions(pg, merchant_id, sku_id)
    assert [(v.version, to_price(v)) for v in versions] == list(enumerate(PRICES, start=1))
