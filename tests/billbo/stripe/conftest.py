"""The fake Stripe (tests/stripe_fake) for the Stripe client's tests, and gateways onto it."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from pydantic import SecretStr

from billbo.stripe.client import StripeGateway
from tests.stripe_fake import fixtures
from tests.stripe_fake.process import FakeStripe

fake_stripe_server = fixtures.fake_stripe_server
fake_stripe = fixtures.fake_stripe

GatewayFactory = Callable[..., StripeGateway]


@pytest.fixture
def api_key() -> str:
    return "sk_test_" + secrets.token_hex(16)


@pytest.fixture
def make_gateway(fake_stripe: FakeStripe, api_key: str) -> GatewayFactory:
    """``make_gateway(max_network_retries=..., api_key=...)``: a gateway onto the reset fake."""

    def make(*, max_network_retries: int = 2, key: str | None = None, timeout_seconds: float = 10) -> StripeGateway:
        return StripeGateway(
            SecretStr(key or api_key),
            api_base=fake_stripe.url,
            max_network_retries=max_network_retries,
            timeout_seconds=timeout_seconds,
        )

    return make


@pytest.fixture
def gateway(make_gateway: GatewayFactory) -> StripeGateway:
    return make_gateway()
