from __future__ import annotations

import dagster as dg

from billbo.migrations.runner import Databases
from orchestration.definitions import build_definitions, defs


def test_the_stages_form_one_lineage_from_clickhouse_to_finalised_invoices() -> None:
    graph = defs.get_repository_def().asset_graph
    materializable = {key.to_user_string() for key in graph.materializable_asset_keys}
    assert {"daily_usage", "rated_usage", "invoice_drafts", "finalized_invoices"} <= materializable
    # Usage flows into dbt through the staging view of its source, and rated usage into invoices.
    assert dg.AssetKey("daily_usage") in graph.get(dg.AssetKey("stg_billbo__usage_daily")).parent_keys
    assert dg.AssetKey("rated_usage") in graph.get(dg.AssetKey("invoice_drafts")).parent_keys
    assert dg.AssetKey("invoice_drafts") in graph.get(dg.AssetKey("finalized_invoices")).parent_keys
    assert dg.AssetKey("finalized_invoices") in graph.get(dg.AssetKey("stripe_invoices")).parent_keys
    # The views are virtual: the same for every period, never rebuilt by a rating run.
    assert graph.get(dg.AssetKey("int_usage_priced")).is_virtual
    assert not graph.get(dg.AssetKey("rated_usage")).is_virtual


def test_dbt_tests_and_reconciliations_are_asset_checks() -> None:
    graph = defs.get_repository_def().asset_graph
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert {
        ("daily_usage", "reconciles_with_clickhouse"),
        ("rated_usage", "rated_usage_reconciles_with_usage"),
        ("rated_usage", "rated_usage_breakdown_adds_up"),
        ("rated_usage", "price_tiers_are_contiguous"),
        ("rated_usage", "relationships_rated_usage_price_version_id__id__source_billbo_price_versions_"),
        ("invoice_drafts", "invoice_lines_sum_to_subtotals"),
        ("invoice_drafts", "invoice_lines_reconcile_with_rated_usage"),
        ("stripe_invoices", "stripe_invoices_reconcile_with_billbo"),
    } <= checks


def test_schedules_sensors_and_automation() -> None:
    repository = defs.get_repository_def()
    assert sorted(s.name for s in repository.schedule_defs) == [
        "finalization",
        "hourly_rating",
        "hourly_usage",
        "stripe_export",
    ]
    # The automation sensor is ours, on from the first `billbo up` (Dagster's own default one, made
    # for assets with automation conditions that no sensor targets, would start stopped).
    assert sorted(s.name for s in repository.sensor_defs) == ["billing_automation", "late_events"]
    automation = repository.get_sensor_def("billing_automation")
    assert automation.default_status == dg.DefaultSensorStatus.RUNNING
    assert automation.minimum_interval_seconds == 30
    for job in ("usage_job", "rating_job", "finalization_job", "stripe_export_job"):
        assert repository.get_job(job) is not None
    graph = repository.asset_graph
    for name in ("rated_usage", "invoice_drafts", "stripe_invoices"):  # flows on without anyone asking
        assert graph.get(dg.AssetKey(name)).automation_condition is not None
    assert graph.get(dg.AssetKey("stg_billbo__skus")).automation_condition is None
    # A month's drafts read the rated usage of the months before (late usage of a finalised month
    # is billed on the next open draft), so re-rating a month refreshes the later months' drafts.
    mapping = graph.get_partition_mapping(dg.AssetKey("invoice_drafts"), dg.AssetKey("rated_usage"))
    assert isinstance(mapping, dg.TimeWindowPartitionMapping)
    assert (mapping.start_offset, mapping.end_offset) == (-12, 0)


def test_resources_follow_the_databases(databases: Databases) -> None:
    built = build_definitions(databases)
    assert built.resources is not None
    assert built.resources["postgres"].url == databases.postgres_url
    assert built.resources["dbt"].project_dir.endswith("dbt_project")
