"""``billbo stripe export --period``: a connected merchant's finalised invoices reach the fake Stripe
once, from the command line; a second run has nothing to do."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from billbo.migrations.runner import Databases
from billbo.settings import Settings
from tests.billbo.stripe import world as worlds
from tests.stripe_fake import fixtures
from tests.stripe_fake.process import FakeStripe

fake_stripe_server = fixtures.fake_stripe_server
fake_stripe = fixtures.fake_stripe

pytestmark = pytest.mark.e2e
BILLBO = str(Path(sys.executable).parent / "billbo")
PERIOD = dt.date(2024, 7, 1)  # a month no other test bills


def test_stripe_export_from_the_command_line(
    databases: Databases, settings: Settings, fake_stripe: FakeStripe, tmp_path: Path
) -> None:
    api_key = "sk_test_" + secrets.token_hex(16)
    world = worlds.build(databases.postgres_url, settings, api_key, customers=2, period=PERIOD)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
    env.update(
        BILLBO_POSTGRES_URL=databases.postgres_url,
        BILLBO_CLICKHOUSE_URL=databases.clickhouse_url,
        BILLBO_DATA_DIR=str(settings.data_path),  # the secrets key that sealed the connection
        BILLBO_STRIPE_API_BASE=fake_stripe.url,
        DAGSTER_HOME=str(tmp_path),
    )
    command = [BILLBO, "stripe", "export", "--period", f"{PERIOD:%Y-%m}"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "exported 2, skipped 0 (zero), failed 0" in first.stdout
    assert api_key not in first.stdout + first.stderr
    rows = worlds.exports(databases.postgres_url, world)
    assert {row["state"] for row in rows.values()} == {"exported"}
    with worlds.stripe_view(fake_stripe.url, api_key) as gateway:
        found = worlds.stripe_invoices_of(gateway, databases.postgres_url, world)
    assert sorted(found) == sorted(str(invoice) for invoice in world.invoices)
    assert all(len(copies) == 1 for copies in found.values())

    calls = len(fake_stripe.requests())
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "exported 0" in again.stdout
    assert len(fake_stripe.requests()) == calls

    bad = subprocess.run([BILLBO, "stripe", "export", "--period", "July"], env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr
