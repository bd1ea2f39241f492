"""Gather the rows of concurrent requests into few large ClickHouse inserts (group commit).

ClickHouse wants few large inserts (chDB spends about 10 ms on one whatever its size) while
merchants send many small requests. Each request hands its encoded rows to the batcher and waits.
One flusher task takes *everything* waiting whenever an insert slot is free and either
``flush_rows`` rows are waiting or ``flush_ms`` has passed since rows arrived. While the slots are
busy, rows keep gathering, so batches grow with the load by themselves: a lone request is
inserted within ``flush_ms``, a flood in large inserts. Every waiting request is answered when
(and only when) ClickHouse has stored its rows; if the insert fails, every request in it fails and
none of them is acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from billbo.events.native import Fragment, block


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
        self._concurrency = concurrent_inserts
        self._executor = ThreadPoolExecutor(concurrent_inserts, thread_name_prefix="insert")
        self._waiting = _Waiting()
        self._pending_rows = 0  # waiting plus being inserted
        self._on_batch = on_batch
        self._arrived: asyncio.Event | None = None
        self._full: asyncio.Event | None = None
        self._slots: asyncio.Semaphore | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()

    def _start(self) -> None:
        self._arrived, self._full = asyncio.Event(), asyncio.Event()
        self._slots = asyncio.Semaphore(self._concurrency)
        self._flusher = asyncio.get_running_loop().create_task(self._flush_forever())

    async def store(self, fragment: Fragment) -> None:
        """Return once ``fragment``'s rows are stored; raise InsertFailed or Overloaded if not."""
        if self._flusher is None:
            self._start()
        assert self._arrived is not None and self._full is not None
        if self._pending_rows + fragment.rows > self._max_pending:
            raise Overloaded
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiting = self._waiting
        waiting.fragments.append(fragment)
        waiting.futures.append(future)
        waiting.rows += fragment.rows
        self._pending_rows += fragment.rows
        self._arrived.set()
        if waiting.rows >= self._flush_rows:
            self._full.set()
        await future

    async def _flush_forever(self) -> None:
        assert self._arrived is not None and self._full is not None and self._slots is not None
        while True:
            await self._arrived.wait()
            if not self._full.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), self._flush_seconds)
            await self._slots.acquire()  # while every slot is busy, rows keep gathering
            batch, self._waiting = self._waiting, _Waiting()
            self._arrived.clear()
            self._full.clear()
            task = asyncio.get_running_loop().create_task(self._run(batch))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _run(self, batch: _Waiting) -> None:
        assert self._slots is not None
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
            self._slots.release()

    async def drain(self) -> None:
        """Insert what is waiting and wait for every insert under way (at shutdown)."""
        if self._flusher is not None and self._full is not None:
            while self._waiting.rows:
                self._full.set()
                await asyncio.sleep(0.001)
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
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
