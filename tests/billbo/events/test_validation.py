from __future__ import annotations

from decimal import Decimal

import pytest

from billbo.events.validation import scaled_amount


@pytest.mark.parametrize(
    ("amount", "scaled"),
    [
        ("0", 0),
        ("1", 10**12),
        ("-2.5", -25 * 10**11),
        ("0.000000000001", 1),
        ("1.500000000000000000", 15 * 10**11),  # extra zeros are not extra precision
        ("1E+3", 10**15),
        ("99999999999999999999999999.999999999999", 10**38 - 1),  # the largest Decimal(38, 12)
        ("12345678901234567890.123456789012", 12345678901234567890123456789012),
    ],
)
def test_amounts_scale_exactly(amount: str, scaled: int) -> None:
    assert scaled_amount(Decimal(amount)) == scaled


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("NaN", "finite"),
        ("-Infinity", "finite"),
        ("1E+26", "10^26"),
        ("0.0000000000001", "12 digits"),
        ("1.0000000000001", "12 digits"),
    ],
)
def test_amounts_that_cannot_be_stored_exactly_are_refused(amount: str, reason: str) -> None:
    result = scaled_amount(Decimal(amount))
    assert isinstance(result, str)
    assert reason in result
