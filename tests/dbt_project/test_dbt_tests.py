"""The dbt project's own tests: the unit tests of the tier math pass, and each can fail; the data
tests catch what they are for (bad tiers, invoices whose lines do not add up)."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest

from billbo.dbt import PROJECT_DIR, rate_period, run_dbt
from billbo.invoices import service
from billbo.migrations.runner import Databases
from tests.dbt_project.records import merchant_with_sku


def test_the_unit_tests_of_every_pricing_model_pass(databases: Databases) -> None:
    assert run_dbt(["test", "--select", "test_type:unit"], databases.postgres_url)


def test_a_unit_test_fails_when_the_math_is_wrong(databases: Databases, tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    tests = project / "models" / "intermediate" / "int_usage_priced_unit_tests.yml"
    # Graduated, 100.5 units: 10 + 0.5 x 0.05 + the 2.00 fee of tier 2 = 12.025; expect it without the fee.
    tests.write_text(tests.read_text().replace("amount_unrounded: '12.025'", "amount_unrounded: '10.025'"))
    graduated = "graduated_prices_each_tier_its_own_units"
    assert not run_dbt(["test", "--select", graduated], databases.postgres_url, project)
    assert run_dbt(["test", "--select", "per_unit_prices_every_unit"], databases.postgres_url, project)


def test_tiers_that_are_not_contiguous_fail_the_tiers_test(databases: Databases) -> None:
    assert rate_period("2025-12", databases.postgres_url)  # rated_usage exists (the test reads it), tiers fine
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant, sku = merchant_with_sku(conn, "tiers")
        version = conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from) "
            "values (%s, %s, 1, 'graduated', '2026-01-01') returning id",
            [merchant, sku],
        ).fetchone()[0]  # type: ignore[index]
        try:
            assert run_dbt(["test", "--select", "price_tiers_are_contiguous"], databases.postgres_url) is False
            # Written around the dashboard API: a gap in positions and a bound that does not rise.
            conn.execute("insert into price_tiers values (%s, 0, 100, 0.1, 0), (%s, 2, 50, 0.05, 0), "
                         "(%s, 3, null, 0.01, 0)", [version, version, version])
            assert run_dbt(["test", "--select", "price_tiers_are_contiguous"], databases.postgres_url) is False
            conn.execute("delete from price_tiers where price_version_id = %s", [version])
            conn.execute("insert into price_tiers values (%s, 0, 100, 0.1, 0), (%s, 1, null, 0.01, 0)",
                         [version, version])
            assert run_dbt(["test", "--select", "price_tiers_are_contiguous"], databases.postgres_url)
        finally:
            conn.execute("delete from merchants where id = %s", [merchant])
            conn.execute("delete from price_versions where merchant_id = %s", [merchant])


def test_an_invoice_whose_lines_do_not_add_up_fails_the_invoice_test(databases: Databases) -> None:
    period = dt.date(2026, 8, 1)
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant, sku = merchant_with_sku(conn, "sums")
        version = conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price) "
            "values (%s, %s, 1, 'per_unit', '2026-01-01', 0.5) returning id",
            [merchant, sku],
        ).fetchone()[0]  # type: ignore[index]
        invoice = conn.execute(
            "insert into invoices (merchant_id, customer_id, currency, period_start, subtotal_minor) "
            "values (%s, %s, 'USD', %s, 150) returning id",
            [merchant, uuid.uuid4(), period],
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            "insert into invoice_lines (invoice_id, sku_id, usage_period_start, price_version_id, quantity, "
            "event_count, amount_unrounded, amount_minor) values (%s, %s, %s, %s, 3, 3, 1.5, 150)",
            [invoice, sku, period, version],
        )
        try:
            assert run_dbt(["test", "--select", "invoice_lines"], databases.postgres_url)
            assert service.unbalanced_drafts(conn, period) == []
            conn.execute("update invoices set subtotal_minor = 151 where id = %s", [invoice])
            assert run_dbt(["test", "--select", "invoice_lines"], databases.postgres_url) is False
            assert [row[0] for row in service.unbalanced_drafts(conn, period)] == [invoice]  # the Dagster check
        finally:
            conn.execute("delete from merchants where id = %s", [merchant])


