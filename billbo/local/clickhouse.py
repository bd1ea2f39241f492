"""Start and stop the local ClickHouse server (chDB behind the HTTP interface) as a child process."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from billbo.local import processes

DATABASE = "billbo"


@dataclass
class EmbeddedClickHouse:
    root: Path
    port: int
    host: str = "127.0.0.1"
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.log_path = self.root / "clickhouse.log"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/{DATABASE}"

    def start(self, timeout: float = 60.0) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.process = processes.spawn(
            [
                sys.executable,
                "-m",
                "billbo.local.clickhouse_server",
                "--data-dir",
                str(self.root / "data"),
                "--host",
                self.host,
                "--port",
                str(self.port),
            ],
            log_path=self.log_path,
            env=self.env,
        )
        processes.wait_until(
            self.ping, name="clickhouse", process=self.process, timeout=timeout, log_path=self.log_path
        )

    def ping(self) -> bool:
        with urllib.request.urlopen(f"http://{self.host}:{self.port}/ping", timeout=2) as response:
            return bool(response.status == 200)

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, signal.SIGTERM, timeout=30)
            self.process = None
