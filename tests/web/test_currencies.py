"""The web dashboard's exponent table is the database's: an amount in minor units shows the same
number of decimals in the browser as on the invoice."""

from __future__ import annotations

import re
from typing import Any

import psycopg

from billbo.settings import REPO_ROOT

TABLE = REPO_ROOT / "web" / "src" / "lib" / "currencies.ts"


def test_the_web_exponents_equal_the_currencies_table(pg: psycopg.Connection[Any]) -> None:
    web = {code: int(exponent) for code, exponent in re.findall(r"^\s+([A-Z]{3}): (\d),", TABLE.read_text(), re.M)}
    database = dict(pg.execute("select code, exponent from currencies").fetchall())
    assert web == {code.strip(): exponent for code, exponent in database.items()}
