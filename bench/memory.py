"""Peak resident memory of processes, sampled from /proc while a benchmark runs."""

from __future__ import annotations

import threading
import time
from pathlib import Path


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # the process ended between listing and reading
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """pid and every process below it (children of children too)."""
    found, todo = [pid], [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found.extend(int(c) for c in children)
        todo.extend(int(c) for c in children)
    return found


class MemorySampler(threading.Thread):
    """The peak RSS of a process (with ``tree``: summed with all its descendants), every 50 ms."""

    def __init__(self, pid: int, *, tree: bool = False) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.tree = tree
        self.peak = 0.0
        self._done = threading.Event()

    def sample(self) -> float:
        pids = descendants(self.pid) if self.tree else [self.pid]
        return sum(rss_mb(pid) for pid in pids)

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, self.sample())
            time.sleep(0.05)

    def reset(self) -> None:
        self.peak = self.sample()

    def stop(self) -> float:
        self._done.set()
        self.join()
        return round(self.peak, 1)
