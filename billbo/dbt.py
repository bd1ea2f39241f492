"""Run the dbt project (dbt-postgres) against the Postgres BillBo uses."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from billbo.settings import REPO_ROOT

PROJECT_DIR = REPO_ROOT / "dbt_project"


def dbt_env(postgres_url: str) -> dict[str, str]:
    """The BILLBO_DBT_* variables profiles.yml reads, from a Postgres URL."""
    parts = urlsplit(postgres_url)
    return {
        "BILLBO_DBT_HOST": parts.hostname or "127.0.0.1",
        "BILLBO_DBT_PORT": str(parts.port or 5432),
        "BILLBO_DBT_USER": unquote(parts.username or ""),
        "BILLBO_DBT_PASSWORD": unquote(parts.password or ""),
        "BILLBO_DBT_DBNAME": parts.path.lstrip("/") or "postgres",
    }


def use_postgres(postgres_url: str) -> None:
    """Point dbt (this process and the dbt processes it starts) at a Postgres database."""
    os.environ.update(dbt_env(postgres_url))


def run_dbt(args: Sequence[str], postgres_url: str | None, project_dir: Path = PROJECT_DIR) -> bool:
    """Run one dbt command in-process; True when it succeeded. Commands that need no database
    (``parse``) may pass no URL."""
    from dbt.cli.main import dbtRunner  # noqa: PLC0415 - heavy: loaded only when dbt runs

    if postgres_url is not None:
        use_postgres(postgres_url)
    result = dbtRunner().invoke(
        [*args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir), "--quiet"]
    )
    return bool(result.success)


def deploy_views(postgres_url: str) -> bool:
    """Create or replace the dbt project's views (staging, intermediate). They do not change from
    one billing period to the next, so they are deployed with the migrations, not by rating runs."""
    return run_dbt(["run", "--select", "config.materialized:view"], postgres_url)


def rate_period(period: str, postgres_url: str) -> bool:
    """dbt build of rated_usage and its data tests for one period ('YYYY-MM'), in-process: what the
    Dagster rating stage runs, for tests and for analysts at a Python prompt."""
    return run_dbt(
        ["build", "--select", "rated_usage", "--exclude", "test_type:unit", "--vars", f"{{period: '{period}'}}"],
        postgres_url,
    )
