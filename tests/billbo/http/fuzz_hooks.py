"""Schemathesis hooks for the fuzz runs (loaded through SCHEMATHESIS_HOOKS), so that positive
cases are valid by rules a JSON schema cannot state, and the check that schema-valid data is
accepted stays meaningful:

* a ``date-time`` is drawn from the last 30 days (an event's ``sent_at`` must lie in its
  merchant's backdating window, 35 days by default, and not ahead of now);
* a positive batch of events never repeats an ``event_id`` (the ingest API refuses that, D7).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import schemathesis
from hypothesis import strategies as st

_NOW = dt.datetime.now(dt.UTC)
_WINDOW_MICROS = 30 * 24 * 3600 * 10**6

recent_times = st.integers(min_value=60 * 10**6, max_value=_WINDOW_MICROS).map(
    lambda micros: (_NOW - dt.timedelta(microseconds=micros)).isoformat().replace("+00:00", "Z")
)
schemathesis.openapi.format("date-time", recent_times)


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    if (case.method, case.operation.path) != ("POST", "/v1/events"):
        return True
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return True
    events = case.body.get("events") if isinstance(case.body, dict) else None
    if not isinstance(events, list):
        return True
    ids = [repr(event["event_id"]) for event in events if isinstance(event, dict) and "event_id" in event]
    return len(ids) == len(set(ids))
