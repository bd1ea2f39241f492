"""The rating stage: the dbt models price each billing period's usage (``rated_usage``, Postgres).

Every dbt model is a Dagster asset and every dbt data test an asset check on it, so the Dagster UI
shows which check failed for which period. dbt ``unit_tests`` check the SQL, not the data: they
run in the test suite (``tests/dbt_project``), not on every rating run.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import dbt_assets

from billbo.dbt import use_postgres
from orchestration.partitions import MONTHLY
from orchestration.rating.project import PERIOD_ENV, BillboTranslator, ensure_manifest
from orchestration.rating.runner import InProcessDbtResource
from orchestration.resources import PostgresResource

RATING_MODELS = "+rated_usage"  # the mart and the views it reads (virtual assets: see BillboTranslator)
RATED_USAGE = dg.AssetKey("rated_usage")
MANIFEST = ensure_manifest()  # parsed (if stale) once, when Dagster loads the definitions


@dbt_assets(
    manifest=MANIFEST,
    select=RATING_MODELS,
    name="rating_models",
    partitions_def=MONTHLY,
    backfill_policy=dg.BackfillPolicy.multi_run(1),  # dbt rates one period (its `period` var) per run
    dagster_dbt_translator=BillboTranslator(),
)
def rating_models(
    context: dg.AssetExecutionContext, dbt: InProcessDbtResource, postgres: PostgresResource
) -> Iterator[Any]:
    """dbt build of ``rated_usage`` with its tests for one billing period (the selected models: runs
    select the mart; the views are deployed by ``billbo migrate``)."""
    use_postgres(postgres.url)
    period = context.partition_key[:7]  # "2026-03-01" -> "2026-03", read by macros/rating_period.sql
    yield from dbt.build(["build", "--exclude", "test_type:unit"], context=context, env={PERIOD_ENV: period})


@dbt_assets(
    manifest=MANIFEST,
    select="invoice_lines",
    name="invoice_models",  # a view over every period's invoices: not partitioned
    dagster_dbt_translator=BillboTranslator(),
)
def invoice_models(
    context: dg.AssetExecutionContext, dbt: InProcessDbtResource, postgres: PostgresResource
) -> Iterator[Any]:
    """The ``invoice_lines`` mart: a view over the invoicing stage's tables (deployed by ``billbo
    migrate``), with its dbt tests (lines sum to invoice totals, every line has a price version)."""
    use_postgres(postgres.url)
    yield from dbt.build(["build"], context=context)
