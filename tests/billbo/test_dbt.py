"""The dbt project builds against the embedded Postgres, with its tests."""

from __future__ import annotations

import psycopg

from billbo.dbt import dbt_env, run_dbt
from billbo.migrations.runner import Databases


def test_dbt_env_from_url() -> None:
    assert dbt_env("postgresql://bill%40bo:p%2Fw@db.internal:6543/rating") == {
        "BILLBO_DBT_HOST": "db.internal",
        "BILLBO_DBT_PORT": "6543",
        "BILLBO_DBT_USER": "bill@bo",
        "BILLBO_DBT_PASSWORD": "p/w",
        "BILLBO_DBT_DBNAME": "rating",
    }


def test_dbt_builds_the_staging_models_and_their_tests(databases: Databases) -> None:
    assert run_dbt(["build", "--select", "staging"], databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        row = conn.execute(
            "select minor_unit_exponent from rating.stg_billbo__currencies where currency = 'KWD'"
        ).fetchone()
    assert row == (3,)
