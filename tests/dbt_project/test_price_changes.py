"""Analysts change pricing in dbt: a proposed change is validated, tested against a past period
(price_change_impact) and applied as the SKU's next price version (apply_price_changes)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import uuid
from pathlib import Path

import psycopg

from billbo.dbt import PROJECT_DIR, rate_period, run_dbt
from billbo.migrations.runner import Databases
from billbo.periods import period_start
from tests.dbt_project.records import merchant_with_sku

COLUMNS = ["merchant_id", "sku_id", "effective_from", "pricing_model", "unit_price", "package_size", "package_price",
           "included_quantity", "minimum_charge", "tiers", "reason"]


def _project(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    """A copy of the dbt project whose seeds/price_changes.csv holds the analyst's rows."""
    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    with (project / "seeds" / "price_changes.csv").open("w", newline="") as seed:
        writer = csv.DictWriter(seed, COLUMNS)
        writer.writeheader()
        writer.writerows({column: row.get(column, "") for column in COLUMNS} for row in rows)
    return project


def _dbt(project: Path, url: str, *args: str) -> bool:
    return run_dbt(list(args), url, project)


def test_a_price_change_is_tested_on_a_past_period_then_applied(databases: Databases, tmp_path: Path) -> None:
    customer = uuid.uuid4()
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant, sku = merchant_with_sku(conn, "analysts", "EUR")
        conn.execute("insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price) "
                     "values (%s, %s, 1, 'per_unit', '2026-01-01', 1)", [merchant, sku])
        conn.execute("insert into usage_daily values (%s, %s, %s, '2026-05-07', 10, 4, 99)", [merchant, customer, sku])
    assert rate_period("2026-05", databases.postgres_url)  # May was billed 10 x 1.00 = 10.00 EUR
    next_period = (period_start(dt.datetime.now(dt.UTC)) + dt.timedelta(days=32)).date().replace(day=1)
    tiers: list[dict[str, str | None]] = [{"up_to": "5", "unit_price": "1", "flat_fee": "0"},
                                          {"up_to": None, "unit_price": "0.5", "flat_fee": "0"}]
    change: dict[str, str] = {"merchant_id": str(merchant), "sku_id": str(sku), "effective_from": next_period.isoformat(),
              "pricing_model": "graduated", "tiers": json.dumps(tiers), "reason": "volume discount"}
    url = databases.postgres_url

    # Invalid proposals are refused by the seed's tests: a bound that does not rise.
    bad = _project(tmp_path / "bad", [change | {"tiers": json.dumps([tiers[0], tiers[0] | {"up_to": "5"}])}])
    assert _dbt(bad, url, "seed")
    assert not _dbt(bad, url, "test", "--select", "price_changes")

    project = _project(tmp_path / "good", [change])
    assert _dbt(project, url, "seed")
    assert _dbt(project, url, "test", "--select", "price_changes")
    assert _dbt(project, url, "build", "--select", "price_change_impact", "--vars", "{period: '2026-05'}")
    with psycopg.connect(url) as conn:
        impact = conn.execute(
            "select current_price_version, current_amount_minor, proposed_amount_minor, difference_minor "
            "from rating.price_change_impact where merchant_id = %s",
            [merchant],
        ).fetchall()
    assert impact == [(1, 1000, 750, -250)]  # 5 x 1.00 + 5 x 0.50 = 7.50 EUR instead of 10.00

    # Live: the next version of the SKU, from the next period; the current period keeps its price.
    assert _dbt(project, url, "run-operation", "apply_price_changes")
    assert _dbt(project, url, "run-operation", "apply_price_changes")  # twice: applied once
    with psycopg.connect(url) as conn:
        versions = conn.execute(
            "select version, model::text, effective_from, (select count(*) from price_tiers where price_version_id = v.id) "
            "from price_versions v where merchant_id = %s order by version",
            [merchant],
        ).fetchall()
    assert [(v[0], v[1], v[3]) for v in versions] == [(1, "per_unit", 0), (2, "graduated", 2)]
    assert versions[1][2] == dt.datetime(next_period.year, next_period.month, 1, tzinfo=dt.UTC)


def test_a_change_for_a_past_period_is_refused_and_nothing_is_applied(databases: Databases, tmp_path: Path) -> None:
    merchant = uuid.uuid4()
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        conn.execute("insert into merchants (id, name) values (%s, 'late analyst')", [merchant])
        skus = [conn.execute("insert into skus (merchant_id, name, unit, currency) values (%s, %s, 'u', 'USD') "
                             "returning id", [merchant, f"s{i}"]).fetchone()[0] for i in range(2)]  # type: ignore[index]
    future = (period_start(dt.datetime.now(dt.UTC)) + dt.timedelta(days=70)).date().replace(day=1)
    rows = [{"merchant_id": str(merchant), "sku_id": str(sku), "effective_from": when, "pricing_model": "per_unit",
             "unit_price": "0.1", "reason": "r"} for sku, when in zip(skus, (future.isoformat(), "2026-01-01"), strict=True)]
    project = _project(tmp_path, rows)
    assert _dbt(project, databases.postgres_url, "seed")
    assert not _dbt(project, databases.postgres_url, "run-operation", "apply_price_changes")
    with psycopg.connect(databases.postgres_url) as conn:
        count = conn.execute("select count(*) from price_versions where merchant_id = %s", [merchant]).fetchone()
    assert count == (0,)  # all or nothing: the valid row was not applied either
