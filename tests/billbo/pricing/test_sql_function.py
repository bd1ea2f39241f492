"""One source of truth for the tier math: the SQL functions the rating models call and the Python
pricing module the dashboard's preview uses give the same amount and the same tier-by-tier
breakdown, digit for digit, over random prices and quantities (hypothesis)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billbo.migrations.runner import Databases
from billbo.pricing.models import Price, Rating, Tier, rate

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
    common = {
        "included_quantity": draw(st.sampled_from([Decimal(0), Decimal(100), Decimal("0.5")])),
        "minimum_charge": draw(st.sampled_from([Decimal(0), Decimal(5), Decimal("12.34")])),
    }
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


def _call(conn: Any, function: str, price: Price, quantity: Decimal) -> Any:
    tiers = [
        {
            "up_to": None if t.up_to is None else str(t.up_to),
            "unit_price": str(t.unit_price),
            "flat_fee": str(t.flat_fee),
        }
        for t in price.tiers
    ]
    row = conn.execute(
        f"select {function}(%s, %s, %s, %s, %s::jsonb, %s, %s, %s)",
        [
            price.model,
            price.unit_price,
            price.package_size,
            price.package_price,
            json.dumps(tiers),
            price.included_quantity,
            price.minimum_charge,
            quantity,
        ],
    ).fetchone()
    return row[0]


def sql_rate(conn: Any, price: Price, quantity: Decimal) -> Decimal:
    return Decimal(_call(conn, "billbo_rating", price, quantity)["amount"])


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def breakdown(rating: Rating) -> list[tuple[Any, ...]]:
    return [
        (line.tier, line.tier_from, line.tier_up_to, line.quantity, line.unit_price, line.flat_fee, line.amount)
        for line in rating.lines
    ]


def sql_breakdown(conn: Any, price: Price, quantity: Decimal) -> tuple[list[tuple[Any, ...]], Decimal, Decimal]:
    rating = _call(conn, "billbo_rating", price, quantity)
    lines = [
        (
            line["tier"],
            _number(line["from"]),
            _number(line["up_to"]),
            Decimal(line["quantity"]),
            Decimal(line["unit_price"]),
            Decimal(line["flat_fee"]),
            Decimal(line["amount"]),
        )
        for line in rating["lines"]
    ]
    return lines, Decimal(rating["minimum_top_up"]), Decimal(rating["amount"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(price=prices(), quantity=quantities)
def test_sql_and_python_agree(conn: Any, price: Price, quantity: Decimal) -> None:
    expected = rate(price, quantity)
    assert sql_rate(conn, price, quantity) == expected.amount
    assert sql_breakdown(conn, price, quantity) == (breakdown(expected), expected.minimum_top_up, expected.amount)


def test_a_known_case(conn: Any) -> None:
    price = Price("graduated", tiers=(Tier(Decimal(100), Decimal("0.10")), Tier(None, Decimal("0.01"), Decimal(2))))
    assert sql_rate(conn, price, Decimal("150.5")) == Decimal("10") + Decimal("0.505") + 2


def test_a_known_breakdown(conn: Any) -> None:
    price = Price(
        "volume",
        tiers=(Tier(Decimal(100), Decimal("0.10")), Tier(None, Decimal("0.01"), Decimal(2))),
        included_quantity=Decimal(10),
        minimum_charge=Decimal(5),
    )
    # 160 used, 10 included: 150 units fall in tier 2 (above 100), so all 150 at 0.01 plus its 2.00 fee = 3.50,
    # topped up to the 5.00 minimum.
    lines, top_up, amount = sql_breakdown(conn, price, Decimal(160))
    assert lines == [(2, Decimal(100), None, Decimal(150), Decimal("0.01"), Decimal(2), Decimal("3.50"))]
    assert (top_up, amount) == (Decimal("1.50"), Decimal(5))
