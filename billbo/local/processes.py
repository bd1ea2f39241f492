"""Child processes that die with their parent: the building block of the embedded servers."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

_PR_SET_PDEATHSIG = 1


def _die_with_parent(sig: int) -> Callable[[], None] | None:
    """On Linux, ask the kernel to send ``sig`` to the child when its parent dies (even kill -9)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def set_death_signal() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)

    return set_death_signal


def spawn(
    argv: Sequence[str],
    *,
    log_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    user: str | None = None,
    death_signal: int = signal.SIGTERM,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own session (so a terminal's Ctrl-C reaches only us, and we stop the
    children in order), sending its output to ``log_path`` (or our own stderr)."""
    log: IO[bytes] | int | None = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "ab")  # noqa: SIM115 - the child owns it; closed below in the parent
    try:
        # preexec_fn runs after the uid switch, which would otherwise clear the death signal.
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT if log is not None else None,
            env=dict(env) if env is not None else None,
            user=user,
            group=user,
            extra_groups=[] if user else None,
            start_new_session=True,
            preexec_fn=_die_with_parent(death_signal),
            cwd=cwd,
        )
    finally:
        if hasattr(log, "close"):
            log.close()  # type: ignore[union-attr]


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
    """Ask a child to stop with ``sig``; kill it if it has not exited within ``timeout``."""
    if process.poll() is None:
        try:
            process.send_signal(sig)
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()
        except ProcessLookupError:
            pass  # it exited between poll() and send_signal(); wait() reaps it
    return process.wait()


class StartupError(RuntimeError):
    """A service did not come up."""


def wait_until(
    ready: Callable[[], bool],
    *,
    name: str,
    process: subprocess.Popen[bytes] | None = None,
    timeout: float = 60.0,
    log_path: Path | None = None,
) -> None:
    """Poll ``ready`` until it returns True; fail early if ``process`` exits first."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        if process is not None and process.poll() is not None:
            raise StartupError(f"{name} exited with code {process.returncode}{_tail(log_path)}")
        with contextlib.suppress(Exception):  # not ready yet, whatever the reason
            if ready():
                return
        if time.monotonic() > deadline:
            raise StartupError(f"{name} was not ready after {timeout:.0f} s{_tail(log_path)}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


def _tail(log_path: Path | None, lines: int = 20) -> str:
    if log_path is None or not log_path.exists():
        return ""
    text = log_path.read_text(errors="replace").splitlines()[-lines:]
    return f"; last lines of {log_path}:\n" + "\n".join(text)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
