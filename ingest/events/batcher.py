"""Gather the rows of concurrent requests into few large ClickHouse inserts.

ClickHouse wants few large inserts (chDB spends about 10 ms on one whatever its size) while
merchants send many small requests. Each request hands its encoded rows to the batcher and waits;
the batcher inserts once it holds ``flush_rows`` rows or ``flush_ms`` after the first row arrived,
and answers every waiting request when (and only when) ClickHouse has stored its rows. If the
insert fails, every request in it fails: none of them is acknowledged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ingest.events.native import Fragment, block


class Overloaded(Exception):
    """More rows are waiting for ClickHouse than the batcher may hold."""


class InsertFailed(Exception):
    """ClickHouse did not store a batch."""


@dataclass
class BatchStats:
    rows: int
    seconds: float


@dataclass
class _Waiting:
    fragments: list[Fragment] = field(default_factory=list)
    futures: list[asyncio.Future[None]] = field(default_factory=list)
    rows: int = 0


class InsertBatcher:
    def __init__(
        self,
        insert: Callable[[bytes], None],
        *,
        flush_rows: int,
        flush_ms: float,
        max_pending_rows: int,
        concurrent_inserts: int = 2,
        on_batch: Callable[[BatchStats], None] | None = None,
    ) -> None:
        self._insert = insert
        self._flush_rows = flush_rows
        self._flush_seconds = flush_ms / 1000
        self._max_pending = max_pending_rows
        self._executor = ThreadPoolExecutor(concurrent_inserts, thread_name_prefix="insert")
        self._slots = asyncio.Semaphore(concurrent_inserts)
        self._waiting = _Waiting()
        self._timer: asyncio.TimerHandle | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._pending_rows = 0  # waiting plus being inserted
        self._on_batch = on_batch

    async def store(self, fragment: Fragment) -> None:
        """Return once ``fragment``'s rows are stored; raise InsertFailed or Overloaded if not."""
        if self._pending_rows + fragment.rows > self._max_pending:
            raise Overloaded
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        waiting = self._waiting
        waiting.fragments.append(fragment)
        waiting.futures.append(future)
        waiting.rows += fragment.rows
        self._pending_rows += fragment.rows
        if waiting.rows >= self._flush_rows:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self._flush_seconds, self._flush)
        await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._waiting = self._waiting, _Waiting()
        if batch.rows:
            task = asyncio.get_running_loop().create_task(self._run(batch))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _run(self, batch: _Waiting) -> None:
        async with self._slots:
            started = time.perf_counter()
            try:
                data = block(batch.fragments)
                await asyncio.get_running_loop().run_in_executor(self._executor, self._insert, data)
            except Exception as exc:  # noqa: BLE001 - every waiting request learns of it
                _settle(batch.futures, InsertFailed(str(exc)))
            else:
                _settle(batch.futures, None)
                if self._on_batch:
                    self._on_batch(BatchStats(batch.rows, time.perf_counter() - started))
            finally:
                self._pending_rows -= batch.rows

    async def drain(self) -> None:
        """Insert what is waiting and wait for every insert under way (at shutdown)."""
        self._flush()
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        self._executor.shutdown(wait=True)


def _settle(futures: Sequence[asyncio.Future[None]], error: Exception | None) -> None:
    for future in futures:
        if future.done():  # the request was cancelled (client went away)
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
