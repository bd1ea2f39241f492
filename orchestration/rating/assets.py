"""The rating stage: the dbt models price each billing period's usage (``rated_usage``, Postgres).

Every dbt model is a Dagster asset and every dbt data test an asset check on it, so the Dagster UI
shows which check failed for which period. dbt ``unit_tests`` check the SQL, not the data: they
run in the test suite (``tests/dbt_project``), not on every rating run.
"""

import json
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from billbo.dbt import use_postgres
from orchestration.partitions import MONTHLY
from orchestration.rating.project import BillboTranslator, ensure_manifest
from orchestration.resources import PostgresResource

RATING_MODELS = "+rated_usage"


@dbt_assets(
    manifest=ensure_manifest(),
    select=RATING_MODELS,
    name="rating_models",
    partitions_def=MONTHLY,
    backfill_policy=dg.BackfillPolicy.multi_run(1),  # dbt rates one period (its `period` var) per run
    dagster_dbt_translator=BillboTranslator(),
)
def rating_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, postgres: PostgresResource) -> Iterator[Any]:
    """dbt build of ``rated_usage`` and everything it reads, with its tests, for one billing period."""
    period = context.partition_key[:7]  # "2026-03-01" -> "2026-03"
    use_postgres(postgres.url)
    args = ["build", "--vars", json.dumps({"period": period}), "--exclude", "test_type:unit"]
    yield from dbt.cli(args, context=context).stream()
