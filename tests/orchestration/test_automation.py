"""What the Dagster daemon re-runs by itself, evaluated in-process: a reloaded day of usage, of any
month, re-rates that month and refreshes its drafts and the later months' (which bill its late
usage), once; nothing re-runs after an input failed a blocking check."""

from __future__ import annotations

import datetime as dt

import dagster as dg
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData

from orchestration.definitions import defs

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
RATED, DRAFTS = dg.AssetKey("rated_usage"), dg.AssetKey("invoice_drafts")
OCTOBER, NOVEMBER = "2026-10-01", "2026-11-01"


def _requested(result: dg.EvaluateAutomationConditionsResult) -> dict[str, list[str]]:
    return {
        key.to_user_string(): sorted(str(part) for part in parts)
        for key in (RATED, DRAFTS)
        if (parts := result.get_requested_partitions(key))
    }


class Daemon:
    """Successive ticks of the automation over one instance."""

    def __init__(self) -> None:
        self.instance = dg.DagsterInstance.ephemeral()
        self.cursor: dg.AssetDaemonCursor | None = None

    def tick(self) -> dict[str, list[str]]:
        result = dg.evaluate_automation_conditions(
            defs=defs, instance=self.instance, cursor=self.cursor, evaluation_time=NOW
        )
        self.cursor = result.cursor
        return _requested(result)

    def materialized(self, key: dg.AssetKey | str, partition: str) -> None:
        self.instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition=partition))

    def rated_in_a_run(self, run_id: str, partition: str, *, passed: bool) -> None:
        """rated_usage materialised by a run of its own, with one of its blocking dbt tests."""
        check = dg.AssetCheckEvaluation(
            asset_key=RATED, check_name="rated_usage_reconciles_with_usage", passed=passed, partition=partition
        )
        for event_type, data in (
            (
                DagsterEventType.ASSET_MATERIALIZATION,
                StepMaterializationData(dg.AssetMaterialization(RATED, partition=partition)),
            ),
            (DagsterEventType.ASSET_CHECK_EVALUATION, check),
        ):
            event = DagsterEvent(event_type_value=event_type.value, event_specific_data=data, job_name="rating_job")
            self.instance.report_dagster_event(event, run_id=run_id)


def test_a_reloaded_day_of_a_past_month_re_rates_it_and_refreshes_the_drafts_that_bill_it() -> None:
    daemon = Daemon()
    assert daemon.tick() == {}  # nothing changed: nothing to do
    # The late-events sensor reloaded October 15th, in November. October is rated again, and its
    # drafts refreshed; so are November's, where late usage of a finalised October is billed. (Two
    # months of drafts: the daemon makes it a backfill, which refreshes November after the rating.)
    daemon.materialized("daily_usage", "2026-10-15")
    assert daemon.tick() == {"rated_usage": [OCTOBER], "invoice_drafts": [OCTOBER, NOVEMBER]}
    for key, partition in ((RATED, OCTOBER), (DRAFTS, OCTOBER), (DRAFTS, NOVEMBER)):  # that work was done
        daemon.materialized(key, partition)
    assert daemon.tick() == {}  # and it is not asked for again


def test_a_reloaded_day_of_this_month_re_rates_this_month_only() -> None:
    daemon = Daemon()
    daemon.tick()
    daemon.materialized("daily_usage", "2026-11-20")
    assert daemon.tick() == {"rated_usage": [NOVEMBER], "invoice_drafts": [NOVEMBER]}  # one run


def test_drafts_wait_while_the_rating_they_read_failed_a_blocking_check() -> None:
    daemon = Daemon()
    daemon.tick()
    daemon.rated_in_a_run("run-1", OCTOBER, passed=False)  # a run of the rating alone, whose dbt test failed
    assert daemon.tick() == {}
    daemon.rated_in_a_run("run-2", OCTOBER, passed=True)  # rated again (fixed), and the test passes
    assert daemon.tick() == {"invoice_drafts": [OCTOBER, NOVEMBER]}
