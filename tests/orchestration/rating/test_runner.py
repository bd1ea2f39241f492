"""dbt inside the Dagster step (orchestration/rating/runner.py), against the embedded Postgres: one
parse serves every period, each dbt data test is an asset check, and a failed test fails the step
with its check shown failed."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import dagster as dg
import psycopg
import pytest

from billbo.migrations.runner import Databases
from orchestration.definitions import resources
from orchestration.rating.assets import rating_models
from orchestration.rating.runner import parsed_project

pytestmark = pytest.mark.e2e
SKU = uuid.UUID(int=77)
CUSTOMER = uuid.UUID(int=78)


def _merchant(conn: Any, tiers: list[tuple[int, str | None, str]]) -> uuid.UUID:
    merchant: uuid.UUID = conn.execute("insert into merchants (name) values ('Runner') returning id").fetchone()[0]
    conn.execute(
        "insert into skus (merchant_id, id, name, unit, currency) values (%s, %s, 'Calls', 'call', 'EUR')",
        [merchant, SKU],
    )
    version = conn.execute(
        "insert into price_versions (merchant_id, sku_id, version, model, effective_from) "
        "values (%s, %s, 1, 'graduated', '2020-01-01') returning id",
        [merchant, SKU],
    ).fetchone()[0]
    for position, up_to, unit_price in tiers:
        conn.execute("insert into price_tiers values (%s, %s, %s, %s, 0)", [version, position, up_to, unit_price])
    return merchant


def _usage(conn: Any, merchant: uuid.UUID, day: dt.date, quantity: str) -> None:
    conn.execute(
        "insert into usage_daily (merchant_id, customer_id, sku_id, day, quantity, event_count, event_checksum) "
        "values (%s, %s, %s, %s, %s, 1, 1)",
        [merchant, CUSTOMER, SKU, day, quantity],
    )


def _forget(conn: Any, merchant: uuid.UUID) -> None:
    conn.execute("delete from rating.rated_usage where merchant_id = %s", [merchant])
    conn.execute("delete from usage_daily where merchant_id = %s", [merchant])
    conn.execute("delete from merchants where id = %s", [merchant])


def _rate(databases: Databases, period: dt.date) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [rating_models],
        resources=resources(databases),
        instance=dg.DagsterInstance.ephemeral(),
        partition_key=period.isoformat(),
        selection=[dg.AssetKey("rated_usage")],
        raise_on_error=False,
    )


def _amounts(conn: Any, merchant: uuid.UUID) -> dict[dt.date, Decimal]:
    rows = conn.execute(
        "select period_start, amount_unrounded from rating.rated_usage where merchant_id = %s", [merchant]
    ).fetchall()
    return dict(rows)


def test_one_parse_rates_each_period_with_its_own_usage(databases: Databases) -> None:
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant = _merchant(conn, [(0, "10", "1"), (1, None, "0.5")])
        _usage(conn, merchant, dt.date(2026, 2, 4), "4")
        _usage(conn, merchant, dt.date(2026, 3, 9), "14")
        try:
            february = _rate(databases, dt.date(2026, 2, 1))
            manifest = parsed_project()
            march = _rate(databases, dt.date(2026, 3, 1))
            assert parsed_project() is manifest  # parsed once in this process
            for result in (february, march):
                assert result.success
                assert [m.asset_key for m in result.get_asset_materialization_events()] == [dg.AssetKey("rated_usage")]
                checks = result.get_asset_check_evaluations()
                assert checks and all(check.passed for check in checks)
                assert "rated_usage_reconciles_with_usage" in {check.check_name for check in checks}
            # February: 4 x 1; March: 10 x 1 + 4 x 0.5. Each run rated its own period only.
            assert _amounts(conn, merchant) == {dt.date(2026, 2, 1): Decimal(4), dt.date(2026, 3, 1): Decimal(12)}
        finally:
            _forget(conn, merchant)


def test_a_failed_data_test_fails_the_step_and_shows_as_a_failed_check(databases: Databases) -> None:
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant = _merchant(conn, [(0, "10", "1"), (2, None, "0.5")])  # a gap: no tier at position 1
        _usage(conn, merchant, dt.date(2026, 4, 4), "4")
        try:
            result = _rate(databases, dt.date(2026, 4, 1))
            assert not result.success
            failed = [check.check_name for check in result.get_asset_check_evaluations() if not check.passed]
            assert failed == ["price_tiers_are_contiguous"]
            step_failure = next(event for event in result.all_events if event.is_step_failure)
            assert "dbt build" in str(step_failure.event_specific_data)
        finally:
            _forget(conn, merchant)
