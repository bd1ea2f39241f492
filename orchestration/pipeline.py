"""One billing period through every stage, in-process: what ``billbo rate`` and the benchmark run.

The same asset definitions the Dagster daemon schedules, materialised one stage after another
with ``dagster.materialize`` against a given instance (``billbo rate`` uses the instance of
``billbo up``, so its runs show in the Dagster UI).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.invoicing.assets import finalized_invoices, invoice_drafts
from orchestration.rating.assets import RATED_USAGE, rating_models
from orchestration.usage.assets import daily_usage

DRAFTS = dg.AssetKey("invoice_drafts")
# The runs' events go to the Dagster instance (the UI shows them); the terminal only gets warnings.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Mapping[str, object], dg.DagsterInstance], dg.ExecuteInProcessResult]


def next_period(period_start: dt.date) -> dt.date:
    return (period_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def load_days(first: dt.date, last: dt.date) -> Stage:
    """Usage of the days first..last (inclusive), in one run (the asset's single-run backfill)."""
    tags = {ASSET_PARTITION_RANGE_START_TAG: first.isoformat(), ASSET_PARTITION_RANGE_END_TAG: last.isoformat()}
    return Stage(
        "usage",
        lambda resources, instance: dg.materialize(
            [daily_usage], resources=resources, instance=instance, tags=tags, run_config=QUIET
        ),
    )


def _monthly(
    name: str, assets: list[dg.AssetsDefinition], period_start: dt.date, selection: list[dg.AssetKey] | None = None
) -> Stage:
    return Stage(
        name,
        lambda resources, instance: dg.materialize(
            assets,
            resources=resources,
            instance=instance,
            partition_key=period_start.isoformat(),
            selection=selection,
            run_config=QUIET,
        ),
    )


def rating_stages(period_start: dt.date, *, load: tuple[dt.date, dt.date] | None = None) -> list[Stage]:
    """Load usage (the whole period unless told which days), rate it with dbt, refresh the drafts."""
    first, last = load or (period_start, next_period(period_start) - dt.timedelta(days=1))
    return [
        load_days(first, last),
        # One run, as the daemon launches it when usage changed: rating, then the drafts.
        _monthly("rating and drafts", [rating_models, invoice_drafts], period_start, [RATED_USAGE, DRAFTS]),
    ]


def finalization_stage(period_start: dt.date) -> Stage:
    return _monthly("finalization", [finalized_invoices], period_start)


@dataclass(frozen=True)
class StageRun:
    name: str
    seconds: float
    result: dg.ExecuteInProcessResult

    def step_seconds(self) -> dict[str, float]:
        """How long each step (asset computation) of the run took, by Dagster's own account."""
        return {
            event.step_key: event.event_specific_data.duration_ms / 1000  # type: ignore[union-attr]
            for event in self.result.all_events
            if event.event_type == dg.DagsterEventType.STEP_SUCCESS and event.step_key
        }


def run(stages: list[Stage], resources: Mapping[str, object], instance: dg.DagsterInstance) -> Iterator[StageRun]:
    """Run the stages in order; yields each one once it succeeded (a failed stage raises)."""
    for stage in stages:
        started = time.perf_counter()
        result = stage.run(resources, instance)
        if not result.success:
            raise RuntimeError(f"the {stage.name} stage failed")
        yield StageRun(stage.name, time.perf_counter() - started, result)
