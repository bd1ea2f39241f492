"""The fake Stripe as a subprocess on 127.0.0.1, and a handle on its control routes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from billbo.local.processes import spawn
from billbo.settings import REPO_ROOT

START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class FakeStripe:
    """A running fake: its base URL (``BILLBO_STRIPE_API_BASE``) and its ``/_test`` controls."""

    url: str

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = httpx.post(self.url + path, json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._post("/_test/reset", {})

    def fault(
        self,
        *,
        status: int | None = None,
        should_retry: bool | None = None,
        drop: bool = False,
        stage: str = "before",
        method: str | None = None,
        path: str | None = None,
        nth: int = 1,
        times: int = 1,
    ) -> None:
        """Answer the ``nth`` next matching request (and ``times - 1`` more) with a fault."""
        spec = {"status": status, "should_retry": should_retry, "drop": drop, "stage": stage,
                "method": method, "path": path, "nth": nth, "times": times}  # fmt: skip
        self._post("/_test/faults", {"faults": [spec]})

    def advance_clock(self, *, hours: float) -> None:
        self._post("/_test/clock", {"advance_seconds": hours * 3600})

    def revoke(self, api_key: str) -> None:
        self._post("/_test/revoke", {"api_key": api_key})

    def requests(self, path: str | None = None) -> list[dict[str, Any]]:
        """The ``/v1/`` requests so far, oldest first (those to exactly ``path`` when given)."""
        response = httpx.get(self.url + "/_test/requests", timeout=10)
        response.raise_for_status()
        log: list[dict[str, Any]] = response.json()["requests"]
        return [entry for entry in log if path is None or entry["path"] == path]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_fake_stripe(log_path: Path) -> Iterator[FakeStripe]:
    """Start the fake (its output in ``log_path``), wait until it answers, yield it, and always stop
    it; it also dies with this process, even on ``kill -9`` (``billbo.local.processes.spawn``)."""
    port = free_port()
    pythonpath = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    process = spawn(
        [sys.executable, "-m", "tests.stripe_fake", "--port", str(port)],
        log_path=log_path,
        env={**os.environ, "PYTHONPATH": pythonpath},
        cwd=REPO_ROOT,
    )
    try:
        fake = FakeStripe(f"http://127.0.0.1:{port}")
        _wait_until_up(fake, process, log_path)
        yield fake
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(fake: FakeStripe, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(fake.url + "/_test/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    raise RuntimeError(f"the fake Stripe did not start (exit code {process.poll()}):\n{log}")
