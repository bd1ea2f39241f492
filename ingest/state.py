"""What the ingest API keeps for the life of its process."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from billbo.clickhouse.client import LazyClient
from billbo.events import repository
from billbo.http.resources import Resources
from billbo.settings import Settings
from ingest import metrics
from ingest.auth import ApiKeyCache
from ingest.events.batcher import BatchStats, InsertBatcher
from ingest.rate_limit import TokenBuckets


@dataclass
class IngestState:
    settings: Settings
    clickhouse: LazyClient
    keys: ApiKeyCache
    buckets: TokenBuckets
    batcher: InsertBatcher


def _record_batch(stats: BatchStats) -> None:
    metrics.BATCH_ROWS.observe(stats.rows)
    metrics.INSERT_SECONDS.observe(stats.seconds)


@asynccontextmanager
async def ingest_lifespan(app: FastAPI, resources: Resources) -> AsyncIterator[None]:
    # A 1,000-event request allocates thousands of short-lived objects; with the default
    # thresholds the cyclic GC ran many times per request (a py-spy profile showed JSON decoding
    # at three times its cost alone). Everything loaded so far is long-lived: freeze it, and
    # collect the young generation less often.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    settings = resources.settings
    clickhouse = resources.clickhouse

    def insert(block: bytes) -> None:
        try:
            repository.insert_block(clickhouse.get(), block)
        except Exception:
            clickhouse.reset()  # a fresh connection next time: ingest recovers by itself
            raise

    batcher = InsertBatcher(
        insert,
        flush_rows=settings.ingest_flush_rows,
        flush_ms=settings.ingest_flush_ms,
        max_pending_rows=settings.ingest_max_pending_rows,
        on_batch=_record_batch,
    )
    app.state.ingest = IngestState(
        settings=settings,
        clickhouse=clickhouse,
        keys=ApiKeyCache(resources.postgres, settings.api_key_cache_seconds),
        buckets=TokenBuckets(settings.ingest_rate_per_second, settings.ingest_rate_burst),
        batcher=batcher,
    )
    try:
        yield
    finally:
        await batcher.drain()  # requests still waiting get their answer before the process exits
