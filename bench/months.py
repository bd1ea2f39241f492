"""What counting each event id once over every month costs the daily loads (D33).

Run: ``.venv/bin/python -m bench.months [--events 10000000]``.

Writes the dashboard bench's events (one merchant, one month: October) straight into ClickHouse,
merged, and times the load's read of October whole and of one day (best of three), then adds a
tenth as many events in September and times both again: whole months skip the check for ids with
copies in several months while one month is stored, and pay it once several are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from pathlib import Path

from clickhouse_connect.driver.client import Client

from bench.dashboard import INSERT, OCTOBER_US
from bench.stack import migrated_stack, write_results
from billbo.clickhouse.client import create_client
from billbo.usage import repository

OCTOBER, NOVEMBER, DAY = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 10, 15)


def best_of_three(ch: Client, start: dt.date, end: dt.date) -> float:
    """The load's read of the days in [start, end): its best time of three, in ms."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        repository.read_days(ch, start, end, repository.server_now(ch) - repository.COMMIT_MARGIN)
        times.append(time.perf_counter() - started)
    return round(min(times) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/results/months.json"))
    args = parser.parse_args()
    merchant, skus = uuid.uuid4(), [uuid.uuid4() for _ in range(20)]
    results: dict[str, object] = {"events": args.events}
    with migrated_stack() as stack:
        ch = create_client(stack.databases.clickhouse_url, send_receive_timeout=3600)
        for label, prefix, start, span, n in (
            ("one_month_stored", "evt-", "2026-10-01 00:00:00", OCTOBER_US, args.events),
            ("two_months_stored", "sep-", "2026-09-01 00:00:00", OCTOBER_US - 86_400_000_000, args.events // 10),
        ):
            query = INSERT.replace("'evt-'", f"'{prefix}'")
            params = {"merchant": merchant, "skus": skus, "start": start, "span_us": span, "n": n}
            ch.command(query, parameters=params, settings={"max_insert_block_size": 1_000_000})
            ch.command("OPTIMIZE TABLE events FINAL")
            results[label] = {
                "october_whole_ms": best_of_three(ch, OCTOBER, NOVEMBER),
                "one_day_ms": best_of_three(ch, DAY, DAY + dt.timedelta(days=1)),
            }
        ch.close()
    write_results(results, args.out)


if __name__ == "__main__":
    main()
