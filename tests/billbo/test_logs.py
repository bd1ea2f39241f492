"""Logging is safe from the first import of billbo, before any process configures it."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import structlog
import billbo

def fail():
    password = "hunter2-secret-value"
    raise ValueError("key bb_" + "Q" * 40)

try:
    fail()
except ValueError:
    structlog.stdlib.get_logger("unconfigured").exception("failed", api_key="bb_" + "Z" * 40)
"""


def test_an_unconfigured_process_logs_plain_redacted_tracebacks() -> None:
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60, check=True)
    assert "ValueError: key [redacted]" in result.stderr  # the traceback is there, its secret masked
    assert "api_key=[redacted]" in result.stderr
    for secret in ("hunter2-secret-value", "Q" * 20, "Z" * 20):
        assert secret not in result.stderr + result.stdout
