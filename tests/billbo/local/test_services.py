"""The Dagster instance BillBo's services share (DAGSTER_HOME under the data directory)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from billbo.local.services import dagster_home
from billbo.settings import Settings


def test_the_dagster_instance_runs_one_run_per_partition_at_a_time(tmp_path: Path) -> None:
    home = dagster_home(Settings(data_dir=tmp_path))
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # an older BillBo's file
    home = dagster_home(Settings(data_dir=tmp_path))  # is brought up to date
    limits = dg.DagsterInstance.from_config(str(home)).get_concurrency_config().run_queue_config
    assert limits is not None
    assert limits.tag_concurrency_limits == [
        {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
    ]
