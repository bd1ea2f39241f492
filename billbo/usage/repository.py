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

from billbo.events.repository import EventFilter, storable_time
from billbo.money import plain

# Live usage, for the dashboard: closed days from the pre-aggregated usage_daily table of
# ClickHouse, the events ingested after each day's watermark from the raw table (the tail), and
# days never loaded (or cut by the window's bounds) from the raw table with FINAL. See D31.

GROUPINGS = {"day": "day", "customer": "toString(customer_id)", "sku": "toString(sku_id)"}
# Each branch yields (day, customer_id, sku_id, quantity, events) rows.
_CLOSED = """
SELECT day, customer_id, sku_id, quantity, events FROM usage_daily FINAL
WHERE merchant_id = {merchant:UUID} AND day IN {closed:Array(Date)} AND row_kind = 'usage'"""
# The tail: every copy of each event id that has a copy stored after the earliest watermark (a
# primary-key lookup: few ids), its first stored copy per month (what FINAL keeps), counted when
# that copy came after its own day's watermark.
_TAIL = """
SELECT toDate(first.4) AS day, first.1 AS customer_id, first.2 AS sku_id, first.3 AS quantity,
       toUInt64(1) AS events
FROM (
    SELECT argMin((customer_id, sku_id, amount, sent_at, ingested_at), ingested_at) AS first
    FROM events
    WHERE merchant_id = {merchant:UUID} AND event_id IN (
        SELECT event_id FROM events
        WHERE merchant_id = {merchant:UUID} AND ingested_at > {earliest:DateTime64(6, 'UTC')}
          AND toDate(sent_at) IN {closed:Array(Date)})
    GROUP BY event_id, toYYYYMM(sent_at)
)
WHERE toDate(first.4) IN {closed:Array(Date)}
  AND first.5 > transform(toDate(first.4), {closed:Array(Date)}, {watermarks:Array(DateTime64(6, 'UTC'))},
                          toDateTime64('2299-12-31 23:59:59', 6, 'UTC'))"""
_RAW = """
SELECT toDate(sent_at) AS day, customer_id, sku_id, amount AS quantity, toUInt64(1) AS events
FROM events FINAL
WHERE merchant_id = {merchant:UUID} AND ({ranges})"""
_WATERMARKS = """
SELECT day, watermark FROM usage_daily FINAL
WHERE merchant_id = {merchant:UUID} AND day >= {first:Date} AND day < {end:Date} AND row_kind = 'load'
ORDER BY day"""
LIVE_SETTINGS = {
    "do_not_merge_across_partitions_select_final": 1,  # one month is one partition, in both tables
    # On a cluster: the tail's subquery reads each shard's own events (an event's copies share a shard).
    "distributed_product_mode": "local",
}


def watermarks(client: Client, merchant_id: uuid.UUID, first: dt.date, end: dt.date) -> dict[dt.date, dt.datetime]:
    """The loaded days in [first, end) and the watermark of each one's newest load."""
    rows = client.query(
        _WATERMARKS, parameters={"merchant": merchant_id, "first": first, "end": end}, settings=LIVE_SETTINGS
    ).result_rows
    return {day: mark.replace(tzinfo=dt.UTC) for day, mark in rows}


def _filters(where: EventFilter, params: dict[str, Any]) -> str:
    clauses = []
    if where.customer_id is not None:
        clauses.append("customer_id = {customer:UUID}")
        params["customer"] = where.customer_id
    if where.sku_id is not None:
        clauses.append("sku_id = {sku:UUID}")
        params["sku"] = where.sku_id
    return "".join(f" AND {c}" for c in clauses)


def usage(client: Client, merchant_id: uuid.UUID, where: EventFilter, group_by: Sequence[str]) -> list[tuple[Any, ...]]:
    """Deduplicated quantity and event count per group (a subset of day, customer, sku) over the
    window [where.sent_from, where.sent_to), which must be given."""
    assert where.sent_from is not None and where.sent_to is not None
    start, end = storable_time(where.sent_from), storable_time(where.sent_to)
    first_day = start.date() if start.time() == dt.time(0) else start.date() + dt.timedelta(days=1)
    end_day = end.date()
    marks = watermarks(client, merchant_id, first_day, end_day) if first_day < end_day else {}
    closed = sorted(marks)
    params: dict[str, Any] = {"merchant": merchant_id}
    branches = []
    if closed:
        params.update(closed=closed, watermarks=[marks[day] for day in closed], earliest=min(marks.values()))
        branches.append(_CLOSED + _filters(where, params))
        branches.append(_TAIL + _filters(where, params))  # the SELECT's aliases: the first copy's
    ranges = _raw_ranges(start, end, closed)
    if ranges:
        clauses = []
        for i, (lo, hi) in enumerate(ranges):
            clauses.append(f"(sent_at >= {{lo{i}:DateTime64(6, 'UTC')}} AND sent_at < {{hi{i}:DateTime64(6, 'UTC')}})")
            params[f"lo{i}"], params[f"hi{i}"] = lo, hi
        branches.append(_RAW.replace("{ranges}", " OR ".join(clauses)) + _filters(where, params))
    if not branches:  # an empty window
        return [] if group_by else [(plain(Decimal(0)), 0)]
    dims = [f"{GROUPINGS[name]} AS {name}" for name in group_by]
    names = ", ".join(group_by)
    select = ", ".join([*dims, "sum(quantity) AS quantity", "sum(events) AS events"])
    grouping = f" GROUP BY {names} ORDER BY {names}" if group_by else ""
    query = f"SELECT {select} FROM ({' UNION ALL '.join(branches)}){grouping}"
    result = client.query(query, parameters=params, settings=LIVE_SETTINGS)
    return [(*row[:-2], plain(to_decimal(row[-2])), int(row[-1])) for row in result.result_rows]


Range = tuple[dt.datetime, dt.datetime]


def _raw_ranges(start: dt.datetime, end: dt.datetime, closed: Sequence[dt.date]) -> list[Range]:
    """[start, end) minus the closed days, as few ranges as possible."""
    ranges: list[Range] = []
    cursor = start
    for day in closed:
        lo = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        if lo > cursor:
            ranges.append((cursor, lo))
        cursor = max(cursor, lo + dt.timedelta(days=1))
    if end > cursor:
        ranges.append((cursor, end))
    return ranges


def to_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# Days of usage, loaded into Postgres for rating.

# Deduplicated with FINAL (one partition per month, so no merging across partitions); quantity
# stays an exact Decimal(38, 12). One query for the whole range: it reads each part once.
AGGREGATE = """
SELECT toString(merchant_id) AS merchant_id, toString(customer_id) AS customer_id, toString(sku_id) AS sku_id,
       toDate(sent_at) AS day, sum(amount) AS quantity, count() AS event_count,
       groupBitXor(cityHash64(event_id)) AS event_checksum, max(ingested_at) AS max_ingested_at,
       sumIf(amount, ingested_at <= {watermark:DateTime64(6, 'UTC')}) AS closed_quantity,
       countIf(ingested_at <= {watermark:DateTime64(6, 'UTC')}) AS closed_events
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


# How long an acknowledged insert may take from its ingested_at stamp (set by the ingest process
# when the request arrives) until ClickHouse shows it, clock skew included. A load at time T counts
# in usage_daily only events ingested at or before T minus this margin: any event it could not see
# was ingested after that, so the live reads' tail finds it (D31).
COMMIT_MARGIN = dt.timedelta(minutes=5)


def server_now(client: Client) -> dt.datetime:
    value: dt.datetime = client.query("SELECT now64(6, 'UTC')").result_rows[0][0]
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def read_days(client: Client, start: dt.date, end: dt.date, watermark: dt.datetime) -> pl.DataFrame:
    """Usage per merchant, customer, SKU and day for the days in [start, end): all of it, and the
    part whose first stored copies were ingested at or before ``watermark`` (closed_*)."""
    parameters = {**_bounds(start, end), "watermark": watermark}
    table = client.query_arrow(AGGREGATE, parameters=parameters, settings=FINAL_SETTINGS)
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


USAGE_DAILY_COLUMNS = [
    "merchant_id",
    "day",
    "customer_id",
    "sku_id",
    "row_kind",
    "quantity",
    "events",
    "watermark",
    "version",
]


def write_closed_days(
    client: Client,
    merchants: Sequence[uuid.UUID],
    start: dt.date,
    end: dt.date,
    frame: pl.DataFrame,
    watermark: dt.datetime,
) -> None:
    """The pre-aggregated usage of the days in [start, end), for ClickHouse's live reads: per day,
    one insert (atomic) of its usage rows and a load row per merchant, all under a new version."""
    version = int(watermark.timestamp() * 1_000_000)
    closed = frame.filter(pl.col("closed_events") > 0) if frame.height else frame
    nil = str(uuid.UUID(int=0))  # the load rows' customer and SKU; every UUID here as text
    everyone = sorted({*map(str, merchants), *(closed["merchant_id"].unique().to_list() if closed.height else [])})
    by_day = closed.partition_by("day", as_dict=True) if closed.height else {}
    for day in days(start, end):
        part = by_day.get((day,))
        n = part.height if part is not None else 0
        columns: list[list[Any]] = [
            [*(part["merchant_id"].to_list() if part is not None else []), *everyone],
            [day] * (n + len(everyone)),
            [*(part["customer_id"].to_list() if part is not None else []), *[nil] * len(everyone)],
            [*(part["sku_id"].to_list() if part is not None else []), *[nil] * len(everyone)],
            ["usage"] * n + ["load"] * len(everyone),
            [*(part["closed_quantity"].to_list() if part is not None else []), *[Decimal(0)] * len(everyone)],
            [*(part["closed_events"].to_list() if part is not None else []), *[0] * len(everyone)],
            [watermark] * (n + len(everyone)),
            [version] * (n + len(everyone)),
        ]
        client.insert(
            "usage_daily",
            columns,
            column_names=USAGE_DAILY_COLUMNS,
            column_oriented=True,
            # One block, so one part: the day's rows and its load rows become visible together.
            settings={"max_insert_block_size": n + len(everyone) + 1, "insert_distributed_sync": 1},
        )


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
