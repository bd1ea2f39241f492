"""The BillBo services that ``billbo up`` runs beside the databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from billbo.local import processes
from billbo.migrations.runner import Databases
from billbo.settings import Settings, settings_env

BIN = Path(sys.executable).parent


@dataclass
class Service:
    name: str
    argv: Sequence[str]
    host: str
    port: int | None
    health_path: str | None = "/healthz"  # None: up once the process has lived a few seconds
    note: str = ""
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}" if self.port else "(no port)"

    def start(self, env: dict[str, str], log_dir: Path, timeout: float = 90.0) -> None:
        if self.port is not None and not processes.port_is_free(self.host, self.port):
            raise processes.StartupError(f"{self.name}: port {self.port} is already in use")
        log_path = log_dir / f"{self.name}.log"
        self.process = processes.spawn(self.argv, log_path=log_path, env=env)
        processes.wait_until(self.healthy, name=self.name, process=self.process, timeout=timeout, log_path=log_path)

    def healthy(self) -> bool:
        if self.health_path is None:
            time.sleep(2)
            return self.process is not None and self.process.poll() is None
        with urllib.request.urlopen(f"{self.url}{self.health_path}", timeout=2) as response:
            return bool(response.status == 200)

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, signal.SIGTERM, timeout=20)
            self.process = None


def api_services(settings: Settings) -> list[Service]:
    return [
        Service(
            "ingest",
            [sys.executable, "-m", "ingest"],
            settings.host,
            settings.ingest_port,
            note=f"API docs http://{settings.host}:{settings.ingest_port}/docs",
        ),
        Service(
            "dashboard",
            [sys.executable, "-m", "dashboard_api"],
            settings.host,
            settings.dashboard_port,
            note=f"API docs http://{settings.host}:{settings.dashboard_port}/docs",
        ),
    ]


def dagster_services(settings: Settings) -> list[Service]:
    code = ["-m", "orchestration.definitions"]
    return [
        Service(
            "dagster",
            [str(BIN / "dagster-webserver"), *code, "-h", settings.host, "-p", str(settings.dagster_port)],
            settings.host,
            settings.dagster_port,
            health_path="/server_info",
            note="Dagster UI: runs, schedules, asset checks",
        ),
        Service(
            "scheduler",
            [str(BIN / "dagster-daemon"), "run", *code],
            settings.host,
            None,
            health_path=None,
            note="Dagster daemon: runs the schedules and sensors",
        ),
    ]


def all_services(settings: Settings) -> list[Service]:
    return [*api_services(settings), *dagster_services(settings)]


# The Dagster instance's settings, kept by BillBo. One run at a time per partition key: the daemon
# never rates (or reloads, or finalises) the same period in two runs at once, which could
# otherwise happen when a schedule and the automation ask for it together.
DAGSTER_YAML = """\
telemetry:
  enabled: false
concurrency:
  runs:
    tag_concurrency_limits:
      - key: dagster/partition
        value:
          applyLimitPerUniqueValue: true
        limit: 1
"""


def dagster_home(settings: Settings) -> Path:
    home = settings.data_path / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    return home


def service_env(settings: Settings, databases: Databases) -> dict[str, str]:
    """The environment of a child service: ours, plus where the databases are."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
    env.update(settings_env(settings))
    env["BILLBO_POSTGRES_URL"] = databases.postgres_url
    env["BILLBO_CLICKHOUSE_URL"] = databases.clickhouse_url
    env["BILLBO_DATA_DIR"] = str(settings.data_path)
    env["DAGSTER_HOME"] = str(dagster_home(settings))
    return env
