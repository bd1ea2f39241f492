"""The currencies the APIs' schemas list are exactly those the database can bill in."""

from __future__ import annotations

from typing import Any

import psycopg

from billbo.currencies import CODES


def test_the_schema_list_equals_the_currencies_table(pg: psycopg.Connection[Any]) -> None:
    assert {code for (code,) in pg.execute("select code from currencies")} == CODES
