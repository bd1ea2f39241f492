"""Both APIs as real processes (uvicorn, as ``billbo up`` runs them), logging to files a test reads.

They run in development mode with readable logs: the mode in which a traceback with local
variables once printed callers' API keys and passwords.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from billbo.local.services import Service, api_services, service_env
from billbo.migrations.runner import Databases
from billbo.settings import Settings
from tests.conftest import free_port
from tests.ingest.conftest import MerchantKey, make_merchant_key
from tests.stripe_fake import fixtures
from tests.stripe_fake.process import FakeStripe

fake_stripe_server = fixtures.fake_stripe_server

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class LiveApis:
    ingest_url: str
    dashboard_url: str
    log_dir: Path
    settings: Settings

    def log_lines(self) -> list[str]:
        return [line for path in sorted(self.log_dir.glob("*.log")) for line in path.read_text().splitlines()]

    def lines_with(self, secrets: Sequence[str]) -> list[str]:
        """The log lines that hold any of ``secrets`` (or a 12-character piece of one)."""
        pieces = {secret[i : i + 12] for secret in secrets for i in range(0, max(len(secret) - 11, 1), 6)}
        return [line for line in self.log_lines() if any(piece in line for piece in pieces)]


@dataclass(frozen=True)
class Session:
    """A logged-in dashboard seat: what a browser holds."""

    email: str
    password: str
    cookies: dict[str, str]

    @property
    def csrf(self) -> str:
        return self.cookies["bb_csrf"]

    @property
    def headers(self) -> dict[str, str]:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items() if name != "bb_refresh")
        return {"Cookie": cookie, "X-CSRF-Token": self.csrf}


@pytest.fixture(scope="session")
def live_apis(
    server_settings: Settings,
    databases: Databases,
    tmp_path_factory: pytest.TempPathFactory,
    fake_stripe_server: FakeStripe,
) -> Iterator[LiveApis]:
    settings = server_settings.model_copy(
        update={
            "env": "development",
            "log_format": "console",
            "log_level": "DEBUG",
            "ingest_port": free_port(),
            "dashboard_port": free_port(),
            "data_dir": tmp_path_factory.mktemp("live-apis"),
            "stripe_api_base": fake_stripe_server.url,  # a Stripe key under test is checked there
        }
    )
    log_dir = settings.data_path / "logs"
    env = service_env(settings, databases)
    services: list[Service] = []
    try:
        for service in api_services(settings):
            services.append(service)
            service.start(env, log_dir)
        yield LiveApis(
            ingest_url=f"http://{settings.host}:{settings.ingest_port}",
            dashboard_url=f"http://{settings.host}:{settings.dashboard_port}",
            log_dir=log_dir,
            settings=settings,
        )
    finally:
        for service in reversed(services):
            service.stop()


def sign_up(live: LiveApis, organisation: str = "Fuzz Inc") -> Session:
    email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
    response = httpx.post(
        f"{live.dashboard_url}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "organisation": organisation},
    )
    assert response.status_code == 201, response.text
    return Session(email, PASSWORD, dict(response.cookies))


@pytest.fixture
def live_merchant_key(databases: Databases) -> MerchantKey:
    return make_merchant_key(databases.postgres_url)
