"""One source of truth for the tier math: the SQL function the rating models call and the Python
pricing module the dashboard's preview uses give the same amount, digit for digit, over random
prices and quantities (hypothesis)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billbo.migrations.runner import Databases
from billbo.pricing.models import Price, Tier, rate

money = st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=5, places=12, allow_nan=False, allow_infinity=False)
quantities = st.one_of(
    st.decimals(min_value=-100, max_value=10**12, places=6, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=5000).map(Decimal),  # often exactly on a bound
)


@st.composite
def tier_lists(draw: Any) -> tuple[Tier, ...]:
    bounds = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=5000), min_size=0, max_size=4))))
    tiers = [Tier(Decimal(b), draw(rates), draw(money)) for b in bounds]
    return (*tiers, Tier(None, draw(rates), draw(money)))


@st.composite
def prices(draw: Any) -> Price:
    model = draw(st.sampled_from(["per_unit", "graduated", "volume", "package"]))
    common = {"included_quantity": draw(st.sampled_from([Decimal(0), Decimal(100), Decimal("0.5")])),
              "minimum_charge": draw(st.sampled_from([Decimal(0), Decimal(5), Decimal("12.34")]))}  # fmt: skip
    if model == "per_unit":
        return Price(model, unit_price=draw(rates), **common)
    if model == "package":
        size = draw(st.sampled_from([Decimal(1), Decimal(3), Decimal(1000), Decimal("0.25")]))
        return Price(model, package_size=size, package_price=draw(money), **common)
    return Price(model, tiers=draw(tier_lists()), **common)


@pytest.fixture(scope="module")
def conn(databases: Databases) -> Any:
    with psycopg.connect(databases.postgres_url, autocommit=True) as connection:
        yield connection


def sql_rate(conn: Any, price: Price, quantity: Decimal) -> Decimal:
    tiers = [{"up_to": None if t.up_to is None else str(t.up_to), "unit_price": str(t.unit_price),
              "flat_fee": str(t.flat_fee)} for t in price.tiers]  # fmt: skip
    row = conn.execute(
        "select billbo_rate(%s, %s, %s, %s, %s::jsonb, %s, %s, %s)",
        [price.model, price.unit_price, price.package_size, price.package_price, json.dumps(tiers),
         price.included_quantity, price.minimum_charge, quantity],
    ).fetchone()  # fmt: skip
    return Decimal(row[0])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(price=prices(), quantity=quantities)
def test_sql_and_python_agree(conn: Any, price: Price, quantity: Decimal) -> None:
    assert sql_rate(conn, price, quantity) == rate(price, quantity).amount


def test_a_known_case(conn: Any) -> None:
    price = Price("graduated", tiers=(Tier(Decimal(100), Decimal("0.10")), Tier(None, Decimal("0.01"), Decimal(2))))
    assert sql_rate(conn, price, Decimal("150.5")) == Decimal("10") + Decimal("0.505") + 2
