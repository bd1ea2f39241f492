"""SQL of usage, ClickHouse and Postgres: live usage from ClickHouse; days of deduplicated usage
moved from ClickHouse to Postgres (those days replaced atomically), their reconciliation totals,
and the days that received late events."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
import psycopg
from clickhouse_connect.driver.client import Client

from billbo.events.repository import EventFilter
from billbo.money import plain

# Live usage, for the dashboard.

GROUPINGS = {"day": "toDate(sent_at)", "customer": "toString(customer_id)", "sku": "toString(sku_id)"}


def usage(client: Client, merchant_id: uuid.UUID, where: EventFilter, group_by: Sequence[str]) -> list[tuple[Any, ...]]:
    """Deduplicated quantity and event count per group (a subset of day, customer, sku)."""
    dims = [f"{GROUPINGS[name]} AS {name}" for name in group_by]
    names = ", ".join(group_by)
    params: dict[str, Any] = {"merchant": merchant_id}
    select = ", ".join([*dims, "sum(amount) AS quantity", "count() AS events"])
    grouping = f" GROUP BY {names} ORDER BY {names}" if group_by else ""
    result = client.query(
        f"SELECT {select} FROM events FINAL WHERE merchant_id = {{merchant:UUID}}{where.sql(params)}{grouping}",
        parameters=params,
        settings={"do_not_merge_across_partitions_select_final": 1},  # one month is one partition
    )
    return [(*row[:-2], plain(to_decimal(row[-2])), row[-1]) for row in result.result_rows]


def to_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# Days of usage, loaded into Postgres for rating.

# Deduplicated with FINAL (one partition per month, so no merging across partitions); quantity
# stays an exact Decimal(38, 12). One query for the whole range: it reads each part once.
AGGREGATE = """
SELECT toString(merchant_id) AS merchant_id, toString(customer_id) AS customer_id, toString(sku_id) AS sku_id,
       toDate(sent_at) AS day, sum(amount) AS quantity, count() AS event_count,
       groupBitXor(cityHash64(event_id)) AS event_checksum, max(ingested_at) AS max_ingested_at
FROM events FINAL
WHERE sent_at >= {start:DateTime64(6, 'UTC')} AND sent_at < {end:DateTime64(6, 'UTC')}
GROUP BY merchant_id, customer_id, sku_id, day
"""
# The same range's totals per day, counted independently of AGGREGATE: the reconciliation check.
DAY_TOTALS = """
SELECT toDate(sent_at) AS day, count() AS events, toString(sum(amount)) AS quantity
FROM events FINAL
WHERE sent_at >= {start:DateTime64(6, 'UTC')} AND sent_at < {end:DateTime64(6, 'UTC')}
GROUP BY day
"""
# Days with events stored after the cursor (reads only recent parts, via the ingested_at index).
NEW_SINCE = """
SELECT toString(toDate(sent_at)) AS day, max(ingested_at) AS newest
FROM events
WHERE ingested_at > {since:DateTime64(6, 'UTC')}
GROUP BY day
ORDER BY day
"""
FINAL_SETTINGS = {"do_not_merge_across_partitions_select_final": 1}
COLUMNS = ["merchant_id", "customer_id", "sku_id", "day", "quantity", "event_count", "event_checksum"]
Totals = dict[dt.date, tuple[int, Decimal]]


@dataclass(frozen=True)
class Load:
    start: dt.date
    end: dt.date  # exclusive
    rows: int
    events: int
    quantity: Decimal


def _bounds(start: dt.date, end: dt.date) -> dict[str, dt.datetime]:
    return {
        "start": dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC),
        "end": dt.datetime(end.year, end.month, end.day, tzinfo=dt.UTC),
    }


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


def read_days(client: Client, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Usage per merchant, customer, SKU and day for the days in [start, end)."""
    table = client.query_arrow(AGGREGATE, parameters=_bounds(start, end), settings=FINAL_SETTINGS)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def replace_days(conn: psycopg.Connection[Any], start: dt.date, end: dt.date, frame: pl.DataFrame) -> Load:
    """Delete the days and COPY their rows in, in one transaction: readers see the old days or the
    new ones, never a mix. Each day's load is recorded, empty days included."""
    per_day = (
        frame.group_by("day").agg(pl.len().alias("rows"), pl.col("event_count").sum(), pl.col("max_ingested_at").max())
        if frame.height
        else pl.DataFrame()
    )
    loads = {row["day"]: row for row in per_day.iter_rows(named=True)}
    buffer = io.BytesIO()
    frame.select(COLUMNS).write_csv(buffer, include_header=False)
    with conn.transaction():
        conn.execute("delete from usage_daily where day >= %s and day < %s", [start, end])
        with conn.cursor().copy(f"copy usage_daily ({', '.join(COLUMNS)}) from stdin with (format csv)") as copy:
            copy.write(buffer.getvalue())
        with conn.cursor() as cursor:
            cursor.executemany(
                "insert into usage_loads (day, loaded_at, max_ingested_at, rows, events) "
                "values (%s, now(), %s, %s, %s) on conflict (day) do update set loaded_at = now(), "
                "max_ingested_at = excluded.max_ingested_at, rows = excluded.rows, events = excluded.events",
                [
                    (day, load["max_ingested_at"], load["rows"], load["event_count"])
                    if (load := loads.get(day))
                    else (day, None, 0, 0)
                    for day in days(start, end)
                ],
            )
    events = int(frame["event_count"].sum()) if frame.height else 0
    quantity = Decimal(str(frame["quantity"].sum())) if frame.height else Decimal(0)
    return Load(start, end, frame.height, events, quantity)


def clickhouse_totals(client: Client, start: dt.date, end: dt.date) -> Totals:
    """Events and quantity ClickHouse holds per day, deduplicated."""
    rows = client.query(DAY_TOTALS, parameters=_bounds(start, end), settings=FINAL_SETTINGS).result_rows
    return {day: (int(events), Decimal(quantity)) for day, events, quantity in rows}


def postgres_totals(conn: psycopg.Connection[Any], start: dt.date, end: dt.date) -> Totals:
    rows = conn.execute(
        "select day, sum(event_count), sum(quantity) from usage_daily where day >= %s and day < %s group by day",
        [start, end],
    ).fetchall()
    return {day: (int(events), Decimal(quantity)) for day, events, quantity in rows}


def days_with_new_events(client: Client, since: dt.datetime) -> tuple[list[str], dt.datetime]:
    """The days (ISO dates) with events stored after ``since``, and the newest such storing time
    (``since`` when there is none)."""
    rows = client.query(NEW_SINCE, parameters={"since": since}).result_rows
    newest = max((row[1].replace(tzinfo=dt.UTC) for row in rows), default=since)
    return [row[0] for row in rows], newest
