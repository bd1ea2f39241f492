from __future__ import annotations

import dagster as dg

from billbo.migrations.runner import Databases
from orchestration.definitions import build_definitions, defs


def test_definitions_load() -> None:
    repository = defs.get_repository_def()
    assert {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()} == {
        "daily_usage", "rated_usage", "invoice_drafts",
    }  # fmt: skip
    assert sorted(s.name for s in repository.schedule_defs) == ["finalization", "hourly_rating", "hourly_usage"]
    # The automation sensor is Dagster's own, made because rated_usage and invoice_drafts are eager.
    assert sorted(s.name for s in repository.sensor_defs) == ["default_automation_condition_sensor", "late_events"]
    assert repository.get_job("usage_job") is not None
    graph = repository.asset_graph
    for name in ("rated_usage", "invoice_drafts"):  # late usage flows on without anyone asking
        assert graph.get(dg.AssetKey(name)).automation_condition is not None


def test_resources_follow_the_databases(databases: Databases) -> None:
    built = build_definitions(databases)
    assert built.resources is not None
    assert built.resources["postgres"].url == databases.postgres_url
