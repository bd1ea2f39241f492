"""The BillBo services that ``billbo up`` runs beside the databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from billbo import processes
from billbo.migrations.runner import Databases
from billbo.settings import Settings, settings_env


@dataclass
class Service:
    name: str
    module: str
    host: str
    port: int
    docs: str = "/docs"
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, env: dict[str, str], log_dir: Path, timeout: float = 60.0) -> None:
        if not processes.port_is_free(self.host, self.port):
            raise processes.StartupError(f"{self.name}: port {self.port} is already in use")
        log_path = log_dir / f"{self.name}.log"
        self.process = processes.spawn([sys.executable, "-m", self.module], log_path=log_path, env=env)
        processes.wait_until(self.healthy, name=self.name, process=self.process, timeout=timeout, log_path=log_path)

    def healthy(self) -> bool:
        with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
            return bool(response.status == 200)

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, signal.SIGTERM, timeout=15)
            self.process = None


def api_services(settings: Settings) -> list[Service]:
    return [
        Service("ingest", "ingest", settings.host, settings.ingest_port),
        Service("dashboard", "dashboard_api", settings.host, settings.dashboard_port),
    ]


def service_env(settings: Settings, databases: Databases) -> dict[str, str]:
    """The environment of a child service: ours, plus where the databases are."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
    env.update(settings_env(settings))
    env["BILLBO_POSTGRES_URL"] = databases.postgres_url
    env["BILLBO_CLICKHOUSE_URL"] = databases.clickhouse_url
    env["BILLBO_DATA_DIR"] = str(settings.data_path)
    return env
