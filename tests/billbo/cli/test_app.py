"""``billbo up``, ``status`` and ``migrate`` as a user runs them, with real processes and signals."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

from billbo.local.processes import pid_alive
from billbo.settings import REPO_ROOT
from tests.conftest import free_port

pytestmark = pytest.mark.e2e

BILLBO = str(Path(sys.executable).parent / "billbo")


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def wait_gone(pids: set[int], timeout: float = 20) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = {p for p in pids if pid_alive(p) and not _zombie(p)}
        if not alive:
            return set()
        time.sleep(0.1)
    return alive


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


class Up:
    """A running ``billbo up``, its output collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [BILLBO, "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []  # what billbo up tells its user, on stdout
        self.logs: list[str] = []  # its structured logs, on stderr
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=self._collect_logs, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def _collect_logs(self) -> None:
        assert self.process.stderr is not None
        self.logs.extend(self.process.stderr)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.output.append(line)
            if text in line:
                return
        pytest.fail(f"{text!r} never came; output:\n" + "\n".join(self.output) + "".join(self.logs))

    def rest(self) -> list[str]:
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return self.output


@pytest.fixture
def env(server_dir: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
    environment.update(
        BILLBO_DATA_DIR=str(server_dir / "data"),
        BILLBO_LOCAL_POSTGRES_PORT=str(free_port()),
        BILLBO_LOCAL_CLICKHOUSE_PORT=str(free_port()),
        BILLBO_INGEST_PORT=str(free_port()),
        BILLBO_DASHBOARD_PORT=str(free_port()),
        BILLBO_DAGSTER_PORT=str(free_port()),
        BILLBO_DAGSTER_CODE_PORT=str(free_port()),
    )
    return environment


def readyz(port: str) -> dict[str, object]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_up_serves_everything_and_ctrl_c_leaves_no_process(env: dict[str, str]) -> None:
    up = Up(env)
    try:
        up.wait_for("BillBo is up")
        for port_var in ("BILLBO_INGEST_PORT", "BILLBO_DASHBOARD_PORT"):
            body = readyz(env[port_var])
            assert body["status"] == "ready"
            assert {name for name, check in body["checks"].items() if check["ok"]} == {  # type: ignore[attr-defined]
                "postgres",
                "clickhouse",
                "migrations",
            }
        names = [line.split()[0] for line in up.output if line.split()]
        assert names[:8] == [
            "postgres",
            "clickhouse",
            "migrations",
            "ingest",
            "dashboard",
            "code-server",
            "dagster",
            "scheduler",
        ]
        assert f"127.0.0.1:{env['BILLBO_INGEST_PORT']}" in up.output[3]
        status = subprocess.run([BILLBO, "status"], env=env, capture_output=True, text=True, timeout=60)
        assert status.returncode == 0, status.stdout + status.stderr
        assert status.stdout.count(" up ") == 7
        assert f"code-server up     grpc://127.0.0.1:{env['BILLBO_DAGSTER_CODE_PORT']}" in status.stdout
        # Something to find again after a restart.
        dsn = _postgres_url(env)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("insert into merchants (name) values ('Survives restarts')")
        children = descendants(up.process.pid)
        # postgres (and its workers), clickhouse, ingest, dashboard, the code server, the UI, the daemon
        assert len(children) >= 7
    finally:
        up.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert up.process.wait(60) == 0
    assert "BillBo stopped." in up.rest()
    assert wait_gone(children) == set()

    again = Up(env)
    try:
        again.wait_for("BillBo is up")
        assert any("applied postgres 0, clickhouse 0" in line for line in again.output)
        with psycopg.connect(_postgres_url(env)) as conn:
            assert conn.execute("select count(*) from merchants where name = 'Survives restarts'").fetchone() == (1,)
        children = descendants(again.process.pid)
        # Even kill -9 of billbo leaves nothing behind: children die with their parent.
        again.process.kill()
        again.process.wait(10)
    finally:
        if again.process.poll() is None:
            again.process.kill()
    assert wait_gone(children) == set()
    status = subprocess.run([BILLBO, "status"], env=env, capture_output=True, text=True, timeout=60)
    assert status.returncode == 1
    assert "down" in status.stdout


def test_a_second_up_on_the_same_data_refuses(env: dict[str, str]) -> None:
    up = Up(env)
    try:
        up.wait_for("BillBo is up")
        second = subprocess.run([BILLBO, "up"], env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert "already running" in second.stderr
    finally:
        up.process.send_signal(signal.SIGTERM)
        assert up.process.wait(60) == 0


def test_up_fails_cleanly_when_a_port_is_taken(env: dict[str, str]) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", int(env["BILLBO_DASHBOARD_PORT"])))
        blocker.listen()
        result = subprocess.run([BILLBO, "up"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"{env['BILLBO_DASHBOARD_PORT']} (BILLBO_DASHBOARD_PORT)" in result.stderr


def test_migrate_starts_the_embedded_servers_only_for_the_migration(env: dict[str, str]) -> None:
    result = subprocess.run([BILLBO, "migrate"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    migrations = REPO_ROOT / "migrations"
    assert f"postgres: applied {len(list((migrations / 'postgres').glob('*.sql')))}" in result.stdout
    assert f"clickhouse: applied {len(list((migrations / 'clickhouse').glob('*.sql')))}" in result.stdout
    again = subprocess.run([BILLBO, "migrate"], env=env, capture_output=True, text=True, timeout=120)
    assert "postgres: applied 0" in again.stdout and "clickhouse: applied 0" in again.stdout
    for port_var in ("BILLBO_LOCAL_POSTGRES_PORT", "BILLBO_LOCAL_CLICKHOUSE_PORT"):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", int(env[port_var])), timeout=2)


def _postgres_url(env: dict[str, str]) -> str:
    password = (Path(env["BILLBO_DATA_DIR"]) / "secrets" / "postgres_password").read_text().strip()
    return f"postgresql://billbo:{password}@127.0.0.1:{env['BILLBO_LOCAL_POSTGRES_PORT']}/billbo"
