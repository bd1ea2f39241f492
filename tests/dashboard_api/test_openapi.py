"""``python -m dashboard_api.openapi``: the document web/openapi.json holds, the same in any environment."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from billbo.settings import REPO_ROOT
from dashboard_api.openapi import document, document_text


def test_the_document_does_not_depend_on_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    before = document()
    monkeypatch.setenv("BILLBO_MAX_BODY_BYTES", "5")  # the one setting the document shows
    monkeypatch.setenv("BILLBO_ENV", "production")  # without its secrets: Settings() would refuse
    assert document() == before
    too_large = before["paths"]["/api/customers"]["post"]["responses"]["413"]["description"]
    assert "1048576 bytes" in too_large


def test_the_command_prints_the_document_sorted_and_indented() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "dashboard_api.openapi"], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    ).stdout
    assert printed == document_text()
    assert json.loads(printed) == json.loads(json.dumps(document()))
    assert printed.startswith('{\n  "components": {')
