"""Money: Decimal amounts, and the one rounding rule that turns them into integer minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

# Money arithmetic never rounds by accident: Decimal's default context keeps 28 digits, and an
# amount of 10^20 with 12 decimals already has 32. Every money computation runs in this context.
EXACT = Context(prec=200)


def to_minor_units(amount: Decimal, exponent: int) -> int:
    """``amount`` in the currency's minor units (USD cents: exponent 2; JPY: 0; KWD fils: 3),
    rounded half away from zero. ``ROUND_HALF_UP`` is Decimal's name for away from zero."""
    return int(amount.scaleb(exponent, EXACT).quantize(Decimal(1), rounding=ROUND_HALF_UP, context=EXACT))


def plain(value: Decimal) -> Decimal:
    """``value`` without trailing zeros, never in exponent form (20.000 -> 20, 1.50 -> 1.5)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def fits_minor_units(amount: Decimal, exponent: int) -> bool:
    """Whether ``amount`` needs no more decimals than the currency has."""
    return amount == amount.quantize(Decimal(1).scaleb(-exponent)) if amount.is_finite() else False
