"""The dbt project builds against the embedded Postgres, with its tests."""

from __future__ import annotations

import psycopg

from billbo.dbt import dbt_env, rate_period, run_dbt
from billbo.migrations.runner import Databases


def test_dbt_env_from_url() -> None:
    assert dbt_env("postgresql://bill%40bo:p%2Fw@db.internal:6543/rating") == {
        "BILLBO_DBT_HOST": "db.internal",
        "BILLBO_DBT_PORT": "6543",
        "BILLBO_DBT_USER": "bill@bo",
        "BILLBO_DBT_PASSWORD": "p/w",
        "BILLBO_DBT_DBNAME": "rating",
    }


def test_dbt_builds_the_views_and_their_tests(databases: Databases) -> None:
    # All the views together (replacing a view drops the views that read it, until they are
    # rebuilt); cautious: only the views' own tests (others also read rated_usage).
    args = ["build", "--select", "config.materialized:view", "--indirect-selection", "cautious"]
    assert run_dbt(args, databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        row = conn.execute(
            "select minor_unit_exponent from rating.stg_billbo__currencies where currency = 'KWD'"
        ).fetchone()
    assert row == (3,)


def test_rated_usage_prices_a_period_with_the_version_in_force_and_rounds_once(databases: Databases) -> None:
    import datetime as dt
    import uuid
    from decimal import Decimal

    from billbo.pricing.models import Price, Tier, rate

    merchant, customer = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        conn.execute("insert into merchants (id, name) values (%s, 'dbt')", [merchant])
        sku = conn.execute(
            "insert into skus (merchant_id, name, unit, currency) values (%s, 'calls', 'call', 'USD') returning id",
            [merchant],
        ).fetchone()[0]  # type: ignore[index]
        old, new = (
            conn.execute(
                "insert into price_versions (merchant_id, sku_id, version, model, effective_from, minimum_charge) "
                "values (%s, %s, %s, 'graduated', %s, %s) returning id",
                [merchant, sku, version, effective, minimum],
            ).fetchone()[0]  # type: ignore[index]
            for version, effective, minimum in (
                (1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 0),
                (2, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), 5),
            )
        )
        for version_id, price in ((old, "1.00"), (new, "0.0101")):
            conn.execute(
                "insert into price_tiers values (%s, 0, 100, %s, 0), (%s, 1, null, 0.001, 2)",
                [version_id, price, version_id],
            )
        for day, quantity, events in (("2026-03-02", "60.5", 3), ("2026-03-20", "100", 4), ("2026-03-21", "-0.5", 1)):
            conn.execute(
                "insert into usage_daily values (%s, %s, %s, %s, %s, %s, 12345)",
                [merchant, customer, sku, day, quantity, events],
            )
    assert rate_period("2026-03", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        row = conn.execute(
            "select quantity, event_count, price_version, amount_unrounded, amount_minor from rating.rated_usage "
            "where merchant_id = %s",
            [merchant],
        ).fetchone()
    expected = rate(
        Price(
            "graduated",
            tiers=(Tier(Decimal(100), Decimal("0.0101")), Tier(None, Decimal("0.001"), Decimal(2))),
            minimum_charge=Decimal(5),
        ),
        Decimal("160"),
    ).amount
    # Version 2 is in force on March 1st: 100 x 0.0101 + 60 x 0.001 + 2 = 3.07, topped up to the 5.00 minimum.
    assert expected == Decimal(5)
    assert row == (Decimal("160.0"), 8, 2, expected, 500)


def test_rating_one_period_keeps_the_others(databases: Databases) -> None:
    import uuid

    merchant = uuid.uuid4()
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        conn.execute("insert into merchants (id, name) values (%s, 'periods')", [merchant])
        sku = conn.execute(
            "insert into skus (merchant_id, name, unit, currency) values (%s, 's', 'u', 'EUR') returning id", [merchant]
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price) "
            "values (%s, %s, 1, 'per_unit', '2026-01-01', 1)",
            [merchant, sku],
        )
        for day in ("2026-05-03", "2026-06-03"):
            conn.execute("insert into usage_daily values (%s, %s, %s, %s, 4, 1, 1)", [merchant, uuid.uuid4(), sku, day])
    for period in ("2026-05", "2026-06", "2026-06"):
        assert rate_period(period, databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        rows = conn.execute(
            "select period_start::text, count(*) from rating.rated_usage where merchant_id = %s group by 1 order by 1",
            [merchant],
        ).fetchall()
    assert rows == [("2026-05-01", 1), ("2026-06-01", 1)]  # both periods, each once
