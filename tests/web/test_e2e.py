"""The web dashboard end to end: a real headless Chromium (Debian's ``chromium``, driven by
playwright-core) against the servers of a real ``billbo up``, the merchant's journey in
``web/e2e/dashboard.e2e.ts``. Screenshots of every page, wide and at 375 px, and the printed
invoice land in ``web/e2e/output/`` (named in the README)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from billbo.settings import REPO_ROOT
from tests.billbo.cli.test_app import BILLBO, Up, descendants, wait_gone
from tests.conftest import free_port

pytestmark = pytest.mark.e2e

WEB = REPO_ROOT / "web"
OUTPUT = WEB / "e2e" / "output"
CHROMIUM = os.environ.get("BILLBO_CHROMIUM", "/usr/bin/chromium")


def test_the_merchant_journey_in_a_real_browser(server_dir: Path) -> None:
    assert (WEB / "dist" / "index.html").exists(), "the dashboard is not built: run scripts/bootstrap"
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: scripts/bootstrap installs Debian's chromium"
    npm = shutil.which("npm")
    assert npm, "npm is missing: install Node.js 20 or newer"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
    environment.update(
        BILLBO_ENV="development",
        BILLBO_DATA_DIR=str(server_dir / "data"),
        BILLBO_LOCAL_POSTGRES_PORT=str(free_port()),
        BILLBO_LOCAL_CLICKHOUSE_PORT=str(free_port()),
        BILLBO_INGEST_PORT=str(free_port()),
        BILLBO_DASHBOARD_PORT=str(free_port()),
        BILLBO_DAGSTER_PORT=str(free_port()),
        BILLBO_DAGSTER_CODE_PORT=str(free_port()),
    )
    shutil.rmtree(OUTPUT, ignore_errors=True)
    up = Up(environment)
    try:
        up.wait_for("BillBo is up", timeout=240)
        result = subprocess.run(
            [npm, "run", "test:e2e"],
            cwd=WEB,
            env=environment
            | {
                "BILLBO_E2E_DASHBOARD_URL": f"http://127.0.0.1:{environment['BILLBO_DASHBOARD_PORT']}",
                "BILLBO_E2E_INGEST_URL": f"http://127.0.0.1:{environment['BILLBO_INGEST_PORT']}",
                "BILLBO_E2E_BILLBO": BILLBO,
                "BILLBO_E2E_OUTPUT": str(OUTPUT),
                "BILLBO_CHROMIUM": CHROMIUM,
                "NO_COLOR": "1",
            },
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    finally:
        children = descendants(up.process.pid)
        up.process.send_signal(signal.SIGINT)
        try:
            up.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            up.process.kill()
        wait_gone(children)
    audited = (OUTPUT / "audited-pages.json").read_text()
    for name in ("login", "signup", "get-started", "overview", "events", "skus", "invoice-detail", "members"):
        assert f'"{name}"' in audited
        for size in ("wide", "narrow"):
            assert (OUTPUT / "screenshots" / size / f"{name}.png").stat().st_size > 5_000
    assert (OUTPUT / "invoice.pdf").read_bytes().startswith(b"%PDF-")
