"""The rating stage: dbt prices each billing period's usage (rated_usage, in Postgres)."""

import dagster as dg

from billbo.dbt import run_dbt
from orchestration.resources import PostgresResource
from orchestration.usage.assets import daily_usage

MONTHLY = dg.MonthlyPartitionsDefinition(start_date="2026-01-01", timezone="UTC", end_offset=1)  # this month too


@dg.asset(
    partitions_def=MONTHLY,
    group_name="rating",
    deps=[daily_usage],
    # When a day of usage is reloaded (late events), its month is re-rated by the daemon.
    automation_condition=dg.AutomationCondition.eager(),
    description="dbt build of rated_usage and everything it reads, with its tests, for one billing period.",
)
def rated_usage(context: dg.AssetExecutionContext, postgres: PostgresResource) -> dg.MaterializeResult:  # type: ignore[type-arg]
    period = context.partition_key[:7]  # "2026-03-01" -> "2026-03"
    if not run_dbt(["build", "--select", "+rated_usage", "--vars", f"{{period: '{period}'}}"], postgres.url):
        raise dg.Failure(f"dbt build of rated_usage for {period} failed (see the run's logs)")
    with postgres.connect() as conn:
        row = conn.execute(
            "select count(*), coalesce(sum(amount_minor), 0) from rating.rated_usage "
            "where period_start = to_date(%s, 'YYYY-MM')",
            [period],
        ).fetchone()
    assert row is not None
    return dg.MaterializeResult(metadata={"period": period, "lines": int(row[0]), "amount_minor": int(row[1])})
