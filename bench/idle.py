"""CPU of an idle ``billbo up``: nothing arriving, every process of the stack counted.

Starts ``billbo up`` with a fresh data directory and free ports, waits for "BillBo is up" and a
settle period, then samples every process below it from /proc for the measured window. The total
is exact, short-lived children included: at each end of the window it sums, over every process of
the tree (zombies too), its own CPU time and that of the children it has reaped (``cutime`` and
``cstime``), so a child that came and went in between is counted once, in its parent. The
per-process breakdown comes from sampling every 0.2 s; what a process spent between its last
sample and its exit is "unattributed". ``--profile`` then records the Dagster daemon (and its
subprocesses) with py-spy for a while, beside the results.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import free_port

BIN = Path(sys.executable).parent
TICK = os.sysconf("SC_CLK_TCK")
OUT = Path(__file__).parent / "results" / "idle.json"


@dataclass(frozen=True)
class Stat:
    ppid: int
    start: int  # clock ticks after boot: with the pid, identifies one process
    own: float  # utime + stime, seconds
    reaped: float  # cutime + cstime: the children it has waited for, seconds


def read_stat(pid: int) -> Stat | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # fields[0] is the state (field 3 of proc(5)); utime is field 14, so fields[11].
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return Stat(int(fields[1]), int(fields[19]), (utime + stime) / TICK, (cutime + cstime) / TICK)


def tree(root: int) -> dict[int, Stat]:
    """``root`` and every process below it, zombies included."""
    stats = {pid: stat for pid in _pids() if (stat := read_stat(pid)) is not None}
    children: dict[int, list[int]] = defaultdict(list)
    for pid, stat in stats.items():
        children[stat.ppid].append(pid)
    found: dict[int, Stat] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            found[pid] = stats[pid]
            todo.extend(children.get(pid, []))
    return found


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def total_cpu(root: int) -> float:
    return sum(stat.own + stat.reaped for stat in tree(root).values())


def label(pid: int) -> str:
    """A short name for what a process runs, from its command line."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [a.decode(errors="replace") for a in argv if a]
    line = " ".join(words)
    for pattern, name in (
        (r"dagster api grpc|dagster code-server|dagster_grpc|api grpc", "dagster code server"),
        (r"dagster-webserver", "dagster-webserver"),
        (r"dagster-daemon", "dagster-daemon"),
        (r"-m ingest\b", "ingest"),
        (r"-m dashboard_api\b", "dashboard"),
        (r"clickhouse", "clickhouse"),
        (r"postgres", "postgres"),
        (r"billbo up", "billbo up"),
    ):
        if re.search(pattern, line):
            return name
    return Path(words[0]).name if words else "?"


@dataclass
class Seen:
    name: str
    first: float  # own CPU when first seen in the window (0 if it started during it)
    last: float


@dataclass(eq=False)  # a thread: hashed by identity
class Sampler(threading.Thread):
    root: int
    interval: float = 0.2
    seen: dict[tuple[int, int], Seen] = field(default_factory=dict)
    started: int = 0  # processes that started during the window

    def __post_init__(self) -> None:
        super().__init__(daemon=True)
        self._done = threading.Event()
        self._baseline = {(pid, stat.start) for pid, stat in tree(self.root).items()}

    def run(self) -> None:
        while not self._done.is_set():
            for pid, stat in tree(self.root).items():
                key = (pid, stat.start)
                if key not in self.seen:
                    new = key not in self._baseline
                    self.started += new
                    self.seen[key] = Seen(label(pid), 0.0 if new else stat.own, stat.own)
                self.seen[key].last = stat.own
            self._done.wait(self.interval)

    def stop(self) -> dict[str, dict[str, float]]:
        self._done.set()
        self.join()
        by_name: dict[str, dict[str, float]] = defaultdict(lambda: {"cpu_seconds": 0.0, "processes": 0})
        for seen in self.seen.values():
            by_name[seen.name]["cpu_seconds"] += seen.last - seen.first
            by_name[seen.name]["processes"] += 1
        return dict(by_name)


def billbo_env(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
    env.update(
        BILLBO_DATA_DIR=str(directory / "data"),
        BILLBO_LOCAL_POSTGRES_PORT=str(free_port()),
        BILLBO_LOCAL_CLICKHOUSE_PORT=str(free_port()),
        BILLBO_INGEST_PORT=str(free_port()),
        BILLBO_DASHBOARD_PORT=str(free_port()),
        BILLBO_DAGSTER_PORT=str(free_port()),
        BILLBO_DAGSTER_CODE_PORT=str(free_port()),  # ignored by a BillBo without a code server
        BILLBO_LOG_LEVEL="WARNING",
    )
    return env


def wait_for_up(process: subprocess.Popen[str], timeout: float = 300) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if "BillBo is up" in line:
            return lines
        if time.monotonic() > deadline:
            break
    raise RuntimeError("billbo up never came up:\n" + "\n".join(lines))


def stop_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM to billbo up (its orderly stop), then SIGKILL to whatever of its group is left."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def profile(root: int, seconds: int, out: Path) -> str | None:
    daemons = [pid for pid in tree(root) if label(pid) == "dagster-daemon"]
    if not daemons:
        return None
    py_spy = BIN / "py-spy"
    argv = [str(py_spy), "record", "--subprocesses", "--idle", "-r", "50", "-d", str(seconds)]
    argv += ["-f", "speedscope", "-o", str(out), "-p", str(min(daemons))]
    subprocess.run(argv, check=False, capture_output=True, timeout=seconds + 60)
    return str(out)


def measure(settle: float, seconds: float, profile_seconds: int, name: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        env = billbo_env(Path(tmp))
        # Its own process group, so that nothing of it can outlive the benchmark.
        process = subprocess.Popen(
            [str(BIN / "billbo"), "up"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            output = wait_for_up(process)
            threading.Thread(target=lambda: process.stdout and process.stdout.read(), daemon=True).start()
            time.sleep(settle)
            sampler = Sampler(process.pid)
            begin, cpu_begin = time.monotonic(), total_cpu(process.pid)
            sampler.start()
            time.sleep(seconds)
            by_name = sampler.stop()
            wall, cpu = time.monotonic() - begin, total_cpu(process.pid) - cpu_begin
            services = [line.split()[0] for line in output if line.split()][:-1]
            profiled = None
            if profile_seconds:
                profiled = profile(process.pid, profile_seconds, OUT.with_name(f"idle-{name}.speedscope.json"))
        finally:
            if process.poll() is None:
                stop_group(process)
    attributed = sum(entry["cpu_seconds"] for entry in by_name.values())
    by_name["unattributed (exited between samples)"] = {"cpu_seconds": max(cpu - attributed, 0.0), "processes": 0}
    return {
        "services": services,
        "settle_seconds": settle,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 2),
        "cores": round(cpu / wall, 3),
        "processes_started_during_window": sampler.started,
        "by_process": {
            name: {
                "cpu_seconds": round(entry["cpu_seconds"], 2),
                "cores": round(entry["cpu_seconds"] / wall, 3),
                "processes": int(entry["processes"]),
            }
            for name, entry in sorted(by_name.items(), key=lambda item: -item[1]["cpu_seconds"])
        },
        "profile": profiled,
        "target_cores": 0.05,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=30.0, help="seconds after 'BillBo is up' before measuring")
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the measured window")
    parser.add_argument("--profile", type=int, default=0, help="then py-spy the daemon for this many seconds")
    parser.add_argument("--name", default="run", help="the key of this run in bench/results/idle.json")
    args = parser.parse_args()
    result = measure(args.settle, args.seconds, args.profile, args.name)
    runs = json.loads(OUT.read_text()) if OUT.exists() else {}
    runs[args.name] = result
    print(json.dumps(result, indent=2))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(runs, indent=2) + "\n")


if __name__ == "__main__":
    main()
