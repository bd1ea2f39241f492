"""What every benchmark starts from: the embedded servers in a throwaway directory, migrated, as
``billbo up`` would run them; and where its results go."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from billbo.local.stack import DatabaseServers
from billbo.migrations import runner
from billbo.migrations.runner import Databases
from billbo.settings import Settings
from tests.conftest import free_port


@dataclass(frozen=True)
class Stack:
    settings: Settings
    servers: DatabaseServers
    databases: Databases
    directory: Path


@contextmanager
def migrated_stack(*service_ports: str) -> Iterator[Stack]:
    """Embedded Postgres and ClickHouse on free ports, migrated; ``service_ports`` names the port
    settings of services the benchmark starts itself (``"dashboard_port"``), also given free ports."""
    with tempfile.TemporaryDirectory() as tmp:
        ports = {name: free_port() for name in ("local_postgres_port", "local_clickhouse_port", *service_ports)}
        settings = Settings(env="development", data_dir=Path(tmp), log_level="WARNING", **ports)  # type: ignore[arg-type]
        servers = DatabaseServers(settings)
        with servers as databases:
            runner.migrate(settings, databases)
            yield Stack(settings, servers, databases, Path(tmp))


def write_results(results: dict[str, Any], out: Path) -> None:
    print(json.dumps(results, indent=2))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
