"""20261201000018 on a database with invoices already: each line gets the breakdown of the rated
usage it billed where that still matches it exactly, finalised lines included (the trigger that
freezes them is lifted for that update alone); the others keep none. 20261201000019 drops
billbo_rate."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from billbo.migrations import postgres as pg_migrations
from billbo.migrations.runner import Databases
from billbo.settings import Settings

BREAKDOWN = "20261201000018"
FROZEN = "sku_id, usage_period_start, price_version_id, quantity, event_count, amount_unrounded, amount_minor"
# rating.rated_usage as dbt builds it (dbt_project/models/marts/rated_usage.sql), rated by billbo_rating.
RATED_USAGE = """
create schema if not exists rating;
create table rating.rated_usage (
    merchant_id uuid, customer_id uuid, sku_id uuid, period_start date, quantity numeric, event_count bigint,
    usage_days bigint, price_version_id uuid, price_version integer, pricing_model text, currency text,
    billable_quantity numeric, tier_breakdown jsonb, minimum_top_up numeric, amount_unrounded numeric,
    amount_minor bigint
)
"""
RATE = """
insert into rating.rated_usage
select %(merchant)s, %(customer)s, %(sku)s, %(period)s, %(quantity)s, %(events)s, 1, v.id, v.version,
       v.model::text, 'USD', (r ->> 'billable_quantity')::numeric, r -> 'lines', (r ->> 'minimum_top_up')::numeric,
       (r ->> 'amount')::numeric, round((r ->> 'amount')::numeric * 100)
from price_versions v,
     billbo_rating(v.model, v.unit_price, v.package_size, v.package_price,
                   '[{"up_to": "10", "unit_price": "1"}, {"up_to": null, "unit_price": "0.1"}]',
                   v.included_quantity, v.minimum_charge, %(quantity)s, true) r
where v.id = %(version)s
"""


@pytest.fixture
def before(databases: Databases, settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A database migrated up to the migration before 20261201000018, and the full migrations folder."""
    name = f"breakdown_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = f"{databases.postgres_url.rsplit('/', 1)[0]}/{name}"
    every = settings.migrations_dir / "postgres"
    for migration in every.glob("*.sql"):
        if migration.name < BREAKDOWN:
            shutil.copy(migration, tmp_path / migration.name)
    try:
        pg_migrations.migrate(url, tmp_path)
        yield url, every
    finally:
        with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def _invoice(conn: Any, merchant: Any, customer: Any, period: str) -> Any:
    return conn.execute(
        "insert into invoices (merchant_id, customer_id, currency, period_start) values (%s, %s, 'USD', %s) "
        "returning id",
        [merchant, customer, period],
    ).fetchone()[0]


def _line(conn: Any, invoice: Any, sku: Any, version: Any, period: str, quantity: int, amount: str) -> Any:
    return conn.execute(
        "insert into invoice_lines (invoice_id, sku_id, usage_period_start, price_version_id, quantity, event_count, "
        "amount_unrounded, amount_minor) values (%s, %s, %s, %s, %s, 1, %s, round(%s::numeric * 100)) returning id",
        [invoice, sku, period, version, quantity, amount, amount],
    ).fetchone()[0]


def test_lines_get_the_breakdown_that_still_matches_them_and_the_others_none(before: tuple[str, Path]) -> None:
    url, migrations = before
    with psycopg.connect(url, autocommit=True) as conn:
        merchant = conn.execute("insert into merchants (name) values ('Old') returning id").fetchone()[0]  # type: ignore[index]
        sku = conn.execute(
            "insert into skus (merchant_id, name, unit, currency) values (%s, 'GB', 'GB', 'USD') returning id",
            [merchant],
        ).fetchone()[0]  # type: ignore[index]
        version = conn.execute(  # graduated: the first 10 GB at 1.00, then 0.10; 2 GB free
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, included_quantity) "
            "values (%s, %s, 1, 'graduated', '2026-01-01', 2) returning id",
            [merchant, sku],
        ).fetchone()[0]  # type: ignore[index]
        conn.execute("insert into price_tiers values (%s, 0, 10, 1, 0), (%s, 1, null, 0.1, 0)", [version, version])
        conn.execute(RATED_USAGE)
        kept, late, unrated, fresh, stale = (uuid.uuid4() for _ in range(5))
        april = {c: _invoice(conn, merchant, c, "2026-04-01") for c in (kept, late, unrated)}
        may = {c: _invoice(conn, merchant, c, "2026-05-01") for c in (late, fresh, stale)}
        lines = {
            # finalised April, rated usage unchanged since: 7 GB, 5 billable = 5.00
            "kept": _line(conn, april[kept], sku, version, "2026-04-01", 7, "5"),
            # finalised April, whose rated usage grew since (12 GB, 10.00 now): no longer matches...
            "late": _line(conn, april[late], sku, version, "2026-04-01", 7, "5"),
            # ...and May's draft adjustment for it: 12 GB (2 events) rated now less the 7 billed = 5 GB, 5.00
            "adjustment": _line(conn, may[late], sku, version, "2026-04-01", 5, "5"),
            # finalised April whose period has no rated usage at all (never rated again after 20261125000015)
            "unrated": _line(conn, april[unrated], sku, version, "2026-04-01", 3, "1"),
            # May drafts: one as rated (4 GB, 2.00), one whose rated usage changed since (6 GB now)
            "fresh": _line(conn, may[fresh], sku, version, "2026-05-01", 4, "2"),
            "stale": _line(conn, may[stale], sku, version, "2026-05-01", 5, "3"),
        }
        rated = [
            (kept, "2026-04-01", 7, 1),
            (late, "2026-04-01", 12, 2),
            (fresh, "2026-05-01", 4, 1),
            (stale, "2026-05-01", 6, 1),
        ]
        for customer, period, quantity, events in rated:
            conn.execute(
                RATE,
                {
                    "merchant": merchant,
                    "customer": customer,
                    "sku": sku,
                    "period": period,
                    "quantity": quantity,
                    "events": events,
                    "version": version,
                },
            )
        for number, invoice in enumerate(april.values(), start=1):
            conn.execute(
                "update invoices set status = 'finalized', number = %s, finalized_at = now() where id = %s",
                [number, invoice],
            )
        frozen_before = conn.execute(f"select id, {FROZEN} from invoice_lines order by id").fetchall()

    pg_migrations.migrate(url, migrations)

    with psycopg.connect(url, autocommit=True) as conn:
        stored = {
            name: conn.execute(
                "select billable_quantity, included_quantity, tier_breakdown -> -1 ->> 'amount', minimum_top_up, "
                "billed_before_quantity, billed_before_minor from invoice_lines where id = %s",
                [line],
            ).fetchone()
            for name, line in lines.items()
        }
        assert stored == {
            "kept": (Decimal(5), Decimal(2), "5", Decimal(0), None, None),
            "late": (None,) * 6,
            # the period rated again as a whole (10 billable: all of tier 1), and the 7 GB / 5.00 billed before
            "adjustment": (Decimal(10), Decimal(2), "10", Decimal(0), Decimal(7), 500),
            "unrated": (None,) * 6,
            "fresh": (Decimal(2), Decimal(2), "2", Decimal(0), None, None),
            "stale": (None,) * 6,
        }
        # Nothing that was billed changed, and finalised lines are frozen again, breakdown included.
        assert conn.execute(f"select id, {FROZEN} from invoice_lines order by id").fetchall() == frozen_before
        assert conn.execute("select tgenabled from pg_trigger where tgname = 'invoice_lines_finalized'").fetchone() == (
            "O",
        )
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("update invoice_lines set tier_breakdown = '[]' where id = %s", [lines["kept"]])
        with pytest.raises(psycopg.errors.CheckViolation):  # a breakdown is stored whole or not at all
            conn.execute("update invoice_lines set minimum_top_up = null where id = %s", [lines["fresh"]])
        # 20261201000019: billbo_rate is gone, billbo_rating stays.
        functions = {row[0] for row in conn.execute("select proname from pg_proc where proname like 'billbo_rat%'")}
        assert functions == {"billbo_rating"}


def test_a_database_never_rated_migrates_with_nothing_to_fill(before: tuple[str, Path]) -> None:
    url, migrations = before
    pg_migrations.migrate(url, migrations)
    with psycopg.connect(url) as conn:
        assert pg_migrations.pending(conn, migrations) == []
        assert conn.execute("select to_regclass('rating.rated_usage')").fetchone() == (None,)
