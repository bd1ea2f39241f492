from __future__ import annotations

from decimal import Decimal

import pytest

from billbo.money import fits_minor_units, to_minor_units


@pytest.mark.parametrize(
    ("amount", "exponent", "minor"),
    [
        ("0.005", 2, 1),  # half away from zero
        ("-0.005", 2, -1),
        ("0.00499999", 2, 0),
        ("1.5", 0, 2),  # JPY
        ("2.5", 0, 3),  # not banker's rounding
        ("0.0005", 3, 1),  # KWD
        ("12345678901234567890.125", 2, 1234567890123456789013),
        ("123456789012345678901234.123456789005", 11, 12345678901234567890123412345678901),  # 35 digits
    ],
)
def test_one_rounding_rule(amount: str, exponent: int, minor: int) -> None:
    assert to_minor_units(Decimal(amount), exponent) == minor


def test_fits_minor_units() -> None:
    assert fits_minor_units(Decimal("1.10"), 2)
    assert not fits_minor_units(Decimal("1.101"), 2)
    assert fits_minor_units(Decimal("5"), 0)
    assert not fits_minor_units(Decimal("NaN"), 2)
