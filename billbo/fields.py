"""Field types both APIs share: each rule once, in the OpenAPI schema and in the server alike.

A client that follows the schema is never refused for a field's form, and one that breaks it is
always refused, with the field named (docs/decisions.md, D13).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from billbo.currencies import CODES

# -- Timestamps ---------------------------------------------------------------------------------
# RFC 3339 with an offset; a bare number (an epoch time) or a time without offset is ambiguous.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("needs a UTC offset (RFC 3339), e.g. 2026-11-24T21:05:00Z")
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("must be an RFC 3339 date-time with an offset, e.g. 2026-11-24T21:05:00Z")
    try:
        return dt.datetime.fromisoformat(value.upper().replace(" ", "T"))
    except ValueError as exc:
        raise ValueError(f"is not a date-time: {exc}") from exc


Timestamp = Annotated[
    dt.datetime,
    BeforeValidator(_rfc3339),
    AfterValidator(lambda value: value.astimezone(dt.UTC)),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2026-11-24T21:05:00Z"]}),
]

# -- Billing periods ----------------------------------------------------------------------------
_PERIOD_TEXT = r"^(19[0-9]{2}|2[0-2][0-9]{2})-(0[1-9]|1[0-2])$"  # the years ClickHouse can store


def _period(value: Any) -> dt.date:
    if not isinstance(value, str) or not re.match(_PERIOD_TEXT, value):
        raise ValueError("must be a billing period YYYY-MM between 1900-01 and 2299-12")
    return dt.date.fromisoformat(f"{value}-01")


Period = Annotated[
    dt.date,
    BeforeValidator(_period),
    WithJsonSchema({"type": "string", "pattern": _PERIOD_TEXT, "examples": ["2026-11"]}),
]
"""A calendar month in UTC, given as YYYY-MM: the date of its first day."""

# -- Decimals -----------------------------------------------------------------------------------
MAX_DIGITS_BEFORE_POINT = 26  # |x| < 10^26, like event amounts (ClickHouse Decimal(38, 12))
_DECIMAL_TEXT = r"^-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,30})?$"
_DECIMAL = re.compile(_DECIMAL_TEXT)
_LIMIT = Decimal(10) ** MAX_DIGITS_BEFORE_POINT


def _exact_decimal(value: Any) -> Decimal:
    """A decimal from a string, an integer or a Decimal decoded exactly from JSON text (never a
    float: it may already have lost digits)."""
    if isinstance(value, bool | float):
        raise ValueError('must be a decimal string such as "0.0025" or an exact JSON number')
    if isinstance(value, str):
        if not _DECIMAL.match(value):
            raise ValueError('must be a decimal such as "1500.5" (digits, an optional point and sign)')
        value = Decimal(value)
    elif isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        raise ValueError("must be a decimal number")
    try:
        if not value.is_finite() or abs(value) >= _LIMIT:
            raise ValueError(f"must be less than 10^{MAX_DIGITS_BEFORE_POINT} in absolute value")
    except InvalidOperation as exc:
        raise ValueError("must be a decimal number") from exc
    return value


def _decimal_schema(minimum: int | None) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number", "exclusiveMaximum": 10**MAX_DIGITS_BEFORE_POINT}
    text = _DECIMAL_TEXT if minimum is None else _DECIMAL_TEXT.replace("^-?", "^")
    if minimum is None:
        number["exclusiveMinimum"] = -(10**MAX_DIGITS_BEFORE_POINT)
    else:
        number["minimum"] = minimum
    return {"anyOf": [{"type": "string", "pattern": text}, number]}


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


ExactDecimal = Annotated[Decimal, BeforeValidator(_exact_decimal), WithJsonSchema(_decimal_schema(None))]
"""A decimal given as a string or an exact JSON number, |x| < 10^26."""

NonNegativeDecimal = Annotated[
    Decimal, BeforeValidator(_exact_decimal), AfterValidator(_non_negative), WithJsonSchema(_decimal_schema(0))
]
"""The same, and zero or more (prices, fees, quantities of a price)."""

DecimalQuery = Annotated[
    Decimal,
    BeforeValidator(_exact_decimal),
    WithJsonSchema({"type": "string", "pattern": _DECIMAL_TEXT, "examples": ["1500.5"]}),
]
"""A decimal in a query string."""

# -- Email addresses ----------------------------------------------------------------------------


def _email(value: str) -> str:
    """A syntactically valid address, lower-cased (one seat per address, whatever its case).

    Nothing checks that mail is deliverable (BillBo sends none). Special-use domains are refused,
    except ``.test`` (RFC 6761's names for testing), so staging data and examples work."""
    try:
        return validate_email(value, check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address: {exc}") from exc


Email = Annotated[
    str,
    Field(max_length=320),
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 320, "examples": ["ana@acme.io"]}),
]

# -- Currencies ---------------------------------------------------------------------------------


def _known_currency(value: str) -> str:
    if value not in CODES:
        raise ValueError("must be the upper-case ISO 4217 code of a currency BillBo bills in, e.g. USD")
    return value


Currency = Annotated[
    str,
    AfterValidator(_known_currency),
    WithJsonSchema({"type": "string", "enum": sorted(CODES), "description": "ISO 4217 code, e.g. USD"}),
]
