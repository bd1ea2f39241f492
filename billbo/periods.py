"""Billing periods: calendar months in UTC (the default of every merchant, for now)."""

from __future__ import annotations

import datetime as dt


def period_start(at: dt.datetime) -> dt.datetime:
    at = at.astimezone(dt.UTC)
    return dt.datetime(at.year, at.month, 1, tzinfo=dt.UTC)


def next_period_start(at: dt.datetime) -> dt.datetime:
    start = period_start(at)
    return dt.datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=dt.UTC)
