"""What the Dagster daemon re-runs by itself, evaluated in-process: a reloaded day of usage, of any
month, re-rates that month and refreshes its drafts, once."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from orchestration.definitions import defs

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
RATED, DRAFTS = dg.AssetKey("rated_usage"), dg.AssetKey("invoice_drafts")


def _requested(result: dg.EvaluateAutomationConditionsResult) -> dict[str, list[str]]:
    return {key.to_user_string(): sorted(str(part) for part in parts) for key in (RATED, DRAFTS)
            if (parts := result.get_requested_partitions(key))}  # fmt: skip


def test_a_reloaded_day_of_a_past_month_re_rates_that_month_and_its_drafts() -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, evaluation_time=NOW)
    assert _requested(result) == {}  # nothing changed: nothing to do
    # The late-events sensor reloaded October 15th, in November.
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key="daily_usage", partition="2026-10-15"))
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=result.cursor, evaluation_time=NOW)
    assert _requested(result) == {"rated_usage": ["2026-10-01"], "invoice_drafts": ["2026-10-01"]}  # one run
    for key in (RATED, DRAFTS):  # that run did its work
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition="2026-10-01"))
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=result.cursor, evaluation_time=NOW)
    assert _requested(result) == {}  # and it is not asked for again
