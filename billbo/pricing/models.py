"""One class per pricing model behind one interface, chosen by a lookup table.

Tier convention (one for all of BillBo, also in the dbt models): tier n covers quantities above
the previous tier's ``up_to`` up to and including its own; the first tier starts above 0; the
last tier is open-ended (``up_to`` None). A quantity exactly on a bound belongs to the lower tier.

Period rules applied around every model: a negative net quantity is rated as zero; the included
(free) quantity is taken off first; the minimum charge applies to a period with usage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Protocol

from billbo.money import EXACT

ZERO = Decimal(0)


@dataclass(frozen=True)
class Tier:
    up_to: Decimal | None
    unit_price: Decimal
    flat_fee: Decimal = ZERO


@dataclass(frozen=True)
class Price:
    """A price version's terms, as stored in price_versions and price_tiers."""

    model: str
    unit_price: Decimal | None = None
    package_size: Decimal | None = None
    package_price: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    included_quantity: Decimal = ZERO
    minimum_charge: Decimal = ZERO


@dataclass(frozen=True)
class Line:
    """One step of the calculation, kept so every amount can be explained."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    flat_fee: Decimal
    amount: Decimal
    tier: int | None = None
    tier_from: Decimal | None = None
    tier_up_to: Decimal | None = None


@dataclass(frozen=True)
class Rating:
    quantity: Decimal
    billable_quantity: Decimal
    lines: tuple[Line, ...]
    subtotal: Decimal
    minimum_top_up: Decimal
    amount: Decimal  # unrounded; money.to_minor_units rounds it once, per invoice line


class InvalidPrice(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class PricingModel(Protocol):
    name: str

    def validate(self, price: Price) -> None: ...

    def lines(self, price: Price, quantity: Decimal) -> list[Line]: ...


def _validate_tiers(price: Price) -> None:
    if not price.tiers:
        raise InvalidPrice("tiers", "at least one tier is needed")
    previous = ZERO
    for index, tier in enumerate(price.tiers):
        last = index == len(price.tiers) - 1
        if tier.up_to is None and not last:
            raise InvalidPrice(f"tiers.{index}.up_to", "only the last tier may be open-ended")
        if tier.up_to is not None and last:
            raise InvalidPrice(f"tiers.{index}.up_to", "the last tier must be open-ended (up_to null)")
        if tier.up_to is not None and tier.up_to <= previous:
            raise InvalidPrice(f"tiers.{index}.up_to", "tiers must rise: up_to above the previous tier's")
        if tier.unit_price < 0 or tier.flat_fee < 0:
            raise InvalidPrice(f"tiers.{index}", "prices and fees cannot be negative")
        previous = tier.up_to if tier.up_to is not None else previous


def _no_tiers(price: Price) -> None:
    if price.tiers:
        raise InvalidPrice("tiers", f"the {price.model} model has no tiers")


class PerUnit:
    name = "per_unit"

    def validate(self, price: Price) -> None:
        _no_tiers(price)
        if price.unit_price is None or price.unit_price < 0:
            raise InvalidPrice("unit_price", "a per-unit price needs a unit_price of 0 or more")

    def lines(self, price: Price, quantity: Decimal) -> list[Line]:
        assert price.unit_price is not None
        return [Line("per unit", quantity, price.unit_price, ZERO, quantity * price.unit_price)]


class Graduated:
    """Each tier prices the units that fall in it."""

    name = "graduated"

    def validate(self, price: Price) -> None:
        _validate_tiers(price)

    def lines(self, price: Price, quantity: Decimal) -> list[Line]:
        lines, lower = [], ZERO
        for index, tier in enumerate(price.tiers):
            if quantity <= lower:
                break
            upper = quantity if tier.up_to is None else min(quantity, tier.up_to)
            units = upper - lower
            amount = units * tier.unit_price + tier.flat_fee
            lines.append(
                Line(f"tier {index + 1}", units, tier.unit_price, tier.flat_fee, amount, index + 1, lower, tier.up_to)
            )
            lower = upper
        return lines


class Volume:
    """The tier the whole quantity falls in prices every unit."""

    name = "volume"

    def validate(self, price: Price) -> None:
        _validate_tiers(price)

    def lines(self, price: Price, quantity: Decimal) -> list[Line]:
        lower = ZERO
        for index, tier in enumerate(price.tiers):
            if tier.up_to is None or quantity <= tier.up_to:
                amount = quantity * tier.unit_price + tier.flat_fee
                return [
                    Line(
                        f"tier {index + 1} (volume)",
                        quantity,
                        tier.unit_price,
                        tier.flat_fee,
                        amount,
                        index + 1,
                        lower,
                        tier.up_to,
                    )
                ]
            lower = tier.up_to
        raise AssertionError("the last tier is open-ended")


class Package:
    """Every started package of ``package_size`` units costs ``package_price``."""

    name = "package"

    def validate(self, price: Price) -> None:
        _no_tiers(price)
        if price.package_size is None or price.package_size <= 0:
            raise InvalidPrice("package_size", "a package price needs a package_size above 0")
        if price.package_price is None or price.package_price < 0:
            raise InvalidPrice("package_price", "a package price needs a package_price of 0 or more")

    def lines(self, price: Price, quantity: Decimal) -> list[Line]:
        assert price.package_size is not None and price.package_price is not None
        whole, rest = divmod(quantity, price.package_size)  # quantity >= 0: exact, truncating division
        packages = whole + (1 if rest else 0)  # partial packages round up
        return [
            Line(
                f"{packages} package(s) of {price.package_size}",
                packages,
                price.package_price,
                ZERO,
                packages * price.package_price,
            )
        ]


MODELS: dict[str, PricingModel] = {m.name: m for m in (PerUnit(), Graduated(), Volume(), Package())}


def validate(price: Price) -> None:
    model = MODELS.get(price.model)
    if model is None:
        raise InvalidPrice("model", f"unknown pricing model {price.model!r}; one of {sorted(MODELS)}")
    if price.included_quantity < 0:
        raise InvalidPrice("included_quantity", "cannot be negative")
    if price.minimum_charge < 0:
        raise InvalidPrice("minimum_charge", "cannot be negative")
    model.validate(price)


def rate(price: Price, quantity: Decimal, *, had_usage: bool | None = None) -> Rating:
    """What ``quantity`` (a period's net quantity) costs under ``price``, exactly."""
    with localcontext(EXACT):
        return _rate(price, quantity, had_usage)


def _rate(price: Price, quantity: Decimal, had_usage: bool | None) -> Rating:
    net = max(quantity, ZERO)  # a negative net (corrections beyond usage) is rated as zero
    billable = max(net - price.included_quantity, ZERO)
    lines = MODELS[price.model].lines(price, billable) if billable > 0 else []
    subtotal = sum((line.amount for line in lines), ZERO)
    used = net > 0 if had_usage is None else had_usage
    top_up = max(price.minimum_charge - subtotal, ZERO) if used else ZERO
    return Rating(quantity, billable, tuple(lines), subtotal, top_up, subtotal + top_up)


__all__ = ["MODELS", "InvalidPrice", "Line", "Price", "Rating", "Tier", "rate", "validate"]
