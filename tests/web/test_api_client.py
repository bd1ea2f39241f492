"""The web dashboard's typed client is generated from the dashboard API as it is now.

``web/openapi.json`` is what ``npm --prefix web run generate:api`` wrote (with
``python -m dashboard_api.openapi``) and the client in ``web/src/api/`` was generated from; an API
change that is not regenerated and committed with it fails here, not in a browser.
"""

from __future__ import annotations

import json
from typing import Any

from billbo.settings import REPO_ROOT
from dashboard_api.openapi import document

COMMITTED = REPO_ROOT / "web" / "openapi.json"
REGENERATE = "run `npm --prefix web run generate:api` and commit"


def _differences(committed: Any, current: Any, where: str = "") -> list[str]:
    if isinstance(committed, dict) and isinstance(current, dict):
        return [
            difference
            for key in sorted(committed.keys() | current.keys())
            for difference in (
                [f"{where}/{key}: only in web/openapi.json"]
                if key not in current
                else [f"{where}/{key}: not in web/openapi.json"]
                if key not in committed
                else _differences(committed[key], current[key], f"{where}/{key}")
            )
        ]
    return [] if committed == current else [f"{where or '/'}: differs"]


def test_the_committed_openapi_document_is_the_dashboard_apis() -> None:
    assert COMMITTED.exists(), f"web/openapi.json is missing: {REGENERATE}"
    committed = json.loads(COMMITTED.read_text())
    current = json.loads(json.dumps(document()))  # as JSON has it: tuples are lists
    differences = _differences(committed, current)
    assert not differences, f"web/openapi.json is not the dashboard API's document: {REGENERATE}.\n" + "\n".join(
        differences[:20]
    )
