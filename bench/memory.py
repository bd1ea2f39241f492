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


def descendants(pid: int, exclude: frozenset[int] = frozenset()) -> list[int]:
    """pid and every process below it (children of children too), less the excluded subtrees."""
    found, todo = [pid], [pid]
    while todo:
        parent = todo.pop()
        try:
            children = [int(c) for c in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        except OSError:
            continue
        children = [c for c in children if c not in exclude]
        found.extend(children)
        todo.extend(children)
    return found


class MemorySampler(threading.Thread):
    """The peak RSS of a process (with ``tree``: summed with all its descendants but the
    ``exclude``d ones and theirs), every 50 ms."""

    def __init__(self, pid: int, *, tree: bool = False, exclude: frozenset[int] = frozenset()) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.tree = tree
        self.exclude = exclude
        self.peak = 0.0
        self._done = threading.Event()

    def sample(self) -> float:
        pids = descendants(self.pid, self.exclude) if self.tree else [self.pid]
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
