"""Late usage reaches the next draft with nobody running a command: the real Dagster daemon of
``billbo up`` (its command, environment and instance settings) against a Postgres and a
ClickHouse database of this test's own, on the session's embedded servers.

Last month is rated and finalised in-process (as ``billbo rate`` and ``billbo invoices close``
do, recorded in the daemon's instance), late events arrive for it, and the daemon is left alone:
its late_events sensor reloads their day, the automation re-rates the month, then refreshes this
month's draft, which bills the difference as an adjustment line. The finalised invoice stays as
it was."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
import pytest
from dagster._core.execution.backfill import BulkActionStatus
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES
from psycopg import sql
from pydantic import SecretStr

from billbo.clickhouse.client import create_client
from billbo.local import processes
from billbo.local.services import dagster_home, dagster_services, service_env
from billbo.migrations import runner
from billbo.migrations.runner import Databases
from billbo.settings import REPO_ROOT, Settings
from orchestration import pipeline
from orchestration.definitions import resources
from tests.conftest import free_port
from tests.orchestration.usage.test_daily_usage import _store

# About 3 minutes on two busy cores; the test's own deadline (240 s of waiting) reports first.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]
SKU = uuid.UUID(int=9)  # the SKU _store gives events
# Graduated: the first 100 calls at 1.00 EUR each, every further call at 0.50 EUR.
TIERS = [(Decimal(100), Decimal("1.00")), (None, Decimal("0.50"))]


def graduated_cents(quantity: Decimal) -> int:
    """``TIERS`` applied to a month's quantity, worked out here (not by BillBo), rounded once."""
    amount, below = Decimal(0), Decimal(0)
    for up_to, unit_price in TIERS:
        top = quantity if up_to is None else min(quantity, up_to)
        amount += max(top - below, Decimal(0)) * unit_price
        below = top
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.fixture
def own_databases(databases: Databases, server_settings: Settings) -> Iterator[Databases]:
    """A migrated Postgres database and ClickHouse database for this test alone: the daemon's
    late_events sensor starts with no cursor and reloads every day it finds events for, so it must
    find this test's events only."""
    name = f"late_usage_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    own = Databases(
        postgres_url=f"{databases.postgres_url.rsplit('/', 1)[0]}/{name}",
        clickhouse_url=f"{databases.clickhouse_url.rsplit('/', 1)[0]}/{name}",
    )
    try:
        runner.migrate(server_settings, own)
        yield own
    finally:
        with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        client = create_client(databases.clickhouse_url)
        try:
            client.command(f"DROP DATABASE IF EXISTS {name}")
        finally:
            client.close()


@pytest.fixture
def stack(tmp_path: Path, server_settings: Settings, own_databases: Databases) -> Settings:
    """The settings ``billbo up`` would have for these databases (its Dagster home is in tmp_path)."""
    return server_settings.model_copy(
        update={
            "data_dir": tmp_path,
            "dagster_code_port": free_port(),
            "postgres_url": SecretStr(own_databases.postgres_url),
            "clickhouse_url": SecretStr(own_databases.clickhouse_url),
        }
    )


@contextlib.contextmanager
def dagster_daemon(settings: Settings, databases: Databases) -> Iterator[Callable[[], None]]:
    """The code server and ``dagster-daemon run`` as ``billbo up`` starts them (same commands,
    environment, workspace and dagster.yaml), each in a process group of its own, which is stopped
    on the way out whatever happened. Yields a function that fails, with the logs, if one died."""
    code_server, _ui, scheduler = dagster_services(settings)
    env = service_env(settings, databases)
    logs = {name: settings.data_path / f"dagster-{name}.log" for name in ("code-server", "daemon")}
    started: dict[str, subprocess.Popen[bytes]] = {}

    def tails() -> str:
        return "\n".join(f"the {name}'s log ends with:\n{_tail(log)}" for name, log in logs.items())

    def alive() -> None:
        for name, process in started.items():
            assert process.poll() is None, f"the {name} exited with {process.returncode}:\n{tails()}"

    try:
        code = started["code-server"] = processes.spawn(
            code_server.argv, log_path=logs["code-server"], env=env, cwd=REPO_ROOT
        )
        processes.wait_until(code_server.healthy, name="code-server", process=code, timeout=120)
        started["daemon"] = processes.spawn(scheduler.argv, log_path=logs["daemon"], env=env, cwd=REPO_ROOT)
        yield alive
    except BaseException as failure:
        failure.add_note(tails())
        raise
    finally:
        for process in reversed(started.values()):
            _stop_group(process)


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to a process group (the daemon; the code server, its runs and their dbt), and
    SIGKILL to whatever is left of it after 30 s; returns once nothing of the group is left."""
    group = process.pid  # processes.spawn starts a new session: its group id is the process's pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while _group_alive(group) and time.monotonic() < deadline:
        process.poll()  # reaps the daemon once it exited
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while _group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_alive(group), "processes of the group are still running"


def _group_alive(group: int) -> bool:
    """Whether any process of the group still runs (a zombie waiting to be reaped does not)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, _ppid, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            except (OSError, ValueError):
                continue
            if int(pgrp) == group and state != "Z":
                return True
    return False


def _idle(instance: dg.DagsterInstance) -> bool:
    """No run queued or running."""
    return not instance.get_runs(dg.RunsFilter(statuses=list(NOT_FINISHED_STATUSES)), limit=1)


def _seed(conn: Any) -> tuple[uuid.UUID, uuid.UUID]:
    """A merchant (no grace period: last month is due whatever the hour), a customer, and a SKU
    priced with ``TIERS``."""
    merchant = conn.execute(
        "insert into merchants (name, invoice_grace_period) values ('Late usage', interval '0') returning id"
    ).fetchone()[0]
    customer = uuid.uuid4()
    conn.execute(
        "insert into customers (merchant_id, id, name, currency) values (%s, %s, 'Acme', 'EUR')", [merchant, customer]
    )
    conn.execute(
        "insert into skus (merchant_id, id, name, unit, currency) values (%s, %s, 'API calls', 'call', 'EUR')",
        [merchant, SKU],
    )
    version = conn.execute(
        "insert into price_versions (merchant_id, sku_id, version, model, effective_from) "
        "values (%s, %s, 1, 'graduated', '2026-01-01') returning id",
        [merchant, SKU],
    ).fetchone()[0]
    for position, (up_to, unit_price) in enumerate(TIERS):
        conn.execute(
            "insert into price_tiers (price_version_id, position, up_to, unit_price) values (%s, %s, %s, %s)",
            [version, position, up_to, unit_price],
        )
    return merchant, customer


INVOICES = """
select i.period_start, i.status, i.number, i.subtotal_minor, l.usage_period_start, l.quantity, l.amount_minor
from invoices i join invoice_lines l on l.invoice_id = i.id
where i.merchant_id = %s order by i.period_start, l.usage_period_start
"""


def test_late_usage_of_a_finalised_month_reaches_the_next_draft_by_itself(
    stack: Settings, own_databases: Databases
) -> None:
    this_month = dt.datetime.now(dt.UTC).date().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    with psycopg.connect(own_databases.postgres_url, autocommit=True) as conn:
        merchant, customer = _seed(conn)

    def invoices() -> list[tuple[Any, ...]]:
        with psycopg.connect(own_databases.postgres_url) as conn:
            return conn.execute(INVOICES, [merchant]).fetchall()

    ch = create_client(own_databases.clickhouse_url)
    try:
        # 80 calls last month, rated and finalised: 80.00 EUR.
        _store(
            ch,
            merchant,
            [
                (f"call-{n}", customer, "20", dt.datetime.combine(last_month.replace(day=10), dt.time(9), dt.UTC))
                for n in range(4)
            ],
        )
        billed = graduated_cents(Decimal(80))
        with dg.DagsterInstance.from_config(str(dagster_home(stack))) as instance:  # the daemon's instance
            stages = [*pipeline.rating_stages(last_month), pipeline.finalization_stage(last_month)]
            for _ in pipeline.run(stages, resources(own_databases), instance):
                pass
        finalised = invoices()
        assert finalised == [(last_month, "finalized", 1, billed, last_month, Decimal(80), billed)]

        # 30 late calls for that day of last month (within the backdating window), sent hours later.
        _store(
            ch,
            merchant,
            [
                (f"late-{n}", customer, "10", dt.datetime.combine(last_month.replace(day=10), dt.time(15), dt.UTC))
                for n in range(3)
            ],
        )
    finally:
        ch.close()

    # Last month rated again (110 calls), less what its invoice billed, on this month's draft.
    adjustment = graduated_cents(Decimal(110)) - billed
    assert (billed, adjustment) == (8000, 2500)
    expected = [(this_month, "draft", None, adjustment, last_month, Decimal(30), adjustment)]
    started = time.monotonic()
    with (
        dagster_daemon(stack, own_databases) as alive,
        dg.DagsterInstance.from_config(str(dagster_home(stack))) as instance,
    ):
        deadline = started + 240
        while not (invoices()[len(finalised) :] == expected and _idle(instance)):
            alive()
            assert time.monotonic() < deadline, f"no adjustment after 240 s: {invoices()}"
            time.sleep(2)
        waited = time.monotonic() - started
        runs = instance.get_runs()
        assert {run.status for run in runs} == {dg.DagsterRunStatus.SUCCESS}, [(r.run_id, r.status) for r in runs]
        assert not {b.status for b in instance.get_backfills()} & {
            BulkActionStatus.FAILED,
            BulkActionStatus.FAILING,
            BulkActionStatus.COMPLETED_FAILED,
        }
    assert invoices()[: len(finalised)] == finalised  # the finalised invoice is untouched
    print(f"the adjustment was on the next draft {waited:.0f} s after the daemon started")
