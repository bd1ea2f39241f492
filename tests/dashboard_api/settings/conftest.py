"""The dashboard API pointed at the fake Stripe (tests/stripe_fake)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from billbo.settings import Settings
from dashboard_api.app import create_app
from tests.dashboard_api.conftest import HTTPS, Browser
from tests.stripe_fake import fixtures
from tests.stripe_fake.process import FakeStripe

fake_stripe_server = fixtures.fake_stripe_server
fake_stripe = fixtures.fake_stripe


@pytest.fixture(scope="module")
def stripe_settings(settings: Settings, fake_stripe_server: FakeStripe) -> Settings:
    return settings.model_copy(update={"stripe_api_base": fake_stripe_server.url, "stripe_max_network_retries": 1})


@pytest.fixture(scope="module")
def stripe_app(stripe_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(stripe_settings)
    with TestClient(app):
        yield app


@pytest.fixture
def owner(stripe_app: FastAPI, fake_stripe: FakeStripe) -> Browser:
    browser = Browser(stripe_app, base_url=HTTPS)
    browser.signup()
    return browser
