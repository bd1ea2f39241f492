"""The web dashboard: the JavaScript a first visit downloads (gzip) and the time until the overview
(its usage chart) and the events explorer (its first row) show data over 10 million events.

Run: ``make bench-web`` (or ``.venv/bin/python -m bench.web [--events 10000000]``).

Builds ``web/`` as the bootstrap does, starts the embedded databases and the dashboard API serving
the build (as ``billbo up`` does), seeds the benchmark merchant of ``bench.dashboard`` with its
1,000 customers and 20 SKUs and ``--events`` events spread over the current month until now (the
overview shows the current period), then drives Debian's headless Chromium
(``web/scripts/web-bench.mjs``): each page ``--runs`` times, a new page each time, the first with a
cold cache. Goal (issue 12): initial JavaScript under 200 KB gzip.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from bench.dashboard import seed
from bench.stack import migrated_stack, write_results
from billbo.local.services import Service, service_env
from billbo.settings import REPO_ROOT

WEB = REPO_ROOT / "web"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/results/web.json"))
    args = parser.parse_args()
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is missing: install Node.js 20 or newer")
    subprocess.run([npm, "run", "build"], cwd=WEB, check=True, stdout=subprocess.DEVNULL)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start = now.replace(day=1, hour=0, minute=0, second=0)
    with migrated_stack("dashboard_port") as stack:
        settings, databases = stack.settings, stack.databases
        service = Service("dashboard", [sys.executable, "-m", "dashboard_api"], "127.0.0.1", settings.dashboard_port)
        service.start(service_env(settings, databases) | {"BILLBO_LOG_LEVEL": "WARNING"}, stack.directory / "logs")
        try:
            client = httpx.Client(base_url=service.url, timeout=60)
            span_us = int((now - start).total_seconds() * 1_000_000)
            first = f"{start:%Y-%m-%d %H:%M:%S}"
            _, load_seconds, stored = seed(client, databases.clickhouse_url, args.events, first, span_us)
            browser = subprocess.run(
                ["node", str(WEB / "scripts" / "web-bench.mjs")],
                env=os.environ
                | {
                    "BILLBO_BENCH_URL": service.url,
                    "BILLBO_BENCH_EMAIL": "bench@acme.io",
                    "BILLBO_BENCH_PASSWORD": "benchmark password",
                    "BILLBO_BENCH_RUNS": str(args.runs),
                },
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            service.stop()
    measured: dict[str, Any] = json.loads(browser.stdout)
    results = {
        "events": stored,
        "window": {"from": start.isoformat(), "to": now.isoformat()},
        "load_seconds": load_seconds,
        **measured,
        "targets": {"initial_js_gzip_kb": 200},
    }
    write_results(results, args.out)


if __name__ == "__main__":
    main()
