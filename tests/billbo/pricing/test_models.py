"""The tier math, with boundary cases: exactly on a bound, fractions, zero, negative net."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billbo.pricing.models import InvalidPrice, Price, Tier, rate, validate

TIERS = (Tier(D(100), D("0.10")), Tier(D(1000), D("0.05"), flat_fee=D(2)), Tier(None, D("0.01")))
GRADUATED = Price("graduated", tiers=TIERS)
VOLUME = Price("volume", tiers=TIERS)


@pytest.mark.parametrize(
    ("quantity", "amount"),
    [
        (0, 0),
        (50, 5),
        (100, 10),  # exactly on the first bound: all in tier 1
        (D("100.5"), D("10") + D("0.025") + 2),  # the fraction above the bound enters tier 2 with its fee
        (1000, 10 + 45 + 2),
        (1500, 10 + 45 + 2 + 5),
        (-20, 0),  # negative net is rated as zero
    ],
)
def test_graduated(quantity: int | D, amount: int | D) -> None:
    assert rate(GRADUATED, D(quantity)).amount == D(amount)


@pytest.mark.parametrize(
    ("quantity", "amount"),
    [(0, 0), (100, 10), (101, D("5.05") + 2), (1000, 50 + 2), (1001, D("10.01")), (D("0.5"), D("0.05"))],
)
def test_volume(quantity: int | D, amount: int | D) -> None:
    assert rate(VOLUME, D(quantity)).amount == D(amount)


def test_package_rounds_partial_packages_up() -> None:
    price = Price("package", package_size=D(1000), package_price=D("2.50"))
    assert [rate(price, D(q)).amount for q in (0, 1, 1000, 1001, 2000)] == [0, D("2.50"), D("2.50"), 5, 5]


def test_included_quantity_and_minimum_charge() -> None:
    price = Price("per_unit", unit_price=D("0.002"), included_quantity=D(1000), minimum_charge=D(5))
    assert rate(price, D(800)).amount == D(5)  # within the free quantity, but used: the minimum applies
    assert rate(price, D(0)).amount == 0  # no usage, no minimum
    assert rate(price, D(4000)).amount == D(6)
    top_up = rate(price, D(2000))
    assert (top_up.subtotal, top_up.minimum_top_up, top_up.amount) == (D(2), D(3), D(5))


def test_breakdown_explains_every_tier() -> None:
    lines = rate(GRADUATED, D(1500)).lines
    assert [(line.tier, line.quantity, line.tier_from, line.tier_up_to) for line in lines] == [
        (1, D(100), D(0), D(100)),
        (2, D(900), D(100), D(1000)),
        (3, D(500), D(1000), None),
    ]


@pytest.mark.parametrize(
    ("price", "field"),
    [
        (Price("graduated"), "tiers"),
        (Price("graduated", tiers=(Tier(D(10), D(1)),)), "tiers.0.up_to"),
        (Price("volume", tiers=(Tier(None, D(1)), Tier(None, D(1)))), "tiers.0.up_to"),
        (Price("graduated", tiers=(Tier(D(10), D(1)), Tier(D(10), D(1)), Tier(None, D(1)))), "tiers.1.up_to"),
        (Price("per_unit"), "unit_price"),
        (Price("package", package_size=D(0), package_price=D(1)), "package_size"),
        (Price("per_unit", unit_price=D(1), tiers=TIERS), "tiers"),
        (Price("flat"), "model"),
    ],
)
def test_invalid_prices_name_their_field(price: Price, field: str) -> None:
    with pytest.raises(InvalidPrice) as caught:
        validate(price)
    assert caught.value.field == field


@given(st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_graduated_never_exceeds_the_most_expensive_rate_and_rises(quantity: D) -> None:
    low = rate(GRADUATED, quantity).amount
    high = rate(GRADUATED, quantity + 1).amount
    assert high >= low
    assert low <= quantity * D("0.10") + 2
