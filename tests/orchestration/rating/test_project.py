"""BillBo's dbt resource overrides two of dagster-dbt's private hooks (orchestration/rating/project.py):
an upgrade of dagster-dbt that renames them must fail here, not quietly make every run slower."""

from __future__ import annotations

import inspect

from dagster_dbt import DbtCliResource

from orchestration.rating.project import BillboDbtCliResource, dbt_resource


def test_the_overridden_hooks_still_exist_in_dagster_dbt() -> None:
    assert isinstance(inspect.getattr_static(DbtCliResource, "_cli_version"), type(BillboDbtCliResource._cli_version))
    assert callable(DbtCliResource._initialize_dbt_core_adapter)
    assert "adapter = self._initialize_dbt_core_adapter(" in inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in inspect.getsource(DbtCliResource.cli)


def test_the_resource_knows_the_dbt_version_without_starting_dbt() -> None:
    resource = dbt_resource()
    assert resource._cli_version.major == 1
    assert resource._initialize_dbt_core_adapter([]) is None
