"""The Dagster instance BillBo's services share (DAGSTER_HOME under the data directory)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from billbo.local.services import CODE_LOCATION, dagster_home, dagster_services
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


def test_the_ui_and_the_daemon_share_one_code_server(tmp_path: Path) -> None:
    """The definitions load once, in the code server: the UI and the daemon reach it through the
    workspace file instead of starting (and, for the daemon, reloading) code servers of their own."""
    settings = Settings(data_dir=tmp_path, dagster_code_port=4123)
    code_server, ui, daemon = dagster_services(settings)
    assert code_server.port == 4123 and code_server.url == "grpc://127.0.0.1:4123"
    assert code_server.argv[1:5] == ["api", "grpc", "-m", "orchestration.definitions"]
    for service in (ui, daemon):
        assert "-m" not in service.argv
        workspace = Path(service.argv[service.argv.index("-w") + 1])
    assert workspace.parent == dagster_home(settings)
    assert workspace.read_text().splitlines() == [
        "load_from:",
        "  - grpc_server:",
        "      host: 127.0.0.1",
        "      port: 4123",
        f"      location_name: {CODE_LOCATION}",
    ]
    # The name a ``-m orchestration.definitions`` location had, so the sensors keep their cursors.
    assert CODE_LOCATION == "orchestration.definitions"
