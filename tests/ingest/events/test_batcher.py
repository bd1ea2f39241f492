"""The insert batcher: few large inserts, and an answer only once the rows are stored."""

from __future__ import annotations

import asyncio
import threading

import pytest

from billbo.events.native import Fragment
from ingest.events.batcher import InsertBatcher, InsertFailed, Overloaded


def fragment(rows: int) -> Fragment:
    return Fragment(rows=rows, columns=[b"x" * rows] * 7)


class Recorder:
    def __init__(self, fail: bool = False, delay: float = 0.0) -> None:
        self.blocks: list[bytes] = []
        self.fail = fail
        self.delay = delay
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, block: bytes) -> None:
        self.gate.wait(5)
        if self.fail:
            raise ConnectionError("clickhouse is down")
        self.blocks.append(block)


def test_concurrent_requests_share_one_insert() -> None:
    async def scenario() -> Recorder:
        recorder = Recorder()
        batcher = InsertBatcher(recorder, flush_rows=10_000, flush_ms=20, max_pending_rows=100_000)
        await asyncio.gather(*(batcher.store(fragment(10)) for _ in range(50)))
        await batcher.drain()
        return recorder

    recorder = asyncio.run(scenario())
    assert len(recorder.blocks) == 1


def test_a_full_batch_goes_at_once_without_waiting_for_the_timer() -> None:
    async def scenario() -> float:
        batcher = InsertBatcher(Recorder(), flush_rows=100, flush_ms=10_000, max_pending_rows=100_000)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(batcher.store(fragment(60)), batcher.store(fragment(60)))
        await batcher.drain()
        return loop.time() - started

    assert asyncio.run(scenario()) < 5


def test_a_failed_insert_fails_every_request_in_it() -> None:
    async def scenario() -> list[BaseException | None]:
        batcher = InsertBatcher(Recorder(fail=True), flush_rows=10_000, flush_ms=5, max_pending_rows=100_000)
        results = await asyncio.gather(*(batcher.store(fragment(5)) for _ in range(3)), return_exceptions=True)
        await batcher.drain()
        return list(results)

    results = asyncio.run(scenario())
    assert all(isinstance(r, InsertFailed) for r in results)


def test_requests_are_answered_only_after_the_insert_returns() -> None:
    recorder = Recorder()
    recorder.gate.clear()  # the insert blocks until the gate opens

    async def scenario() -> tuple[bool, bool]:
        batcher = InsertBatcher(recorder, flush_rows=10_000, flush_ms=1, max_pending_rows=100_000)
        task = asyncio.create_task(batcher.store(fragment(5)))
        await asyncio.sleep(0.2)
        done_before = task.done()
        recorder.gate.set()
        await task
        await batcher.drain()
        return done_before, task.done()

    assert asyncio.run(scenario()) == (False, True)


def test_too_much_waiting_is_refused() -> None:
    recorder = Recorder()
    recorder.gate.clear()

    async def scenario() -> None:
        batcher = InsertBatcher(recorder, flush_rows=10, flush_ms=1, max_pending_rows=25)
        first = asyncio.create_task(batcher.store(fragment(20)))
        await asyncio.sleep(0.05)
        with pytest.raises(Overloaded):
            await batcher.store(fragment(10))
        recorder.gate.set()
        await first
        await batcher.drain()

    asyncio.run(scenario())
