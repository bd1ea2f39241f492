"""Prometheus metrics of the ingest API, served at /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()

EVENTS_ACCEPTED = Counter("billbo_ingest_events_accepted", "Events stored and acknowledged.", registry=REGISTRY)
EVENTS_REJECTED = Counter("billbo_ingest_events_rejected", "Events refused, by reason.", ["reason"], registry=REGISTRY)
REQUEST_EVENTS = Histogram(
    "billbo_ingest_request_events",
    "Events per accepted request.",
    buckets=(1, 10, 100, 1_000, 5_000, 10_000),
    registry=REGISTRY,
)
BATCH_ROWS = Histogram(
    "billbo_ingest_batch_rows",
    "Rows per ClickHouse insert.",
    buckets=(100, 1_000, 5_000, 10_000, 20_000, 50_000, 100_000),
    registry=REGISTRY,
)
INSERT_SECONDS = Histogram(
    "billbo_ingest_insert_seconds",
    "Duration of one ClickHouse insert.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
