"""Scrubbing log lines: linear time whatever the text, and secret pairs masked where they start and end."""

from __future__ import annotations

import time

import pytest

from billbo.logs import MASK, scrub

LONG_RUN = "POST /?query=SELECT+1&max_block_size=" + "x" * 60_000  # letters, and no secret name
SECRET_NAMES = "password" * 8_000  # letters, each of them a secret name


@pytest.mark.parametrize(
    ("text", "expected"),
    [(LONG_RUN, LONG_RUN), (f"{SECRET_NAMES}=hunter2", f"{SECRET_NAMES}={MASK}")],
)
def test_a_long_run_of_letters_is_scrubbed_in_linear_time(text: str, expected: str) -> None:
    started = time.perf_counter()
    cleaned = scrub(text)
    assert time.perf_counter() - started < 2  # minutes before, when each run was read once per letter
    assert cleaned == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my_password=hunter2", f"my_password={MASK}"),
        ('x"password": "hunter2"', f'x"password": "{MASK}"'),
        ("Authorization: Bearer abc.def", f"Authorization: Bearer {MASK}"),
        ("name=api_key, apikey=1; 1password=2", f"name=api_key, apikey={MASK}; 1password={MASK}"),
        ("query=SELECT 1", "query=SELECT 1"),
    ],
)
def test_secret_pairs_are_masked_where_they_start_and_end(text: str, expected: str) -> None:
    assert scrub(text) == expected
