"""The dbt project as Dagster sees it: its manifest, and how dbt nodes map onto Dagster assets.

The manifest is built by ``dbt parse`` when it is missing or older than any file of the project,
so a fresh clone, ``billbo up`` and the tests all load the project without a separate build step.
"""

from __future__ import annotations

import fcntl
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from billbo.dbt import PROJECT_DIR, run_dbt
from orchestration.automation import RERUN_WHEN_INPUTS_CHANGE

PERIOD_ENV = "BILLBO_RATING_PERIOD"  # read by macros/rating_period.sql
SOURCE_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests", "seeds")

# dbt sources written by BillBo's own Dagster assets keep those assets' keys, so the asset graph
# runs from ClickHouse to invoices without gaps. The other sources are written by the dashboard API.
SOURCE_ASSETS = {
    "usage_daily": dg.AssetKey("daily_usage"),
    "invoices": dg.AssetKey("invoice_drafts"),  # (its lines, the invoice_lines source, come with it)
}


def newest_source_change(project_dir: Path) -> float:
    newest = 0.0
    for name in SOURCE_FILES:
        path = project_dir / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


def ensure_manifest(project_dir: Path = PROJECT_DIR) -> Path:
    """``dbt parse`` the project unless its manifest is newer than every file it is parsed from.

    Parsing needs no database. A file lock keeps the Dagster webserver and daemon, which load the
    definitions at the same time, from parsing over each other."""
    manifest = project_dir / "target" / "manifest.json"
    manifest.parent.mkdir(exist_ok=True)
    with (project_dir / "target" / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stale = not manifest.exists() or manifest.stat().st_mtime < newest_source_change(project_dir)
        if stale and not run_dbt(["parse"], None, project_dir):
            raise RuntimeError(f"dbt parse of {project_dir} failed")
    return manifest


class BillboTranslator(DagsterDbtTranslator):
    """Models keep their dbt names as keys. The views (staging, intermediate) are virtual assets:
    the same for every billing period, deployed by ``billbo migrate`` and never rebuilt by a run,
    so runs of different periods cannot trip over each other's view replacement."""

    def __init__(self) -> None:
        super().__init__(
            DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_dbt_views_as_virtual_assets=True)
        )

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            name = dbt_resource_props["name"]
            return SOURCE_ASSETS.get(name, dg.AssetKey(["billbo", name]))
        return dg.AssetKey(dbt_resource_props["name"])  # model names are unique; the schema is always rating

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> dg.AssetSpec:
        """A table model also depends, in Dagster, on the sources it reads through views: Dagster
        does not see an update travel through a view that is never materialised, so without this
        edge a reloaded day of usage would not re-rate its month."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id)
        if node is None or node["resource_type"] != "model" or _is_view(node):
            return spec
        known = {dep.asset_key for dep in spec.deps}
        extra = [key for key in self._sources_through_views(manifest, node) if key not in known]
        return spec.merge_attributes(deps=extra) if extra else spec

    def _sources_through_views(self, manifest: Mapping[str, Any], node: Mapping[str, Any]) -> list[dg.AssetKey]:
        keys: list[dg.AssetKey] = []
        for parent_id in node["depends_on"]["nodes"]:
            parent = manifest["nodes"].get(parent_id)
            if parent is not None and parent["resource_type"] == "model" and _is_view(parent):
                for key in self._sources_through_views(manifest, parent):
                    if key not in keys:
                        keys.append(key)
            elif parent_id in manifest["sources"]:
                keys.append(self.get_asset_key(manifest["sources"][parent_id]))
        return keys

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "rating"

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:  # type: ignore[type-arg]
        if _is_view(dbt_resource_props):
            return None
        # When a day of usage is reloaded (late events), its month is re-rated by the daemon.
        return RERUN_WHEN_INPUTS_CHANGE


def _is_view(dbt_resource_props: Mapping[str, Any]) -> bool:
    return bool(dbt_resource_props.get("config", {}).get("materialized") == "view")
