"""Schemathesis over both OpenAPI documents, against the APIs as real processes, with every check.

Each run generates at least ``FUZZ_CASES`` cases per API (1,000 in the test suite; ``make fuzz``
asks for 10,000) in all of schemathesis' phases (examples, coverage, fuzzing, stateful), positive
and negative, and fails on any finding: a server error, a status, header or body outside the
schema, schema-valid data refused or schema-violating data accepted, a wrong answer to an
undeclared method. Generated times fall inside the backdating window and a batch never repeats
an event id (``fuzz_hooks.py``: rules a JSON schema cannot state). Price terms have rules no
schema states either; there (and only there) 422 counts as an accepted answer to schema-valid data,
see ``RULES_BEYOND_THE_SCHEMA``. Stripe's webhooks need a signature schemathesis cannot make: there
400 does, see ``CANNOT_BE_SIGNED_HERE``.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from tests.billbo.http.conftest import LiveApis, sign_up
from tests.ingest.conftest import MerchantKey

FUZZ_CASES = int(os.environ.get("FUZZ_CASES", "1000"))
SEED = os.environ.get("FUZZ_SEED", "20261201")  # "random" for a new seed each run
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
ROOT = Path(__file__).resolve().parents[3]
TIME_LIMIT = 600 + FUZZ_CASES * 0.3  # seconds; about 0.1 s a case here
pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(TIME_LIMIT)]

# Operation -> why valid-looking data may still be refused with 422.
RULES_BEYOND_THE_SCHEMA = {
    ("POST", "/api/skus"): "tiers ascend and end open-ended; fees fit the currency's minor units",
    ("POST", "/api/skus/{sku_id}/prices"): "tiers ascend and end open-ended; fees fit the currency's minor units",
    ("PUT", "/api/settings/stripe"): "Stripe itself must accept the key (a well-formed key may be refused)",
}
# Operation -> the proof schema-valid data still lacks, so that it is refused with 400: one that
# schemathesis cannot make. Fuzzed all the same (no 5xx, answers as documented, schema-violating
# data refused); the accepted path is tested with signed bodies in tests/dashboard_api/webhooks.
CANNOT_BE_SIGNED_HERE = {
    ("POST", "/webhooks/stripe/{merchant_id}"): "a Stripe-Signature made with the merchant's signing secret",
}
# Operations that end the session they run in: tested in tests/dashboard_api/auth, not fuzzed here.
SESSION_ENDING = ["/api/auth/logout", "/api/auth/refresh"]


def _config(path: Path, prefix: str | tuple[str, ...]) -> Path:
    lines = []
    for operations, statuses in (
        (RULES_BEYOND_THE_SCHEMA, '["2xx", "401", "403", "404", "409", "422", "429"]'),
        (CANNOT_BE_SIGNED_HERE, '["2xx", "400"]'),
    ):
        for method, operation in operations:
            if not operation.startswith(prefix):
                continue
            lines += [  # one filter by name: include-path and include-method would be either, not both
                "[[operations]]",
                f'include-name = "{method} {operation}"',
                f"checks.positive_data_acceptance.expected-statuses = {statuses}",
                "",
            ]
    path.write_text("\n".join(lines))
    return path


def _operations(base_url: str) -> int:
    document = httpx.get(f"{base_url}/openapi.json").json()
    return sum(
        1
        for item in document["paths"].values()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    )


def _run(
    base_url: str,
    prefix: str | tuple[str, ...],
    headers: dict[str, str],
    tmp_path: Path,
    exclude: Sequence[str] = (),
    spread: float = 1,
) -> str:
    """Run schemathesis; ``spread`` asks more examples of each operation where a few operations
    (health, metrics) have too few distinct inputs to reach their share."""
    per_operation = math.ceil(spread * FUZZ_CASES / _operations(base_url))
    config = _config(tmp_path / "schemathesis.toml", prefix)
    argv = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{base_url}/openapi.json",
        "--max-examples",
        str(per_operation),
        "--no-color",
        "--workers",
        "1",
    ]
    if SEED != "random":
        argv += ["--seed", SEED]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    for path in exclude:
        argv += ["--exclude-path", path]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.billbo.http.fuzz_hooks", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=TIME_LIMIT, cwd=tmp_path, env=env, check=False
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-20_000:]
    return report


def _generated(report: str) -> int:
    match = re.search(r"(\d+) generated", report)
    assert match, report[-5000:]
    return int(match.group(1))


def test_the_ingest_api_meets_its_schema(live_apis: LiveApis, live_merchant_key: MerchantKey, tmp_path: Path) -> None:
    report = _run(live_apis.ingest_url, "/v1/", live_merchant_key.headers, tmp_path, spread=2)
    assert _generated(report) >= FUZZ_CASES, report[-5000:]
    assert live_apis.lines_with([live_merchant_key.key]) == []  # sent on every request, logged on none


def test_the_dashboard_api_meets_its_schema(live_apis: LiveApis, tmp_path: Path) -> None:
    session = sign_up(live_apis)
    report = _run(live_apis.dashboard_url, ("/api/", "/webhooks/"), session.headers, tmp_path, exclude=SESSION_ENDING)
    assert _generated(report) >= FUZZ_CASES, report[-5000:]
    assert live_apis.lines_with([*session.cookies.values(), session.password]) == []
