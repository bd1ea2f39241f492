"""pytest fixtures: one fake Stripe per test session, reset before every test that uses it.

Import both into a ``conftest.py`` next to the tests that need them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stripe_fake.process import FakeStripe, running_fake_stripe


@pytest.fixture(scope="session")
def fake_stripe_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeStripe]:
    with running_fake_stripe(tmp_path_factory.mktemp("fake-stripe") / "fake_stripe.log") as fake:
        yield fake


@pytest.fixture
def fake_stripe(fake_stripe_server: FakeStripe) -> FakeStripe:
    """The session's fake, with no objects, faults, keys or clock offset left by earlier tests."""
    fake_stripe_server.reset()
    return fake_stripe_server
