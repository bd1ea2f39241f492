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
    scheme: str = "http"
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}" if self.port else "(no port)"

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


@dataclass
class CodeServer(Service):
    """A Dagster code server: up once it answers gRPC health checks, which it does only once it
    has loaded the definitions."""

    scheme: str = "grpc"

    def healthy(self) -> bool:
        assert self.port is not None
        return grpc_serving(self.host, self.port)


def grpc_serving(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether the Dagster code server at host:port says it is serving (the standard gRPC health
    protocol, which Dagster's servers implement)."""
    import grpc  # type: ignore[import-untyped]  # noqa: PLC0415 - only ``billbo up`` and ``status`` need it
    from grpc_health.v1 import health_pb2, health_pb2_grpc  # type: ignore[import-untyped]  # noqa: PLC0415

    with grpc.insecure_channel(f"{host}:{port}") as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="DagsterApi"), timeout=timeout
            )
        except grpc.RpcError:
            return False
    return bool(response.status == health_pb2.HealthCheckResponse.SERVING)


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
            note=f"web dashboard at /, API docs http://{settings.host}:{settings.dashboard_port}/docs",
        ),
    ]


# The code location's name: the one Dagster gives a ``-m orchestration.definitions`` location, kept
# so that the schedules' and sensors' states (the late_events cursor, the automation's) recorded
# by an earlier BillBo are still theirs.
CODE_LOCATION = "orchestration.definitions"


def dagster_services(settings: Settings) -> list[Service]:
    """One code server, which loads the definitions once and evaluates every sensor and schedule
    tick, and the UI and the daemon, which both reach it through the workspace file (started with
    ``-m``, each would run code servers of its own, the daemon's reloading the definitions)."""
    code = ["-w", str(dagster_workspace(settings))]
    return [
        CodeServer(
            "code-server",
            [
                str(BIN / "dagster"),
                "api",
                "grpc",
                "-m",
                "orchestration.definitions",
                "--location-name",
                CODE_LOCATION,
                "-h",
                settings.host,
                "-p",
                str(settings.dagster_code_port),
                "--log-level",
                "warning",
            ],
            settings.host,
            settings.dagster_code_port,
            health_path=None,
            note="Dagster code server: the definitions, loaded once",
        ),
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


def dagster_workspace(settings: Settings) -> Path:
    """The workspace file of the UI and the daemon: the code server of ``billbo up``."""
    workspace = dagster_home(settings) / "workspace.yaml"
    text = (
        "load_from:\n"
        "  - grpc_server:\n"
        f"      host: {settings.host}\n"
        f"      port: {settings.dagster_code_port}\n"
        f"      location_name: {CODE_LOCATION}\n"
    )
    if not workspace.exists() or workspace.read_text() != text:
        workspace.write_text(text)
    return workspace


def service_env(settings: Settings, databases: Databases) -> dict[str, str]:
    """The environment of a child service: ours, plus where the databases are."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
    env.update(settings_env(settings))
    env["BILLBO_POSTGRES_URL"] = databases.postgres_url
    env["BILLBO_CLICKHOUSE_URL"] = databases.clickhouse_url
    env["BILLBO_DATA_DIR"] = str(settings.data_path)
    env["DAGSTER_HOME"] = str(dagster_home(settings))
    return env
